"""Care certifications (要介護認定): each person's history of periods, from the insurer's file."""

import datetime
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_register_number"),
    ]

    operations = [
        migrations.CreateModel(
            name="CareCertification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "care_level",
                    models.CharField(
                        choices=[
                            ("none", "なし"),
                            ("program_eligible", "事業対象者"),
                            ("support_1", "要支援1"),
                            ("support_2", "要支援2"),
                            ("care_1", "要介護1"),
                            ("care_2", "要介護2"),
                            ("care_3", "要介護3"),
                            ("care_4", "要介護4"),
                            ("care_5", "要介護5"),
                        ],
                        max_length=20,
                        verbose_name="要介護度",
                    ),
                ),
                (
                    "valid_from",
                    models.DateField(
                        validators=[
                            django.core.validators.MinValueValidator(
                                datetime.date(2000, 4, 1),
                                "認定有効期間の開始日は2000-04-01から2100-12-31までの日付です",
                            ),
                            django.core.validators.MaxValueValidator(
                                datetime.date(2100, 12, 31),
                                "認定有効期間の開始日は2000-04-01から2100-12-31までの日付です",
                            ),
                        ],
                        verbose_name="認定有効期間（開始）",
                    ),
                ),
                (
                    "valid_to",
                    models.DateField(
                        validators=[
                            django.core.validators.MinValueValidator(
                                datetime.date(2000, 4, 1),
                                "認定有効期間の終了日は2000-04-01から2100-12-31までの日付です",
                            ),
                            django.core.validators.MaxValueValidator(
                                datetime.date(2100, 12, 31),
                                "認定有効期間の終了日は2000-04-01から2100-12-31までの日付です",
                            ),
                        ],
                        verbose_name="認定有効期間（終了）",
                    ),
                ),
                (
                    "insured_number",
                    models.CharField(
                        max_length=10,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^\\d{10}$", "被保険者番号は10桁の数字です"
                            )
                        ],
                        verbose_name="被保険者番号",
                    ),
                ),
                (
                    "source",
                    models.CharField(blank=True, max_length=255, verbose_name="取り込んだファイル"),
                ),
                (
                    "imported_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="取り込み日時"
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="care_certifications",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "verbose_name": "要介護認定",
                "verbose_name_plural": "要介護認定",
                "ordering": ["person", "-valid_from"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("person", "valid_from"), name="care_certification_period_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("valid_from__gte", datetime.date(2000, 4, 1)),
                            ("valid_from__lte", datetime.date(2100, 12, 31)),
                        ),
                        name="care_certification_valid_from_range",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("valid_to__gte", datetime.date(2000, 4, 1)),
                            ("valid_to__lte", datetime.date(2100, 12, 31)),
                        ),
                        name="care_certification_valid_to_range",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("valid_to__gte", models.F("valid_from"))),
                        name="care_certification_period_order",
                    ),
                ],
            },
        ),
    ]
