"""Keep SQLite's search indexes of people in place after any migration, and tell its
query planner what the people table is like.

SQLite's schema editor rebuilds a table to alter a column, which drops the triggers that
keep ``people_nameprefix`` and the trigram table ``people_person_inner`` in step with
``people_person``. After every ``migrate`` this checks that the triggers are there and, if
one is missing, recreates them and makes both indexes again from the people (some tens of
seconds for a million). PostgreSQL needs nothing: an ALTER TABLE keeps its triggers.

Statistics: unmeasured, SQLite takes an equality on any indexed column to match some ten
rows, so ``municipality_id = ?`` (every resident, in a municipality's database) looks like
the best way into the table, and a search walks the whole municipality to find fifty
people by id. ``ensure_stats`` writes ``sqlite_stat1`` rows for people_person's indexes
after every migrate, describing a large municipality: one municipality holds everyone, a
district a tenth, a family kana a few hundred. The planner then reads a search's few ids by
primary key, and walks a support center's areas in kana order (skipping other districts)
rather than sorting them. They replace what an ANALYZE measured: on a real extract a
district is smaller than a tenth, and the planner would sort a nurse's 50,000 people for
every page.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def schema() -> Any:
    """The migration that defines the search index's SQL (its tables, triggers and fills)."""
    return importlib.import_module("chiiki.people.migrations.0006_search_index")


def ensure(connection: Any) -> bool:
    """Recreate the SQLite search triggers and indexes if any is missing; True if it did."""
    if connection.vendor != "sqlite":
        return False
    shape = schema()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('trigger', 'table') "
            "AND name LIKE 'people_%'"
        )
        present = {row[0] for row in cursor.fetchall()}
        # Before the migration that makes them (or after it was reversed) there is nothing to keep.
        if "people_nameprefix" not in present or set(shape.SQLITE_TRIGGER_NAMES) <= present:
            return False
        for sql in shape.SQLITE_DROP + shape.SQLITE_TABLES + shape.SQLITE_TRIGGERS:
            cursor.execute(sql)
        for sql in shape.SQLITE_FILL:
            cursor.execute(sql)
    return True


# The insert triggers a bulk import suspends on SQLite (it writes their rows itself).
_INSERT_TRIGGERS = ("people_nameprefix_ai", "people_person_inner_ai")


@contextmanager
def bulk_insert(connection: Any, municipality_id: int) -> Iterator[None]:
    """New people of one municipality inserted in bulk within this block get their search
    rows at its end, in one statement per index, instead of from the insert triggers row by
    row (which tripled a large import's time: 116,473 people took 8 s in the trigram
    index's trigger and 19 s in the prefixes', against 0.3 s and 9 s at once).

    Inside a transaction: on SQLite the triggers are dropped and made again (DDL is part of
    the transaction, so an error restores them); on PostgreSQL a ``SET LOCAL`` setting tells
    the prefixes' trigger to leave the rows to this block (the trigram index is an index).
    Rows already there are kept.
    """
    shape = schema()
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        if sqlite:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s)",
                list(_INSERT_TRIGGERS),
            )
            if cursor.fetchone()[0] != len(_INSERT_TRIGGERS):  # no index (before its migration)
                yield
                return
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM people_person")
        last = int(cursor.fetchone()[0])
        if sqlite:
            for name in _INSERT_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
        else:
            cursor.execute("SELECT set_config(%s, 'on', true)", [shape.PG_BULK])
    yield

    def new(table: str) -> str:  # the block's people, in SQL on ``table``
        return f"{table}.municipality_id = {int(municipality_id)} AND {table}.id > {last}"

    with connection.cursor() as cursor:
        if sqlite:
            # The fill sorts a million rows: with room in the page cache. (temp_store cannot
            # change inside a transaction.)
            cursor.execute("PRAGMA cache_size")
            cache_size = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA cache_size = -65536")
            cursor.execute(shape.sqlite_fill(new("p")))
            cursor.execute(
                "INSERT INTO people_person_inner (rowid, inner_text) "
                f"SELECT id, inner_text FROM people_person WHERE {new('people_person')}"
            )
            for name, sql in zip(shape.SQLITE_TRIGGER_NAMES, shape.SQLITE_TRIGGERS, strict=True):
                if name in _INSERT_TRIGGERS:
                    cursor.execute(sql)
            cursor.execute(f"PRAGMA cache_size = {cache_size}")
        else:
            cursor.execute(shape.pg_fill(new("people_person")))
            cursor.execute("SELECT set_config(%s, 'off', true)", [shape.PG_BULK])


# Rows that share one value of an index's first column; then how many ways each further
# column splits them. Unique columns (id, the numbers) leave one row.
_ALONE = {"municipality_id": 1_000_000, "district_id": 100_000, "family_kana": 200}
_SPLIT = {"municipality_id": 1, "district_id": 10, "family_kana": 5_000, "given_kana": 100}
_UNIQUE = {"id", "insured_number", "register_number"}
ROWS = 1_000_000


def planner_stats(columns: list[str]) -> str:
    """The ``sqlite_stat1`` figures of an index on ``columns`` (``"1000000 200 2 1"``)."""
    figures = [ROWS]
    for i, column in enumerate(columns):
        if column in _UNIQUE:
            rows = 1
        elif i == 0:
            rows = _ALONE.get(column, 10)
        else:
            rows = max(1, figures[-1] // _SPLIT.get(column, 10))
        figures.append(rows)
    return " ".join(str(f) for f in figures)


def ensure_stats(connection: Any) -> None:
    """Write the planner's figures for people_person's indexes (SQLite only)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sqlite_schema")  # makes sqlite_stat1 if it is missing
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'people_person'"
        )
        indexes = [row[0] for row in cursor.fetchall()]
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'people_person'")
        for name in indexes:
            cursor.execute(f"PRAGMA index_info('{name}')")
            columns = [row[2] for row in cursor.fetchall()]
            cursor.execute(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('people_person', %s, %s)",
                [name, planner_stats(columns)],
            )
        cursor.execute("ANALYZE sqlite_schema")  # this connection reads them now


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    ensure(connections[using])
    ensure_stats(connections[using])
