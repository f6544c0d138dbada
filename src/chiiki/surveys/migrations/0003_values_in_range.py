"""Values in range: the validators of the fields, and the same bounds as CHECK constraints
(after a check that no stored row lies outside them)."""

import datetime
import django.core.validators
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from chiiki.core.validators import refuse_rows_outside

# The bounds of chiiki.core.bounds, held by the database itself.
CONSTRAINTS = [
    migrations.AddConstraint(
        model_name="respondent",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("age__isnull", True), models.Q(("age__gte", 0), ("age__lte", 130)), _connector="OR"
            ),
            name="respondent_age_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="respondent",
        constraint=models.CheckConstraint(
            condition=models.Q(("risk_count__gte", 0), ("risk_count__lte", 1000)),
            name="respondent_risk_count_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="screening",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("screened_on__gte", datetime.date(1900, 1, 1)),
                ("screened_on__lte", datetime.date(2100, 12, 31)),
            ),
            name="screening_screened_on_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="screening",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("height_cm__isnull", True),
                models.Q(("height_cm__gte", Decimal("80")), ("height_cm__lte", Decimal("230"))),
                _connector="OR",
            ),
            name="screening_height_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="screening",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("weight_kg__isnull", True),
                models.Q(("weight_kg__gte", Decimal("20")), ("weight_kg__lte", Decimal("200"))),
                _connector="OR",
            ),
            name="screening_weight_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="serviceenrolment",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("started_on__gte", datetime.date(1900, 1, 1)),
                ("started_on__lte", datetime.date(2100, 12, 31)),
            ),
            name="enrolment_started_on_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="serviceenrolment",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("ended_on__isnull", True),
                models.Q(
                    ("ended_on__gte", datetime.date(1900, 1, 1)),
                    ("ended_on__lte", datetime.date(2100, 12, 31)),
                ),
                _connector="OR",
            ),
            name="enrolment_ended_on_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="survey",
        constraint=models.CheckConstraint(
            condition=models.Q(("fiscal_year__gte", 1900), ("fiscal_year__lte", 2100)),
            name="survey_fiscal_year_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="survey",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("mailed_on__isnull", True),
                models.Q(
                    ("mailed_on__gte", datetime.date(1900, 1, 1)),
                    ("mailed_on__lte", datetime.date(2100, 12, 31)),
                ),
                _connector="OR",
            ),
            name="survey_mailed_on_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="visit",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("visited_on__gte", datetime.date(1900, 1, 1)),
                ("visited_on__lte", datetime.date(2100, 12, 31)),
            ),
            name="visit_visited_on_range",
        ),
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0002_population_in_range"),
        ("people", "0002_values_in_range"),
        ("surveys", "0002_respondent_person_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="respondent",
            name="age",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        0, "年齢は0以上130以下の整数（歳）です"
                    ),
                    django.core.validators.MaxValueValidator(
                        130, "年齢は0以上130以下の整数（歳）です"
                    ),
                ],
                verbose_name="年齢",
            ),
        ),
        migrations.AlterField(
            model_name="respondent",
            name="risk_count",
            field=models.PositiveSmallIntegerField(
                default=0,
                validators=[
                    django.core.validators.MinValueValidator(
                        0, "該当リスク数は0以上1000以下の整数（件）です"
                    ),
                    django.core.validators.MaxValueValidator(
                        1000, "該当リスク数は0以上1000以下の整数（件）です"
                    ),
                ],
                verbose_name="該当リスク数",
            ),
        ),
        migrations.AlterField(
            model_name="screening",
            name="height_cm",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=5,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("80"), "身長は80〜230cmです"),
                    django.core.validators.MaxValueValidator(Decimal("230"), "身長は80〜230cmです"),
                ],
                verbose_name="身長",
            ),
        ),
        migrations.AlterField(
            model_name="screening",
            name="screened_on",
            field=models.DateField(
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
            model_name="screening",
            name="weight_kg",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=5,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("20"), "体重は20〜200kgです"),
                    django.core.validators.MaxValueValidator(Decimal("200"), "体重は20〜200kgです"),
                ],
                verbose_name="体重",
            ),
        ),
        migrations.AlterField(
            model_name="serviceenrolment",
            name="ended_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1), "終了日は1900-01-01から2100-12-31までの日付です"
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2100, 12, 31),
                        "終了日は1900-01-01から2100-12-31までの日付です",
                    ),
                ],
                verbose_name="終了日",
            ),
        ),
        migrations.AlterField(
            model_name="serviceenrolment",
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
            model_name="survey",
            name="fiscal_year",
            field=models.PositiveSmallIntegerField(
                validators=[
                    django.core.validators.MinValueValidator(
                        1900, "年度は1900以上2100以下の整数（年度）です"
                    ),
                    django.core.validators.MaxValueValidator(
                        2100, "年度は1900以上2100以下の整数（年度）です"
                    ),
                ],
                verbose_name="年度",
            ),
        ),
        migrations.AlterField(
            model_name="survey",
            name="mailed_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1), "発送日は1900-01-01から2100-12-31までの日付です"
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2100, 12, 31),
                        "発送日は1900-01-01から2100-12-31までの日付です",
                    ),
                ],
                verbose_name="発送日",
            ),
        ),
        migrations.AlterField(
            model_name="visit",
            name="visited_on",
            field=models.DateField(
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1), "訪問日は1900-01-01から2100-12-31までの日付です"
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2100, 12, 31),
                        "訪問日は1900-01-01から2100-12-31までの日付です",
                    ),
                ],
                verbose_name="訪問日",
            ),
        ),
        migrations.RunPython(
            refuse_rows_outside("surveys", CONSTRAINTS), migrations.RunPython.noop
        ),
        *CONSTRAINTS,
    ]
