"""The indicators' own records. Most figures are computed from the other apps' records; what
is kept here is what comes from outside them."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from chiiki.accounts.access_paths import Paths
from chiiki.areas.models import Municipality
from chiiki.core.validators import date_validators, int_validators, range_check
from chiiki.indicators.attendance_sheet import ATTENDANCE_COUNT, ATTENDANCE_DAY
from chiiki.people.models import Person
from chiiki.resources.models import Service

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
