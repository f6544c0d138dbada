"""SQLite search, second shape: the trigram index gets the name as its own column (name
matches rank first without reading every matching row), and a second FTS5 index over
single characters answers one- and two-character queries (体操, 送迎, 茶) as phrases,
where the trigram tokenizer finds nothing. PostgreSQL keeps its pg_trgm indexes (0002).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


TRIGRAM = [
    "CREATE VIRTUAL TABLE resources_service_fts USING fts5("
    "name_folded, search_text, content='resources_service', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER resources_service_fts_ai AFTER INSERT ON resources_service BEGIN "
    "INSERT INTO resources_service_fts(rowid, name_folded, search_text) "
    "VALUES (new.id, new.name_folded, new.search_text); END",
    "CREATE TRIGGER resources_service_fts_ad AFTER DELETE ON resources_service BEGIN "
    "INSERT INTO resources_service_fts(resources_service_fts, rowid, name_folded, search_text) "
    "VALUES ('delete', old.id, old.name_folded, old.search_text); END",
    "CREATE TRIGGER resources_service_fts_au AFTER UPDATE ON resources_service BEGIN "
    "INSERT INTO resources_service_fts(resources_service_fts, rowid, name_folded, search_text) "
    "VALUES ('delete', old.id, old.name_folded, old.search_text); "
    "INSERT INTO resources_service_fts(rowid, name_folded, search_text) "
    "VALUES (new.id, new.name_folded, new.search_text); END",
    "INSERT INTO resources_service_fts(resources_service_fts) VALUES ('rebuild')",
]
CHARS = [
    "CREATE VIRTUAL TABLE resources_searchchars_fts USING fts5("
    "name_chars, text_chars, content='resources_searchchars', content_rowid='service_id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER resources_searchchars_fts_ai AFTER INSERT ON resources_searchchars BEGIN "
    "INSERT INTO resources_searchchars_fts(rowid, name_chars, text_chars) "
    "VALUES (new.service_id, new.name_chars, new.text_chars); END",
    "CREATE TRIGGER resources_searchchars_fts_ad AFTER DELETE ON resources_searchchars BEGIN "
    "INSERT INTO resources_searchchars_fts(resources_searchchars_fts, rowid, name_chars, "
    "text_chars) VALUES ('delete', old.service_id, old.name_chars, old.text_chars); END",
    "CREATE TRIGGER resources_searchchars_fts_au AFTER UPDATE ON resources_searchchars BEGIN "
    "INSERT INTO resources_searchchars_fts(resources_searchchars_fts, rowid, name_chars, "
    "text_chars) VALUES ('delete', old.service_id, old.name_chars, old.text_chars); "
    "INSERT INTO resources_searchchars_fts(rowid, name_chars, text_chars) "
    "VALUES (new.service_id, new.name_chars, new.text_chars); END",
    "INSERT INTO resources_searchchars_fts(resources_searchchars_fts) VALUES ('rebuild')",
]
DROP_TRIGRAM = [
    "DROP TRIGGER IF EXISTS resources_service_fts_ai",
    "DROP TRIGGER IF EXISTS resources_service_fts_ad",
    "DROP TRIGGER IF EXISTS resources_service_fts_au",
    "DROP TABLE IF EXISTS resources_service_fts",
]
DROP_CHARS = [
    "DROP TRIGGER IF EXISTS resources_searchchars_fts_ai",
    "DROP TRIGGER IF EXISTS resources_searchchars_fts_ad",
    "DROP TRIGGER IF EXISTS resources_searchchars_fts_au",
    "DROP TABLE IF EXISTS resources_searchchars_fts",
]


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in DROP_TRIGRAM + TRIGRAM + CHARS:
        schema_editor.execute(sql)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    import importlib

    previous = importlib.import_module("chiiki.resources.migrations.0002_search_index")
    for sql in DROP_CHARS + DROP_TRIGRAM + previous.SQLITE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("resources", "0003_search_chars")]
    operations = [migrations.RunPython(forwards, backwards)]
