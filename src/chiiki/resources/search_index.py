"""Keep SQLite's full-text indexes of the directory in place after any migration.

SQLite's schema editor rebuilds a table to alter a column, which drops the triggers that
keep the FTS5 indexes in step with ``resources_service`` and ``resources_searchchars``.
After every ``migrate`` this checks that they are all there and, if one is missing,
recreates them and rebuilds the indexes from the tables (a few seconds for 100,000
services). PostgreSQL needs nothing: its pg_trgm indexes are ordinary indexes.
"""

from __future__ import annotations

import importlib
from typing import Any

TRIGGERS = {
    "resources_service_fts_ai",
    "resources_service_fts_ad",
    "resources_service_fts_au",
    "resources_searchchars_fts_ai",
    "resources_searchchars_fts_ad",
    "resources_searchchars_fts_au",
}


def ensure(connection: Any) -> bool:
    """Recreate the SQLite search triggers and indexes if any is missing; True if it did."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('trigger', 'table') "
            "AND name LIKE 'resources_%'"
        )
        present = {row[0] for row in cursor.fetchall()}
        if "resources_searchchars" not in present or TRIGGERS <= present:
            return False
        shape = importlib.import_module("chiiki.resources.migrations.0004_search_columns")
        for sql in shape.DROP_CHARS + shape.DROP_TRIGRAM + shape.TRIGRAM + shape.CHARS:
            cursor.execute(sql)
    return True


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    ensure(connections[using])
