"""The person search at a large city's scale, on both databases.

- ``people_nameprefix``: the first one, two or three folded characters of each person's names
  (the keys ``name_key``, ``given_key``, ``kana_key``, ``given_kana_key``), one row per
  person and prefix, with the list's order (kana, id) as its primary key and the person's
  scope beside it, so that a search reads its first page from an index in the list's
  order. Written by triggers on ``people_person`` alone, from the keys the services set.
  SQLite: a WITHOUT ROWID table (the primary key holds every column); PostgreSQL: the
  other columns INCLUDEd in the primary key's index, for index-only scans.
- The trigram index over ``inner_text`` (each name without its first character), for
  terms of three characters or more inside a name: an external-content FTS5 table with the
  trigram tokenizer and its triggers on SQLite, pg_trgm's GIN index on PostgreSQL.
- ``person_list_order``: the list's order, walked from a cursor instead of an OFFSET.

SQLite's schema editor rebuilds ``people_person`` to alter a column, which drops its
triggers; ``chiiki.people.search_index.ensure`` puts them back after every migrate.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

KEYS = ("name_key", "given_key", "kana_key", "given_kana_key")
# The prefixes of a row's person: the first character of the full name and of the full
# kana (a family name's start), the first two and three of each key. SQL of both databases.
PREFIX_MAX = 3
_PREFIXES = (
    ("name_key", 1),
    ("kana_key", 1),
    *((key, n) for n in (2, PREFIX_MAX) for key in KEYS),
)
_COLUMNS = (
    "prefix, family_kana, given_kana, person_id, municipality_id, district_id, life_area_id, "
    "moved_out_on, tokens"
)


def _life_area(row: str) -> str:
    """The life area of the row's district: copied, so that a support center's scope is a
    column of the index (no join, whatever the planner guesses of its size)."""
    return f"(SELECT d.life_area_id FROM areas_district AS d WHERE d.id = {row}.district_id)"


def _tokens(row: str) -> str:
    """' 佐藤花子 花子 さとうはなこ はなこ': a key starts with t where ' ' || t is found."""
    return "' ' || " + " || ' ' || ".join(f"{row}.{k}" for k in KEYS)


def _sqlite_prefixes(row: str) -> str:
    return " UNION ".join(f"SELECT substr({row}.{k}, 1, {n}) AS p" for k, n in _PREFIXES)


def _sqlite_insert(row: str) -> str:
    return (
        f"INSERT INTO people_nameprefix ({_COLUMNS}) "
        f"SELECT DISTINCT prefixes.p, {row}.family_kana, {row}.given_kana, {row}.id, "
        f"{row}.municipality_id, {row}.district_id, {_life_area(row)}, {row}.moved_out_on, "
        f"{_tokens(row)} FROM ({_sqlite_prefixes(row)}) AS prefixes WHERE prefixes.p <> ''"
    )


def sqlite_fill(where: str = "") -> str:
    """Every person's rows at once (SQLite has no LATERAL: one SELECT per prefix), or those
    of the people ``where`` names (SQL on ``p``), written in the primary key's order."""
    each = " UNION ALL ".join(
        f"SELECT substr(p.{k}, 1, {n}) AS prefix, p.* FROM people_person AS p"
        f"{f' WHERE {where}' if where else ''}"
        for k, n in _PREFIXES
    )
    return (
        # OR IGNORE drops a person's repeated prefixes (佐々 gives 佐 twice) at half the
        # cost of a DISTINCT over a million rows.
        f"INSERT OR IGNORE INTO people_nameprefix ({_COLUMNS}) "
        f"SELECT prefix, family_kana, given_kana, id, municipality_id, district_id, "
        f"{_life_area('x')}, moved_out_on, {_tokens('x')} FROM ({each}) AS x WHERE prefix <> '' "
        "ORDER BY prefix, family_kana, given_kana, id"
    )


def _delete(row: str, left: str) -> str:
    """The old rows of one person, by their primary key (no other index is needed)."""
    prefixes = ", ".join(left.format(f"{row}.{k}", n) for k, n in _PREFIXES)
    return (
        f"DELETE FROM people_nameprefix WHERE person_id = {row}.id "
        f"AND family_kana = {row}.family_kana AND given_kana = {row}.given_kana "
        f"AND prefix IN ({prefixes})"
    )


# What a NamePrefix row copies: when none of these changes, the rows stay.
WATCHED = (
    *KEYS,
    "family_kana",
    "given_kana",
    "municipality_id",
    "district_id",
    "moved_out_on",
)
_SQLITE_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in WATCHED)

