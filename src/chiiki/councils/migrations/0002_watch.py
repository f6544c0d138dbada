"""Watch-over cases get a version (the passing and the follow-up are guarded against lost
updates) and an index for the open cases; the daily huddle's notes are append-only.

A huddle note is never edited: a trigger refuses any UPDATE of what it says, who it is
about, which huddle and which day. Only ``author_id`` may change (set to NULL when a
login is deleted), and notes are deleted with their resident or their huddle. On SQLite a
later migration that rebuilds the table drops the trigger: make it again there
(tests/councils/test_huddle.py fails if it is gone).
"""

from django.conf import settings
from django.db import migrations, models

TABLE = "councils_huddlenote"
COLUMNS = "body_id, person_id, written_on, profession, text, created_at"
MESSAGE = "huddle notes are append-only"


def guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_edit BEFORE UPDATE OF {COLUMNS}
            ON {TABLE} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"""CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$ LANGUAGE plpgsql"""
        )
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_edit ON {TABLE}")
        schema_editor.execute(
            f"""CREATE TRIGGER {TABLE}_no_edit BEFORE UPDATE OF {COLUMNS} ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()"""
        )


def unguard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_edit")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_edit ON {TABLE}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0002_population_in_range"),
        ("councils", "0001_initial"),
        ("people", "0002_values_in_range"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="watchcase",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddIndex(
            model_name="huddlenote",
            index=models.Index(
                fields=["body", "written_on"], name="councils_hu_body_id_88ea9d_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="watchcase",
            index=models.Index(
                fields=["passed_to_center", "followup_on"], name="councils_wa_passed__a40e49_idx"
            ),
        ),
        migrations.RunPython(guard, unguard),
    ]
