"""Values in range: the validators of the fields, and the same bounds as CHECK constraints
(after a check that no stored row lies outside them)."""

import datetime
import django.core.validators
from django.db import migrations, models

from chiiki.core.validators import refuse_rows_outside

# The bounds of chiiki.core.bounds, held by the database itself.
CONSTRAINTS = [
    migrations.AddConstraint(
        model_name="populationrecord",
        constraint=models.CheckConstraint(
            condition=models.Q(("count__gte", 0), ("count__lte", 10000000)),
            name="population_count_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="populationrecord",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("date__gte", datetime.date(1900, 1, 1)), ("date__lte", datetime.date(2100, 12, 31))
            ),
            name="population_date_range",
        ),
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="populationrecord",
            name="count",
            field=models.PositiveIntegerField(
                validators=[
                    django.core.validators.MinValueValidator(
                        0, "人数は0以上10,000,000以下の整数（人）です"
                    ),
                    django.core.validators.MaxValueValidator(
                        10000000, "人数は0以上10,000,000以下の整数（人）です"
                    ),
                ],
                verbose_name="人数",
            ),
        ),
        migrations.AlterField(
            model_name="populationrecord",
            name="date",
            field=models.DateField(
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1), "基準日は1900-01-01から2100-12-31までの日付です"
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2100, 12, 31),
                        "基準日は1900-01-01から2100-12-31までの日付です",
                    ),
                ],
                verbose_name="基準日",
            ),
        ),
        migrations.RunPython(refuse_rows_outside("areas", CONSTRAINTS), migrations.RunPython.noop),
        *CONSTRAINTS,
    ]
