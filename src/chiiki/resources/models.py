"""The community resource directory, shaped after Open Referral HSDS 3.0.

Tables follow HSDS (organization, service, location, service_at_location, schedule,
contact, phone, cost_option, service_area) with a ``uuid`` that is the HSDS id; the integer
primary key is for URLs, the command line and the full-text index (FTS5 needs a rowid).
Categories, provider kinds and 総合事業 types are codes of the versioned vocabulary in
``rules/`` (HSDS taxonomy terms and attributes in exports).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from chiiki.accounts.access_paths import Paths
from chiiki.areas.models import District, Municipality
from chiiki.core.bounds import CAPACITY, DATE, YEN, DateRange, IntRange
from chiiki.core.validators import int_validators, range_check
from chiiki.resources import taxonomy

# Every N weeks or months, and a number of occurrences: a year's timetable, not a century's.
SCHEDULE_INTERVAL = IntRange(1, 99)
SCHEDULE_COUNT = IntRange(1, 10_000, "回")

# HSDS 3.0 service.status: a service others refer to (a regional issue, a case's plan) is
# never deleted; it is marked inactive or defunct and stays in the export.
SERVICE_STATUSES = {
    "active": "実施中",
    "temporarily closed": "一時休止",
    "inactive": "休止",
    "defunct": "終了",
}


def refuse_out_of_range(obj: Any, checks: list[tuple[str, str, IntRange | DateRange]]) -> None:
    """Raise a ValidationError naming each (field, label, range) whose value lies outside.

    In ``clean()`` rather than as field validators, so that the bounds change no migration
    state: every import and edit goes through ``full_clean()``, which calls it.
    """
    errors = {
        field: f"{label}は{bounds.expected()}です（入力: {value}）"
        for field, label, bounds in checks
        if (value := getattr(obj, field)) is not None and value not in bounds
    }
    if errors:
        raise ValidationError(errors)


# An HSDS id is unique within one municipality, not across them: each municipality holds
# its own record under the same id, and a lookup by that id always names the municipality.
def _per_municipality(model: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["municipality", "uuid"], name=f"resources_{model}_uuid_per_municipality"
    )


# A schedule, contact, phone … belongs to one service: its HSDS id is unique there.
def _per_service(model: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["service", "uuid"], name=f"resources_{model}_uuid_per_service"
    )


class SearchChars(models.Model):
    """The folded name and search text split into single characters ("た い そ う"), for the
    one- and two-character queries the trigram index cannot answer: an FTS5 table with the
    unicode61 tokenizer over these columns finds them as phrases of adjacent characters."""

    service = models.OneToOneField(
        "Service", on_delete=models.CASCADE, primary_key=True, related_name="search_chars"
    )
    name_chars = models.TextField(default="")
    text_chars = models.TextField(default="")

    def __str__(self) -> str:
        return f"{self.service_id}"


class Organization(models.Model):
    access_paths = Paths(municipality="municipality")
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="resource_organizations"
    )
    name = models.CharField("名称", max_length=200)
    description = models.TextField("説明", blank=True)
    provider_kind = models.CharField(
        "提供主体", max_length=20, choices=taxonomy.provider_kinds().choices()
    )
    email = models.EmailField("メール", blank=True)
    website = models.URLField("ウェブサイト", blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "提供団体"
        verbose_name_plural = "提供団体"
        constraints = [_per_municipality("organization")]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    access_paths = Paths(municipality="municipality", life_area="district__life_area")
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="resource_services"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services", verbose_name="提供団体"
    )
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resource_services",
        verbose_name="地区",
    )
    name = models.CharField("名称", max_length=200)
    alternate_name = models.CharField("別名", max_length=200, blank=True)
    description = models.TextField("内容", blank=True)
    status = models.CharField("状態", max_length=20, default="active")
    url = models.URLField("URL", blank=True)
    email = models.EmailField("メール", blank=True)
    # Vocabulary codes as "|kayoi|taiso|", so that one category is a plain substring filter
    # on SQLite and PostgreSQL alike.
    category_codes = models.CharField("種類", max_length=300, blank=True, db_index=True)
    sogo_type = models.CharField(
        "総合事業の類型", max_length=20, blank=True, choices=taxonomy.sogo_types().choices()
    )
    capacity = models.PositiveIntegerField(
        "定員", null=True, blank=True, validators=int_validators(CAPACITY, "定員")
    )
    eligibility_description = models.TextField("利用できる人", blank=True)
    fees_description = models.TextField("利用料", blank=True)
    free = models.BooleanField("無料", default=False)
    pickup = models.BooleanField("送迎あり", default=False)
    pickup_note = models.TextField("送迎について", blank=True)
    closed_on_holidays = models.BooleanField("祝日は休み", default=True)
    closed_year_end = models.BooleanField("年末年始（12/29〜1/3）は休み", default=False)
    # Folded (width, kana, case) text for search; ``name_folded`` ranks name matches first.
    search_text = models.TextField(editable=False, default="")
    name_folded = models.CharField(max_length=200, editable=False, default="")
    last_modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "地域資源"
        verbose_name_plural = "地域資源"
        # No CHECK on capacity: on SQLite adding one rebuilds this table, which would drop
        # the full-text index's triggers; the field's validators bound it on every write.
        constraints = [_per_municipality("service")]
        indexes = [
            models.Index(fields=["municipality", "district"]),
            # Names starting with a search word are a range on this index, within the
            # user's municipality (the planner must not prefer the municipality index).
            models.Index(
                fields=["municipality", "name_folded"], name="resources_service_mname_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.status not in SERVICE_STATUSES:
            shown = "、".join(f"{k}（{v}）" for k, v in SERVICE_STATUSES.items())
            raise ValidationError({"status": f"状態「{self.status}」は {shown} のいずれかです"})
        unknown = [c for c in self.categories if taxonomy.categories().get(c) is None]
        if unknown:
            raise ValidationError({"category_codes": f"種類「{'、'.join(unknown)}」はありません"})

    @property
    def status_label(self) -> str:
        return SERVICE_STATUSES.get(self.status, self.status)

    @property
    def categories(self) -> list[str]:
        return [c for c in self.category_codes.split("|") if c]

    @property
    def category_names(self) -> list[str]:
        cats = taxonomy.categories()
        return [t.name for c in self.categories if (t := cats.get(c))]


class Location(models.Model):
    access_paths = Paths(municipality="municipality", life_area="district__life_area")
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="resource_locations"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="locations"
    )
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField("場所", max_length=200)
    description = models.TextField(blank=True)
    address_1 = models.CharField("住所", max_length=200, blank=True)
    city = models.CharField("市区町村", max_length=60, blank=True)
    state_province = models.CharField("都道府県", max_length=20, blank=True)
    postal_code = models.CharField("郵便番号", max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "場所"
        verbose_name_plural = "場所"
        constraints = [_per_municipality("location")]

    def __str__(self) -> str:
        return self.name


class ServiceAtLocation(models.Model):
    access_paths = Paths(
        municipality="service__municipality", life_area="service__district__life_area"
    )
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="at_services")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_location_once"),
            _per_service("serviceatlocation"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id}@{self.location_id}"


class ScheduleKind(models.TextChoices):
    OPEN = "open", "開所"
    EVENT = "event", "催し"
    CLOSED = "closed", "休業"


class Schedule(models.Model):
    """One HSDS schedule: a recurrence (FREQ/BYDAY/BYMONTHDAY) or a single date.

    ``kind`` says what it is: opening hours, an event on top (``description`` is its
    title) or a closure from ``valid_from`` to ``valid_to`` (``description`` is the reason).
    """

    # A schedule is reached through its service (edits and the audit trail).
    access_paths = Paths(
        municipality="service__municipality", life_area="service__district__life_area"
    )
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    kind = models.CharField(max_length=10, choices=ScheduleKind.choices, default=ScheduleKind.OPEN)
    freq = models.CharField(max_length=10, blank=True)  # WEEKLY, MONTHLY or "" (one date)
    interval = models.PositiveSmallIntegerField(default=1)
    byday = models.CharField(max_length=60, blank=True)  # "TU,WE" or "2TU,4TU"
    bymonthday = models.CharField(max_length=60, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    description = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["service", "order", "id"]
        constraints = [_per_service("schedule")]

    def __str__(self) -> str:
        return f"{self.kind} {self.freq} {self.byday} {self.description}".strip()

    def clean(self) -> None:
        refuse_out_of_range(
            self,
            [
                ("interval", "間隔（interval）", SCHEDULE_INTERVAL),
                ("count", "回数（count）", SCHEDULE_COUNT),
                *((f, f, DATE) for f in ("dtstart", "until", "valid_from", "valid_to")),
            ],
        )
        if self.kind not in ScheduleKind.values:
            return  # the field's own choices refuse it
        # The calendar engine is the judge of a rule: what it cannot expand is not stored.
        from chiiki.resources.calendar import ScheduleError
        from chiiki.resources.hsds import timetable

        try:
            timetable([self], closed_on_holidays=True, closed_year_end=False)
        except ScheduleError as exc:
            raise ValidationError({exc.field: exc.message}) from exc

    def describe(self) -> str:
        """「毎週 火・水・金・土 08:00〜12:00」「休業 1/2〜1/5 年始休業」 for pages and sheets."""
        from chiiki.resources.calendar import ScheduleError
        from chiiki.resources.hsds import schedule_rule

        if self.kind == ScheduleKind.CLOSED:
            first, last = self.valid_from or self.dtstart, self.valid_to or self.valid_from
            span = f"{first:%-m/%-d}" if first else ""
            if last and last != first:
                span += f"〜{last:%-m/%-d}"
            return f"休業 {span} {self.description}".strip()
        try:
            text = schedule_rule(self).describe()
        except ScheduleError:
            return self.description
        if self.opens_at:
            text += f" {self.opens_at:%H:%M}〜" + (
                f"{self.closes_at:%H:%M}" if self.closes_at else ""
            )
        if self.kind == ScheduleKind.EVENT:
            text += f" {self.description}"
        return text


class Contact(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField("担当者", max_length=200, blank=True)
    title = models.CharField("役職", max_length=200, blank=True)
    department = models.CharField("部署", max_length=200, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [_per_service("contact")]

    def __str__(self) -> str:
        return self.name or self.department


class Phone(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField("電話番号", max_length=30)
    type = models.CharField(max_length=20, blank=True, default="voice")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            _per_service("phone"),
            models.UniqueConstraint(
                fields=["contact", "uuid"], name="resources_phone_uuid_per_contact"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CostOption(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    option = models.CharField("区分", max_length=300, blank=True)
    amount = models.PositiveIntegerField(
        "金額（円）", null=True, blank=True, validators=int_validators(YEN, "金額")
    )
    amount_description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            _per_service("costoption"),
            range_check("amount", YEN, name="costoption_amount_in_range", null=True),
        ]

    def __str__(self) -> str:
        return f"{self.option} {self.amount}"


class ServiceArea(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [_per_service("servicearea")]

    def __str__(self) -> str:
        return self.name


class DistrictProfile(models.Model):
    """わがまちこんなとこシート: a district's good points and problems, as the coordinator
    and the coordination body (地域のええとこ・いかんとこ) write them."""

    access_paths = Paths(municipality="district__municipality", life_area="district__life_area")

    district = models.OneToOneField(
        District, on_delete=models.CASCADE, related_name="resource_profile"
    )
    good_points = models.TextField("地域のええとこ（良いところ）", blank=True)
    problems = models.TextField("地域のいかんとこ（困りごと・課題）", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "地区の資源シート"
        verbose_name_plural = "地区の資源シート"

    def __str__(self) -> str:
        return f"{self.district_id}"
