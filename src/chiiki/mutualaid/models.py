"""Mutual-aid services (ちょい加勢, 庵治支援隊): requests, volunteer profiles, jobs and points.

A week is cut into 14 slots, ``weekday × 2 + half`` (0 = Monday morning, 13 = Sunday
afternoon): residents name the slots they can take, volunteers the slots they are free.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from chiiki.accounts.access_paths import Paths
from chiiki.areas.models import District, Municipality
from chiiki.core.bounds import DATE, MINUTES, YEN, IntRange
from chiiki.core.validators import date_validators, int_validators, range_check
from chiiki.mutualaid.tariff import Tariff, available_tariffs, load_tariff
from chiiki.people.models import Person, Volunteer

DAYS = "月火水木金土日"
HALVES = ("午前", "午後")
SLOT_COUNT = 14


def slot_label(slot: int) -> str:
    return f"{DAYS[slot // 2]} {HALVES[slot % 2]}"


SLOT_CHOICES = [(s, slot_label(s)) for s in range(SLOT_COUNT)]
SLOTS = IntRange(0, SLOT_COUNT - 1)
# A volunteer takes at most one job a slot, so never more than the week's slots.
JOBS_PER_WEEK = IntRange(1, SLOT_COUNT, "件")


def slot_date(week: dt.date, slot: int) -> dt.date:
    return week + dt.timedelta(days=slot // 2)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


class Service(models.Model):
    """A mutual-aid service of one area, with its tariff file (``tariffs/<key>.yaml``)."""

    access_paths = Paths(municipality="municipality", life_area="district__life_area")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="mutualaid_services"
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="mutualaid_services", verbose_name="地区"
    )
    name = models.CharField("サービス名", max_length=60)
    tariff_key = models.CharField("料金表", max_length=40, default="choi-kase")
    active = models.BooleanField("運営中", default=True)
    started_on = models.DateField("開始日", validators=date_validators("開始日"))

    class Meta:
        ordering = ["municipality", "name"]
        verbose_name = "助け合いサービス"
        verbose_name_plural = "助け合いサービス"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="mutualaid_service_name_unique"
            ),
            range_check("started_on", DATE, name="mutualaid_service_started_on_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tariff(self) -> Tariff:
        return load_tariff(self.tariff_key)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.tariff_key not in available_tariffs():
            raise ValidationError({"tariff_key": f"料金表「{self.tariff_key}」はありません"})


class VolunteerProfile(models.Model):
    """What a volunteer can do for a service: skills, tools, districts, free slots, limit."""

    access_paths = Paths(
        municipality="service__municipality",
        life_area="service__district__life_area",
        person="volunteer__person",
        volunteer="volunteer__person",
    )

    volunteer = models.OneToOneField(
        Volunteer, on_delete=models.CASCADE, related_name="mutualaid_profile"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="volunteers")
    skills = models.JSONField("できる作業", default=list, blank=True)
    tools = models.JSONField("道具", default=list, blank=True)
    districts = models.ManyToManyField(District, related_name="+", verbose_name="活動する地区")
    availability = models.JSONField("空いている時間帯（毎週）", default=list, blank=True)
    max_jobs_per_week = models.PositiveSmallIntegerField(
        "週の上限件数", default=3, validators=int_validators(JOBS_PER_WEEK, "週の上限件数")
    )
    trainings = models.JSONField("受講した研修", default=list, blank=True)

    class Meta:
        verbose_name = "助け合いボランティア"
        verbose_name_plural = "助け合いボランティア"
        constraints = [
            range_check("max_jobs_per_week", JOBS_PER_WEEK, name="mutualaid_profile_jobs_range")
        ]

    def __str__(self) -> str:
        return str(self.volunteer)


class AvailabilityException(models.Model):
    """A day the volunteer is away (通院, 旅行): no jobs that day whatever the pattern says."""

    access_paths = Paths(
        municipality="profile__service__municipality",
        life_area="profile__service__district__life_area",
        person="profile__volunteer__person",
        volunteer="profile__volunteer__person",
    )

    profile = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="exceptions"
    )
    date = models.DateField("日付", validators=date_validators("日付"))
    note = models.CharField("理由", max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "date"], name="mutualaid_exception_unique"),
            range_check("date", DATE, name="mutualaid_exception_date_range"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.note}"


class Status(models.TextChoices):
    REQUESTED = "requested", "受付"
    MATCHED = "matched", "提案中"
    CONFIRMED = "confirmed", "確定"
    DONE = "done", "完了"
    CANCELLED = "cancelled", "取消"


class HelpRequest(models.Model):
    """A resident's request for a small job, from the phone call to the receipt."""

    access_paths = Paths(
        municipality="service__municipality",
        life_area="district__life_area",
        person="person",
        volunteer="volunteer__person",
    )

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="requests")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="help_requests", verbose_name="依頼者"
    )
    task = models.CharField("作業", max_length=30)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="help_requests", verbose_name="地区"
    )
    address = models.CharField("作業場所", max_length=200)
    week = models.DateField("希望週（月曜日）", db_index=True, validators=date_validators("希望週"))
    preferred_slots = models.JSONField("希望の時間帯", default=list, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        "見込み時間（分）", default=30, validators=int_validators(MINUTES, "見込み時間")
    )
    notes = models.TextField("メモ", blank=True)
    status = models.CharField(
        "状態", max_length=12, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_jobs",
        verbose_name="担当",
    )
    slot = models.PositiveSmallIntegerField("時間帯", null=True, blank=True, choices=SLOT_CHOICES)
    match_reasons = models.JSONField("提案の理由", default=list, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actual_minutes = models.PositiveSmallIntegerField(
        "実際の時間（分）", null=True, blank=True, validators=int_validators(MINUTES, "実際の時間")
    )
    done_on = models.DateField(
        "実施日", null=True, blank=True, validators=date_validators("実施日")
    )
    fee = models.PositiveIntegerField(
        "利用料（円）", null=True, blank=True, validators=int_validators(YEN, "利用料")
    )
    fee_parts = models.JSONField("利用料の内訳", default=list, blank=True)
    paid = models.BooleanField("支払済", default=False)
    paid_on = models.DateField(
        "支払日", null=True, blank=True, validators=date_validators("支払日")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week", "id"]
        verbose_name = "依頼"
        verbose_name_plural = "依頼"
        indexes = [
            models.Index(fields=["service", "week", "status"]),
            models.Index(fields=["volunteer", "week"]),
        ]
        constraints = [
            range_check("week", DATE, name="mutualaid_request_week_range"),
            range_check("estimated_minutes", MINUTES, name="mutualaid_request_estimate_range"),
            range_check("slot", SLOTS, name="mutualaid_request_slot_range", null=True),
            range_check(
                "actual_minutes", MINUTES, name="mutualaid_request_minutes_range", null=True
            ),
            range_check("done_on", DATE, name="mutualaid_request_done_on_range", null=True),
            range_check("fee", YEN, name="mutualaid_request_fee_range", null=True),
            range_check("paid_on", DATE, name="mutualaid_request_paid_on_range", null=True),
        ]

    def __str__(self) -> str:
        return f"依頼{self.pk} {self.task_label}（{self.person.family_name}様）"

    @property
    def task_label(self) -> str:
        return self.service.tariff.task_label(self.task)

    @property
    def date(self) -> dt.date | None:
        return slot_date(self.week, self.slot) if self.slot is not None else None

    @property
    def slot_label(self) -> str:
        return slot_label(self.slot) if self.slot is not None else ""

    @property
    def preferred_labels(self) -> list[str]:
        return [slot_label(s) for s in self.preferred_slots]


class RequestEvent(models.Model):
    """Each change of a request's status, by whom and when (append-only)."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class PointKind(models.TextChoices):
    EARN = "earn", "獲得"
    REDEEM = "redeem", "交換"
    EXPIRE = "expire", "失効"


class PointEntry(models.Model):
    """One line of a volunteer's points ledger. Lines are only ever added, never changed.

    Earnings are positive, redemptions and expiries negative; a job earns at most once
    (the partial unique constraint), and services lock the volunteer so that the balance
    never goes below zero.
    """

    access_paths = Paths(
        municipality="volunteer__person__municipality",
        life_area="volunteer__person__district__life_area",
        person="volunteer__person",
    )
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="point_entries")
    kind = models.CharField("種別", max_length=10, choices=PointKind.choices)
    points = models.IntegerField("ポイント")
    on = models.DateField("日付", validators=date_validators("日付"))
    request = models.ForeignKey(
        HelpRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField("メモ", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = "ポイント"
        verbose_name_plural = "ポイント"
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(kind="earn"),
                name="mutualaid_points_earned_once",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="earn", points__gt=0)
                    | (~models.Q(kind="earn") & models.Q(points__lt=0))
                ),
                name="mutualaid_points_sign",
            ),
            range_check("on", DATE, name="mutualaid_points_on_range"),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()} {self.points}"
