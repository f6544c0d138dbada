"""Values in range: the validators of the fields, and the same bounds as CHECK constraints
(after a check that no stored row lies outside them)."""

import chiiki.people.models
import datetime
import django.core.validators
from django.db import migrations, models

from chiiki.core.validators import refuse_rows_outside

# The bounds of chiiki.core.bounds, held by the database itself.
CONSTRAINTS = [
    migrations.AddConstraint(
        model_name="person",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("birth_date__gte", datetime.date(1900, 1, 1)),
                ("birth_date__lte", datetime.date(2100, 12, 31)),
            ),
            name="person_birth_date_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="volunteer",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("registered_on__gte", datetime.date(1900, 1, 1)),
                ("registered_on__lte", datetime.date(2100, 12, 31)),
            ),
            name="volunteer_registered_on_range",
        ),
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0002_population_in_range"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="birth_date",
            field=models.DateField(
                validators=[chiiki.people.models.validate_birth_date], verbose_name="生年月日"
            ),
        ),
        migrations.AlterField(
            model_name="volunteer",
            name="registered_on",
            field=models.DateField(
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1), "登録日は1900-01-01から2100-12-31までの日付です"
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2100, 12, 31),
                        "登録日は1900-01-01から2100-12-31までの日付です",
                    ),
                ],
                verbose_name="登録日",
            ),
        ),
        migrations.AlterConstraint(
            model_name="person",
            name="person_insured_number_unique",
            constraint=models.UniqueConstraint(
                condition=models.Q(("insured_number__isnull", False)),
                fields=("municipality", "insured_number"),
                name="person_insured_number_unique",
                violation_error_message="この被保険者番号では登録できません。被保険者証の10桁の番号を確かめてください（番号が正しいときは市町村の介護保険担当にお問い合わせください）",
            ),
        ),
        migrations.RunPython(refuse_rows_outside("people", CONSTRAINTS), migrations.RunPython.noop),
        *CONSTRAINTS,
    ]
