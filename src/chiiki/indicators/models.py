"""The indicators' own records. Most figures are computed from the other apps' records; what
is kept here is what comes from outside them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from chiiki.accounts.access_paths import Paths
from chiiki.areas.models import Municipality
from chiiki.core.bounds import FISCAL_YEAR, PEOPLE
from chiiki.core.validators import date_validators, int_validators, range_check
from chiiki.indicators.attendance_sheet import ATTENDANCE_COUNT, ATTENDANCE_DAY
from chiiki.indicators.grant.catalog import EVIDENCE_KINDS
from chiiki.indicators.insurance_file import BENEFIT_YEN, PREMIUM_YEN
from chiiki.people.models import Person
from chiiki.resources.models import Service

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


# --- grant: the insurer incentive grant's self-assessment (保険者機能強化推進交付金) -----------
# The indicators themselves are versioned YAML (data/grant/); what is kept here is the
# municipality's answer to each for a fiscal year and the chiiki records it points to.


class GrantAnswerChoice(models.TextChoices):
    YES = "yes", "はい"
    PARTLY = "partly", "一部"
    NO = "no", "いいえ"


class GrantAssessment(models.Model):
    """A municipality's self-assessment of one fiscal year (年度: April to March), against
    the indicator version in force when it was begun."""

    access_paths = Paths(municipality="municipality")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="grant_assessments"
    )
    fiscal_year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    indicator_version = models.CharField("評価指標の版", max_length=20)
    # The municipality decides whether its prefecture sees this year's answers (counts of
    # はい・一部・いいえ only, never the notes or the evidence's records).
    shared_with_prefecture = models.BooleanField("都道府県に共有する", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["municipality", "-fiscal_year"]
        verbose_name = "交付金の自己評価"
        verbose_name_plural = "交付金の自己評価"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "fiscal_year"], name="grant_assessment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 交付金の自己評価"


class GrantAnswer(models.Model):
    """The answer to one indicator: はい・一部・いいえ, a note, who answered and when."""

    access_paths = Paths(municipality="assessment__municipality")

    assessment = models.ForeignKey(
        GrantAssessment, on_delete=models.CASCADE, related_name="answers"
    )
    indicator_id = models.CharField("評価指標", max_length=60)
    answer = models.CharField("回答", max_length=10, choices=GrantAnswerChoice.choices)
    note = models.TextField("メモ", blank=True, max_length=4000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_by_name = models.CharField("回答者", max_length=150)
    answered_at = models.DateTimeField("回答日時")

    class Meta:
        ordering = ["assessment", "id"]
        verbose_name = "交付金の自己評価の回答"
        verbose_name_plural = "交付金の自己評価の回答"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator_id"], name="grant_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.get_answer_display()}"


class GrantEvidence(models.Model):
    """A chiiki record an answer points to: its kind and id, with its label and date as they
    were when it was linked (the record may change or go later)."""

    access_paths = Paths(municipality="answer__assessment__municipality")

    answer = models.ForeignKey(GrantAnswer, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField("根拠の種類", max_length=20, choices=list(EVIDENCE_KINDS.items()))
    record_id = models.BigIntegerField("記録のID")
    label = models.CharField("見出し", max_length=300)
    on = models.DateField("日付", null=True, blank=True)

    class Meta:
        ordering = ["answer", "kind", "on", "id"]
        verbose_name = "交付金の自己評価の根拠"
        verbose_name_plural = "交付金の自己評価の根拠"
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "kind", "record_id"], name="grant_evidence_once"
            )
        ]

    def __str__(self) -> str:
        return self.label


# --- participation (通いの場の参加) ----------------------------------------------------------
#
# A gathering place is a directory service of the category 「kayoi」 (通いの場・サロン). Who
# is registered there, who came on which day, and, for sheets that give no names, how many
# came. Rows that name a resident are personal data: they are read through the access door
# (scoped by the resident's life area, as people are) and every list read is audited.


class PlaceRegistration(models.Model):
    """A resident registered as a participant of a gathering place (参加者名簿), from a day
    and, once they stop, to a day."""

    access_paths = Paths(
        municipality="municipality", life_area="person__district__life_area", person="person"
    )

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    place = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="registrations", verbose_name="通いの場"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="place_registrations", verbose_name="人"
    )
    registered_from = models.DateField(
        "登録日", validators=date_validators("登録日", ATTENDANCE_DAY)
    )
    registered_to = models.DateField(
        "登録終了日",
        null=True,
        blank=True,
        validators=date_validators("登録終了日", ATTENDANCE_DAY),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["place", "person__family_kana", "person__given_kana", "id"]
        verbose_name = "通いの場の参加登録"
        verbose_name_plural = "通いの場の参加登録"
        constraints = [
            models.UniqueConstraint(
                fields=["place", "person", "registered_from"], name="place_registration_once"
            ),
            range_check("registered_from", ATTENDANCE_DAY, name="place_registration_from_range"),
            range_check(
                "registered_to", ATTENDANCE_DAY, name="place_registration_to_range", null=True
            ),
            models.CheckConstraint(
                condition=models.Q(registered_to__isnull=True)
                | models.Q(registered_to__gte=models.F("registered_from")),
                name="place_registration_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place_id}: {self.person_id}（{self.registered_from.isoformat()}〜）"

    def covers(self, day: dt.date) -> bool:
        return self.registered_from <= day and (
            self.registered_to is None or day <= self.registered_to
        )


class Attendance(models.Model):
    """One resident at one gathering place on one day (an attendance sheet with names)."""

    access_paths = Paths(
        municipality="municipality", life_area="person__district__life_area", person="person"
    )

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    place = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="attendances", verbose_name="通いの場"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="attendances", verbose_name="人"
    )
    day = models.DateField("日付", validators=date_validators("日付", ATTENDANCE_DAY))
    # The file that brought the row, and when.
    source = models.CharField("取り込んだファイル", max_length=255, blank=True)
    imported_at = models.DateTimeField("取り込み日時", default=timezone.now)

    class Meta:
        ordering = ["day", "place", "id"]
        verbose_name = "通いの場の出席"
        verbose_name_plural = "通いの場の出席"
        constraints = [
            models.UniqueConstraint(fields=["place", "person", "day"], name="attendance_once"),
            range_check("day", ATTENDANCE_DAY, name="attendance_day_range"),
        ]
        # A year's participation reads the municipality's rows of its days.
        indexes = [models.Index(fields=["municipality", "day"], name="attendance_year")]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.place_id}: {self.person_id}"


class AttendanceCount(models.Model):
    """How many came to a gathering place on one day, from a sheet without names: it adds to
    the attendance but cannot say who came, so it counts no distinct participant."""

    access_paths = Paths(municipality="municipality", life_area="place__district__life_area")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    place = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="attendance_counts", verbose_name="通いの場"
    )
    day = models.DateField("日付", validators=date_validators("日付", ATTENDANCE_DAY))
    participants = models.PositiveIntegerField(
        "参加者数", validators=int_validators(ATTENDANCE_COUNT, "参加者数")
    )
    participants_65 = models.PositiveIntegerField(
        "65歳以上の参加者数",
        null=True,
        blank=True,
        validators=int_validators(ATTENDANCE_COUNT, "65歳以上の参加者数"),
    )
    source = models.CharField("取り込んだファイル", max_length=255, blank=True)
    imported_at = models.DateTimeField("取り込み日時", default=timezone.now)

    class Meta:
        ordering = ["day", "place", "id"]
        verbose_name = "通いの場の参加者数"
        verbose_name_plural = "通いの場の参加者数"
        constraints = [
            models.UniqueConstraint(fields=["place", "day"], name="attendance_count_once"),
            range_check("day", ATTENDANCE_DAY, name="attendance_count_day_range"),
            range_check("participants", ATTENDANCE_COUNT, name="attendance_count_range"),
            range_check(
                "participants_65",
                ATTENDANCE_COUNT,
                name="attendance_count_65_range",
                null=True,
            ),
            models.CheckConstraint(
                condition=models.Q(participants_65__isnull=True)
                | models.Q(participants_65__lte=models.F("participants")),
                name="attendance_count_65_within",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "day"], name="attendance_count_year")]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.place_id}: {self.participants}人"
