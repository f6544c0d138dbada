"""The indicators' own records. Most figures are computed from the other apps' records; what
is kept here is what comes from outside them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chiiki.accounts.access_paths import Paths
from chiiki.areas.models import Municipality
from chiiki.core.bounds import FISCAL_YEAR, PEOPLE
from chiiki.core.validators import int_validators, range_check
from chiiki.indicators.insurance_file import BENEFIT_YEN, PREMIUM_YEN

# --- the insurer's yearly figures (介護保険事業状況報告) --------------------------------------


class InsuranceYear(models.Model):
    """One fiscal year of the 介護保険事業状況報告 (年報) of a municipality, as imported.

    The certified counts are of the 第1号被保険者 at the year's end; the certification rate
    is their sum over ``insured_65``. ``premium_monthly`` is the plan period's standard
    monthly premium (基準額), when the file gave it.
    """

    access_paths = Paths(municipality="municipality")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="insurance_years"
    )
    fiscal_year = models.PositiveSmallIntegerField(
        "年度", validators=int_validators(FISCAL_YEAR, "年度")
    )
    insured_65 = models.PositiveIntegerField(
        "第1号被保険者数", validators=int_validators(PEOPLE, "第1号被保険者数")
    )
    support_1 = models.PositiveIntegerField("要支援1", validators=int_validators(PEOPLE, "要支援1"))
    support_2 = models.PositiveIntegerField("要支援2", validators=int_validators(PEOPLE, "要支援2"))
    care_1 = models.PositiveIntegerField("要介護1", validators=int_validators(PEOPLE, "要介護1"))
    care_2 = models.PositiveIntegerField("要介護2", validators=int_validators(PEOPLE, "要介護2"))
    care_3 = models.PositiveIntegerField("要介護3", validators=int_validators(PEOPLE, "要介護3"))
    care_4 = models.PositiveIntegerField("要介護4", validators=int_validators(PEOPLE, "要介護4"))
    care_5 = models.PositiveIntegerField("要介護5", validators=int_validators(PEOPLE, "要介護5"))
    benefit_cost = models.BigIntegerField(
        "給付費（円）", validators=int_validators(BENEFIT_YEN, "給付費")
    )
    premium_monthly = models.PositiveIntegerField(
        "第1号保険料（月額基準額・円）",
        null=True,
        blank=True,
        validators=int_validators(PREMIUM_YEN, "第1号保険料"),
    )
    imported_at = models.DateTimeField(auto_now=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["municipality", "fiscal_year"]
        verbose_name = "介護保険事業状況報告（年度）"
        verbose_name_plural = "介護保険事業状況報告（年度）"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "fiscal_year"], name="insurance_year_unique"
            ),
            range_check("fiscal_year", FISCAL_YEAR, name="insurance_year_fiscal_year_range"),
            range_check("insured_65", PEOPLE, name="insurance_year_insured_range"),
            range_check("benefit_cost", BENEFIT_YEN, name="insurance_year_benefit_range"),
            range_check(
                "premium_monthly", PREMIUM_YEN, name="insurance_year_premium_range", null=True
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.fiscal_year}年度"

    LEVEL_FIELDS = ("support_1", "support_2", "care_1", "care_2", "care_3", "care_4", "care_5")

    @property
    def certified(self) -> tuple[int, ...]:
        return tuple(getattr(self, f) for f in self.LEVEL_FIELDS)

    @property
    def certified_total(self) -> int:
        return sum(self.certified)


# --- the municipality's profile (地域包括支援センター) -----------------------------------------


class CenterProfile(models.Model):
    """How the municipality runs its 地域包括支援センター, for its one-line profile:
    「地域包括支援センターは直営で2カ所設置。」"""

    access_paths = Paths(municipality="municipality")

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="center_profile"
    )
    direct = models.PositiveSmallIntegerField("直営の箇所数", default=0)
    commissioned = models.PositiveSmallIntegerField("委託の箇所数", default=0)
    note = models.CharField("補足（サブセンター等）", max_length=200, blank=True)

    class Meta:
        verbose_name = "地域包括支援センターの設置"
        verbose_name_plural = "地域包括支援センターの設置"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(direct__lte=1000, commissioned__lte=1000),
                name="center_profile_counts_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} 直営{self.direct} 委託{self.commissioned}"
