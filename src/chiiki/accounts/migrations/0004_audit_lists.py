"""List reads in the audit trail, and the residents each event concerns.

An event may now be a list read (no single object id; the ids shown are in ``changes``), and
``AuditSubject`` names the residents of every event. Both tables are append-only. On SQLite,
making ``object_id`` nullable rebuilds the table, which drops its triggers: they are made
again here. Existing events about a person get their subject row.
"""

import django.db.models.deletion
from django.db import migrations, models

GUARDED = ("accounts_auditevent", "accounts_auditsubject")


def _sqlite(table):
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
           BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
           BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
    ]


def _postgres(table):
    return [
        f"""DROP TRIGGER IF EXISTS {table}_no_change ON {table}""",
        f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
           FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_append_only()""",
    ]


def guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in GUARDED:
        statements = {"sqlite": _sqlite, "postgresql": _postgres}.get(vendor)
        for sql in statements(table) if statements else []:
            schema_editor.execute(sql)


def unguard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for kind in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS accounts_auditsubject_no_{kind}")
    elif vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS accounts_auditsubject_no_change ON accounts_auditsubject"
        )


def backfill(apps, schema_editor):
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    AuditSubject = apps.get_model("accounts", "AuditSubject")
    rows = AuditEvent.objects.filter(model="people.person", object_id__isnull=False).values_list(
        "pk", "object_id"
    )
    AuditSubject.objects.bulk_create(
        (AuditSubject(event_id=pk, person_id=pid) for pk, pid in rows.iterator()),
        batch_size=5000,
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit_municipality")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("read", "閲覧"),
                    ("create", "作成"),
                    ("update", "変更"),
                    ("delete", "削除"),
                    ("export", "出力"),
                    ("list", "一覧の閲覧"),
                ],
                max_length=10,
                verbose_name="操作",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="object_id",
            field=models.BigIntegerField(
                blank=True, db_index=True, null=True, verbose_name="対象ID"
            ),
        ),
        migrations.CreateModel(
            name="AuditSubject",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("person_id", models.BigIntegerField(db_index=True, verbose_name="人ID")),
                (
                    "event",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="subjects",
                        to="accounts.auditevent",
                    ),
                ),
            ],
            options={
                "verbose_name": "監査ログの対象者",
                "verbose_name_plural": "監査ログの対象者",
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(guard, unguard),
    ]
