"""Full-text search over the folded ``search_text`` of services, per database vendor.

SQLite: an external-content FTS5 table with the trigram tokenizer, kept in step by
triggers (queries of three or more characters). PostgreSQL: the pg_trgm extension and a
GIN trigram index, which serves ``LIKE '%…%'``. Queries of one or two characters fall back
to a substring scan on both (see ``selectors.service_search``).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS resources_service_fts USING fts5("
    "search_text, content='resources_service', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS resources_service_fts_ai AFTER INSERT ON resources_service "
    "BEGIN INSERT INTO resources_service_fts(rowid, search_text) "
    "VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS resources_service_fts_ad AFTER DELETE ON resources_service "
    "BEGIN INSERT INTO resources_service_fts(resources_service_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS resources_service_fts_au AFTER UPDATE ON resources_service "
    "BEGIN INSERT INTO resources_service_fts(resources_service_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO resources_service_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS resources_service_fts_ai",
    "DROP TRIGGER IF EXISTS resources_service_fts_ad",
    "DROP TRIGGER IF EXISTS resources_service_fts_au",
    "DROP TABLE IF EXISTS resources_service_fts",
]
POSTGRES = [
    # The CI and production databases let the migrating role create extensions.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS resources_service_search_trgm "
    "ON resources_service USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS resources_service_name_trgm "
    "ON resources_service USING gin (name_folded gin_trgm_ops)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS resources_service_search_trgm",
    "DROP INDEX IF EXISTS resources_service_name_trgm",
]


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
