"""The append-only guard on the audit trail, and the one way to lift it: a full flush.

SQLite's flush deletes rows one by one, which the delete trigger refuses; PostgreSQL's
TRUNCATE fires no row trigger. Only wiping the whole database (``chiiki demo --reset``, and
the test runner between transactional tests) may lift the guard, for the flush alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from typing import Any

_triggers = import_module("chiiki.accounts.migrations.0004_audit_lists")
GUARDED: tuple[str, ...] = _triggers.GUARDED


@contextmanager
def lifted_for_flush(connection: Any) -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        for table in GUARDED:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for table in GUARDED:
                for sql in _triggers._sqlite(table):
                    cursor.execute(sql)
