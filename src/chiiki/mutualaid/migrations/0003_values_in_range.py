"""Values in range: the validators of the fields, and the same bounds as CHECK constraints
(after a check that no stored row lies outside them)."""

import datetime
import django.core.validators
from django.conf import settings
from django.db import migrations, models

from importlib import import_module

from chiiki.core.validators import refuse_rows_outside

_append_only = import_module("chiiki.mutualaid.migrations.0002_ledger_append_only")


def restore_append_only(apps, schema_editor):
    """SQLite adds a constraint by rebuilding the table, which drops its triggers: put the
    append-only guard of the points ledger back (PostgreSQL keeps it)."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in _append_only.SQLITE:
            schema_editor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))


# The bounds of chiiki.core.bounds, held by the database itself.
CONSTRAINTS = [
    migrations.AddConstraint(
        model_name="availabilityexception",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("date__gte", datetime.date(1900, 1, 1)), ("date__lte", datetime.date(2100, 12, 31))
            ),
            name="mutualaid_exception_date_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="helprequest",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("week__gte", datetime.date(1900, 1, 1)), ("week__lte", datetime.date(2100, 12, 31))
            ),
            name="mutualaid_request_week_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="helprequest",
        constraint=models.CheckConstraint(
            condition=models.Q(("estimated_minutes__gte", 1), ("estimated_minutes__lte", 1440)),
            name="mutualaid_request_estimate_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="helprequest",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("slot__isnull", True),
                models.Q(("slot__gte", 0), ("slot__lte", 13)),
                _connector="OR",
            ),
            name="mutualaid_request_slot_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="helprequest",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("actual_minutes__isnull", True),
                models.Q(("actual_minutes__gte", 1), ("actual_minutes__lte", 1440)),
                _connector="OR",
            ),
            name="mutualaid_request_minutes_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="helprequest",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("done_on__isnull", True),
                models.Q(
                    ("done_on__gte", datetime.date(1900, 1, 1)),
                    ("done_on__lte", datetime.date(2100, 12, 31)),
                ),
                _connector="OR",
            ),
            name="mutualaid_request_done_on_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="helprequest",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("fee__isnull", True),
                models.Q(("fee__gte", 0), ("fee__lte", 100000000)),
                _connector="OR",
            ),
            name="mutualaid_request_fee_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="helprequest",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("paid_on__isnull", True),
                models.Q(
                    ("paid_on__gte", datetime.date(1900, 1, 1)),
                    ("paid_on__lte", datetime.date(2100, 12, 31)),
                ),
                _connector="OR",
            ),
            name="mutualaid_request_paid_on_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="pointentry",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("on__gte", datetime.date(1900, 1, 1)), ("on__lte", datetime.date(2100, 12, 31))
            ),
            name="mutualaid_points_on_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="service",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("started_on__gte", datetime.date(1900, 1, 1)),
                ("started_on__lte", datetime.date(2100, 12, 31)),
            ),
            name="mutualaid_service_started_on_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="volunteerprofile",
        constraint=models.CheckConstraint(
            condition=models.Q(("max_jobs_per_week__gte", 1), ("max_jobs_per_week__lte", 14)),
            name="mutualaid_profile_jobs_range",
        ),
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0002_population_in_range"),
        ("mutualaid", "0002_ledger_append_only"),
        ("people", "0002_values_in_range"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="availabilityexception",
            name="date",
            field=models.DateField(
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1), "日付は1900-01-01から2100-12-31までの日付です"
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2100, 12, 31), "日付は1900-01-01から2100-12-31までの日付です"
                    ),
                ],
                verbose_name="日付",
            ),
        ),
        migrations.AlterField(
            model_name="helprequest",
            name="actual_minutes",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "実際の時間は1以上1440以下の整数（分）です"
                    ),
                    django.core.validators.MaxValueValidator(
                        1440, "実際の時間は1以上1440以下の整数（分）です"
                    ),
                ],
                verbose_name="実際の時間（分）",
            ),
        ),
        migrations.AlterField(
            model_name="helprequest",
            name="done_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1), "実施日は1900-01-01から2100-12-31までの日付です"
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2100, 12, 31),
                        "実施日は1900-01-01から2100-12-31までの日付です",
                    ),
                ],
                verbose_name="実施日",
            ),
        ),
        migrations.AlterField(
            model_name="helprequest",
            name="estimated_minutes",
            field=models.PositiveSmallIntegerField(
                default=30,
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "見込み時間は1以上1440以下の整数（分）です"
                    ),
                    django.core.validators.MaxValueValidator(
                        1440, "見込み時間は1以上1440以下の整数（分）です"
                    ),
                ],
                verbose_name="見込み時間（分）",
            ),
        ),
        migrations.AlterField(
            model_name="helprequest",
            name="fee",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        0, "利用料は0以上100,000,000以下の整数（円）です"
                    ),
                    django.core.validators.MaxValueValidator(
                        100000000, "利用料は0以上100,000,000以下の整数（円）です"
                    ),
                ],
                verbose_name="利用料（円）",
            ),
        ),
        migrations.AlterField(
            model_name="helprequest",
            name="paid_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1), "支払日は1900-01-01から2100-12-31までの日付です"
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2100, 12, 31),
                        "支払日は1900-01-01から2100-12-31までの日付です",
                    ),
                ],
                verbose_name="支払日",
            ),
        ),
        migrations.AlterField(
            model_name="helprequest",
            name="week",
            field=models.DateField(
                db_index=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1), "希望週は1900-01-01から2100-12-31までの日付です"
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2100, 12, 31),
                        "希望週は1900-01-01から2100-12-31までの日付です",
                    ),
                ],
                verbose_name="希望週（月曜日）",
            ),
        ),
        migrations.AlterField(
            model_name="pointentry",
            name="on",
            field=models.DateField(
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1), "日付は1900-01-01から2100-12-31までの日付です"
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2100, 12, 31), "日付は1900-01-01から2100-12-31までの日付です"
                    ),
                ],
                verbose_name="日付",
            ),
        ),
        migrations.AlterField(
            model_name="service",
            name="started_on",
            field=models.DateField(
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1), "開始日は1900-01-01から2100-12-31までの日付です"
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2100, 12, 31),
                        "開始日は1900-01-01から2100-12-31までの日付です",
                    ),
                ],
                verbose_name="開始日",
            ),
        ),
        migrations.AlterField(
            model_name="volunteerprofile",
            name="max_jobs_per_week",
            field=models.PositiveSmallIntegerField(
                default=3,
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "週の上限件数は1以上14以下の整数（件）です"
                    ),
                    django.core.validators.MaxValueValidator(
                        14, "週の上限件数は1以上14以下の整数（件）です"
                    ),
                ],
                verbose_name="週の上限件数",
            ),
        ),
        migrations.RunPython(
            refuse_rows_outside("mutualaid", CONSTRAINTS), migrations.RunPython.noop
        ),
        *CONSTRAINTS,
        migrations.RunPython(restore_append_only, migrations.RunPython.noop),
    ]
