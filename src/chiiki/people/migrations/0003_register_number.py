"""The register import: each person's 宛名番号 (unique in the municipality when set) and the
day a full extract no longer had them."""

import datetime
import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0003_addressarea"),
        ("people", "0002_values_in_range"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="moved_out_on",
            field=models.DateField(
                blank=True,
                editable=False,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1),
                        "転出等の日は1900-01-01から2100-12-31までの日付です",
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2100, 12, 31),
                        "転出等の日は1900-01-01から2100-12-31までの日付です",
                    ),
                ],
                verbose_name="転出等の日",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="register_number",
            field=models.CharField(
                blank=True, editable=False, max_length=20, null=True, verbose_name="宛名番号"
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                condition=models.Q(("register_number__isnull", False)),
                fields=("municipality", "register_number"),
                name="person_register_number_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("moved_out_on__isnull", True),
                    models.Q(
                        ("moved_out_on__gte", datetime.date(1900, 1, 1)),
                        ("moved_out_on__lte", datetime.date(2100, 12, 31)),
                    ),
                    _connector="OR",
                ),
                name="person_moved_out_on_range",
            ),
        ),
    ]