SQLITE_TABLES = [
    "CREATE TABLE IF NOT EXISTS people_nameprefix ("
    "prefix varchar(3) NOT NULL, family_kana varchar(80) NOT NULL, "
    "given_kana varchar(80) NOT NULL, person_id integer NOT NULL, "
    "municipality_id integer NOT NULL, district_id integer NOT NULL, "
    "life_area_id integer NOT NULL, moved_out_on date NULL, "
    "tokens varchar(324) NOT NULL, "
    "PRIMARY KEY (prefix, family_kana, given_kana, person_id)) WITHOUT ROWID",
    "CREATE VIRTUAL TABLE IF NOT EXISTS people_person_inner USING fts5("
    "inner_text, content='people_person', content_rowid='id', tokenize='trigram')",
]
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER people_nameprefix_ai AFTER INSERT ON people_person BEGIN "
    f"{_sqlite_insert('new')}; END",
    f"CREATE TRIGGER people_nameprefix_ad AFTER DELETE ON people_person BEGIN "
    f"{_delete('old', 'substr({}, 1, {})')}; END",
    f"CREATE TRIGGER people_nameprefix_au AFTER UPDATE ON people_person "
    f"WHEN {_SQLITE_CHANGED} BEGIN {_delete('old', 'substr({}, 1, {})')}; "
    f"{_sqlite_insert('new')}; END",
    "CREATE TRIGGER people_person_inner_ai AFTER INSERT ON people_person BEGIN "
    "INSERT INTO people_person_inner(rowid, inner_text) VALUES (new.id, new.inner_text); END",
    "CREATE TRIGGER people_person_inner_ad AFTER DELETE ON people_person BEGIN "
    "INSERT INTO people_person_inner(people_person_inner, rowid, inner_text) "
    "VALUES ('delete', old.id, old.inner_text); END",
    "CREATE TRIGGER people_person_inner_au AFTER UPDATE OF inner_text ON people_person "
    "WHEN old.inner_text IS NOT new.inner_text BEGIN "
    "INSERT INTO people_person_inner(people_person_inner, rowid, inner_text) "
    "VALUES ('delete', old.id, old.inner_text); "
    "INSERT INTO people_person_inner(rowid, inner_text) VALUES (new.id, new.inner_text); END",
]
# A district that moves to another life area takes its people's rows along (rare: an area
# tree import; it reads the whole table).
_MOVE_DISTRICT = (
    "UPDATE people_nameprefix SET life_area_id = {row}.life_area_id WHERE district_id = {row}.id"
)
SQLITE_TRIGGERS.append(
    "CREATE TRIGGER people_nameprefix_district_au AFTER UPDATE OF life_area_id ON areas_district "
    f"WHEN old.life_area_id IS NOT new.life_area_id BEGIN {_MOVE_DISTRICT.format(row='new')}; END"
)
SQLITE_TRIGGER_NAMES = [sql.split()[2] for sql in SQLITE_TRIGGERS]
# Both indexes made again from the people (after a migration that ran without triggers).
SQLITE_FILL = [
    "DELETE FROM people_nameprefix",
    sqlite_fill(),
    "INSERT INTO people_person_inner(people_person_inner) VALUES ('rebuild')",
]
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGER_NAMES),
    "DROP TABLE IF EXISTS people_person_inner",
    "DROP TABLE IF EXISTS people_nameprefix",
]

_PG_CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)
_PG_PREFIXES = ", ".join(f"left({{row}}.{k}, {n})" for k, n in _PREFIXES)


def _pg_insert(row: str, source: str = "") -> str:
    return (
        f"INSERT INTO people_nameprefix ({_COLUMNS}) "
        f"SELECT DISTINCT p, {row}.family_kana, {row}.given_kana, {row}.id, "
        f"{row}.municipality_id, {row}.district_id, {_life_area(row)}, {row}.moved_out_on, "
        f"{_tokens(row)} FROM {source}unnest(ARRAY[{_PG_PREFIXES.format(row=row)}]) AS p "
        "WHERE p <> ''"
    )


# The setting that tells the insert trigger a bulk import writes the rows (SET LOCAL).
PG_BULK = "chiiki.people_bulk"


def pg_fill(where: str) -> str:
    """The rows of the people ``where`` names (SQL on ``people_person``), skipping any that
    are there."""
    return f"{_pg_insert('people_person', 'people_person, ')} AND {where} ON CONFLICT DO NOTHING"


