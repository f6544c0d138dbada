"""Points ledger lines and request history are never rewritten: the database refuses an
UPDATE of either. (DELETE stays possible so that a test database can be flushed; the
foreign keys protect both from the deletion of a volunteer or a request.)"""

from django.db import migrations

TABLES = ("mutualaid_pointentry", "mutualaid_requestevent")
SQLITE = [
    f"""CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t}
        BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END"""
    for t in TABLES
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION mutualaid_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only',
             ERRCODE = 'integrity_constraint_violation';
       END; $$ LANGUAGE plpgsql""",
    *[
        f"""CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t}
            FOR EACH ROW EXECUTE FUNCTION mutualaid_append_only()"""
        for t in TABLES
    ],
]
DROP = {
    "sqlite": [f"DROP TRIGGER IF EXISTS {t}_no_update" for t in TABLES],
    "postgresql": [
        *[f"DROP TRIGGER IF EXISTS {t}_no_update ON {t}" for t in TABLES],
        "DROP FUNCTION IF EXISTS mutualaid_append_only()",
    ],
}


def forwards(apps, schema_editor):
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("mutualaid", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