POSTGRES = [
    # The CI and production databases let the migrating role create extensions.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TABLE people_nameprefix ("
    "prefix varchar(3) NOT NULL, family_kana varchar(80) NOT NULL, "
    "given_kana varchar(80) NOT NULL, person_id bigint NOT NULL, "
    "municipality_id bigint NOT NULL, district_id bigint NOT NULL, "
    "life_area_id bigint NOT NULL, moved_out_on date NULL, "
    "tokens varchar(324) NOT NULL, "
    "PRIMARY KEY (prefix, family_kana, given_kana, person_id) "
    "INCLUDE (municipality_id, life_area_id, district_id, moved_out_on, tokens))",
    _pg_insert("people_person", "people_person, "),
    "CREATE FUNCTION people_nameprefix_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    # A bulk import writes its new people's rows itself, in one statement (PG_BULK).
    f"IF TG_OP = 'INSERT' AND current_setting('{PG_BULK}', true) = 'on' THEN RETURN NULL; "
    "END IF; "
    f"IF TG_OP <> 'INSERT' THEN {_delete('OLD', 'left({}, {})')}; END IF; "
    f"IF TG_OP <> 'DELETE' THEN {_pg_insert('NEW')}; END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER people_nameprefix_ins AFTER INSERT ON people_person "
    "FOR EACH ROW EXECUTE FUNCTION people_nameprefix_sync()",
    "CREATE TRIGGER people_nameprefix_del AFTER DELETE ON people_person "
    "FOR EACH ROW EXECUTE FUNCTION people_nameprefix_sync()",
    "CREATE TRIGGER people_nameprefix_upd AFTER UPDATE ON people_person "
    f"FOR EACH ROW WHEN ({_PG_CHANGED}) EXECUTE FUNCTION people_nameprefix_sync()",
    "CREATE FUNCTION people_nameprefix_district() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN {_MOVE_DISTRICT.format(row='NEW')}; RETURN NULL; END $$",
    "CREATE TRIGGER people_nameprefix_district AFTER UPDATE OF life_area_id ON areas_district "
    "FOR EACH ROW WHEN (OLD.life_area_id IS DISTINCT FROM NEW.life_area_id) "
    "EXECUTE FUNCTION people_nameprefix_district()",
    # A flush (TRUNCATE) fires no row trigger.
    "CREATE FUNCTION people_nameprefix_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN TRUNCATE people_nameprefix; RETURN NULL; END $$",
    "CREATE TRIGGER people_nameprefix_trunc AFTER TRUNCATE ON people_person "
    "FOR EACH STATEMENT EXECUTE FUNCTION people_nameprefix_truncate()",
    "CREATE INDEX people_person_inner_trgm ON people_person USING gin (inner_text gin_trgm_ops)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS people_person_inner_trgm",
    "DROP TRIGGER IF EXISTS people_nameprefix_trunc ON people_person",
    "DROP TRIGGER IF EXISTS people_nameprefix_district ON areas_district",
    "DROP FUNCTION IF EXISTS people_nameprefix_district()",
    "DROP TRIGGER IF EXISTS people_nameprefix_upd ON people_person",
    "DROP TRIGGER IF EXISTS people_nameprefix_del ON people_person",
    "DROP TRIGGER IF EXISTS people_nameprefix_ins ON people_person",
    "DROP FUNCTION IF EXISTS people_nameprefix_truncate()",
    "DROP FUNCTION IF EXISTS people_nameprefix_sync()",
    "DROP TABLE IF EXISTS people_nameprefix",
]


def fill_columns(apps: Any, schema_editor: Any) -> None:
    """The search columns of the people stored before them, in batches by id."""
    from chiiki.core.text import fold
    from chiiki.people.services import search_columns

    person_model = apps.get_model("people", "Person")
    folded = lru_cache(maxsize=65536)(fold)
    names = ("family_name", "given_name", "family_kana", "given_kana")
    last = 0
    while batch := list(person_model.objects.filter(pk__gt=last).order_by("pk")[:2000]):
        for p in batch:
            for column, value in search_columns(*(getattr(p, n) for n in names), folded).items():
                setattr(p, column, value)
        person_model.objects.bulk_update(
            batch, ["search_text", *KEYS, "inner_text"], batch_size=2000
        )
        last = batch[-1].pk


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = SQLITE_DROP + SQLITE_TABLES + SQLITE_TRIGGERS + SQLITE_FILL
    else:
        statements = POSTGRES if vendor == "postgresql" else []
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0003_addressarea"),
        ("people", "0005_care_certification"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name="person",
                name=key,
                field=models.CharField(default="", editable=False, max_length=80),
            )
            for key in KEYS
        ),
        migrations.AddField(
            model_name="person",
            name="inner_text",
            field=models.CharField(default="", editable=False, max_length=320),
        ),
        migrations.AlterField(
            model_name="person",
            name="search_text",
            field=models.CharField(default="", editable=False, max_length=400),
        ),
        migrations.RunPython(fill_columns, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["municipality", "family_kana", "given_kana", "id"], name="person_list_order"
            ),
        ),
        migrations.CreateModel(
            name="NamePrefix",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "prefix",
                        "family_kana",
                        "given_kana",
                        "person",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("prefix", models.CharField(max_length=3)),
                ("family_kana", models.CharField(max_length=80)),
                ("given_kana", models.CharField(max_length=80)),
                ("moved_out_on", models.DateField(null=True)),
                ("tokens", models.CharField(max_length=324)),
                (
                    "district",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="areas.district",
                    ),
                ),
                (
                    "life_area",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="areas.lifearea",
                    ),
                ),
                (
                    "municipality",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="areas.municipality",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
            ],
            options={"db_table": "people_nameprefix", "managed": False},
        ),
        migrations.RunPython(forwards, backwards),
    ]
