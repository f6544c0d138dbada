"""The prefecture's own records: the professionals it dispatches to its municipalities, its
support teams' visits, and its seminars with their attendance (the guide's 都道府県による
市町村支援: 熊本県, 埼玉県, 高知県). None of them names a resident: a prefecture works with
municipalities, and sees only their aggregates."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from chiiki.accounts.access_paths import Paths
from chiiki.areas.models import Municipality, Prefecture
from chiiki.core.bounds import DATE
from chiiki.core.validators import date_validators


class WorkKind(models.TextChoices):
    """The kind of work a professional is dispatched for, as the guide's 熊本県 table has it."""

    PREVENTION = "prevention", "介護予防事業"
    CARE_MEETING = "care_meeting", "地域ケア会議"
    PLACES = "places", "通いの場等"
    OTHER = "other", "その他"


class Dispatch(models.Model):
    """Dispatches of one kind on one day to one municipality: ``count`` of them (件数).

    A file's identical rows add up into one record; importing the same file again sets the
    same counts, so it changes nothing."""

    access_paths = Paths(municipality="municipality", prefecture="prefecture")

    prefecture = models.ForeignKey(Prefecture, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    day = models.DateField("日付", validators=date_validators("日付", DATE))
    sender = models.CharField("派遣元", max_length=60, help_text="例: 広域支援センター")
    work = models.CharField("事業区分", max_length=20, choices=WorkKind.choices)
    profession = models.CharField("職種", max_length=40, help_text="例: 理学療法士")
    count = models.PositiveIntegerField(
        "件数", default=1, validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    source = models.CharField("取り込んだファイル", max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-day", "municipality", "sender", "work", "profession"]
        verbose_name = "専門職の派遣"
        verbose_name_plural = "専門職の派遣"
        constraints = [
            models.UniqueConstraint(
                fields=["prefecture", "day", "municipality", "sender", "work", "profession"],
                name="dispatch_once_per_kind_and_day",
            )
        ]
        indexes = [models.Index(fields=["prefecture", "day"], name="dispatch_by_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.municipality.name} {self.sender} {self.get_work_display()}"


class TeamVisit(models.Model):
    """A visit of the prefecture's support team (埼玉県's 総合支援チーム) to a municipality."""

    access_paths = Paths(municipality="municipality", prefecture="prefecture")

    prefecture = models.ForeignKey(Prefecture, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    day = models.DateField("訪問日", validators=date_validators("訪問日", DATE))
    team = models.CharField("チーム", max_length=80, default="地域包括ケア総合支援チーム")
    purpose = models.CharField("目的・内容", max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-day", "municipality"]
        verbose_name = "支援チームの訪問"
        verbose_name_plural = "支援チームの訪問"
        constraints = [
            models.UniqueConstraint(
                fields=["prefecture", "municipality", "day", "team"], name="team_visit_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.municipality.name} {self.team}"


class Seminar(models.Model):
    """A seminar the prefecture holds for its municipalities (高知県's トップセミナー): its
    day, title and audience; one row per session when a day has two."""

    access_paths = Paths(municipality="", prefecture="prefecture")

    prefecture = models.ForeignKey(Prefecture, on_delete=models.CASCADE, related_name="+")
    day = models.DateField("開催日", validators=date_validators("開催日", DATE))
    session = models.CharField("部", max_length=20, blank=True, help_text="例: 午前・午後")
    title = models.CharField("セミナー名", max_length=200)
    audience = models.CharField("対象者", max_length=200)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["day", "session", "pk"]
        verbose_name = "セミナー"
        verbose_name_plural = "セミナー"
        constraints = [
            models.UniqueConstraint(
                fields=["prefecture", "day", "session", "title"], name="seminar_once"
            )
        ]

    def __str__(self) -> str:
        return self.title


class SeminarAttendance(models.Model):
    """How many from one municipality attended a seminar (a count, never names)."""

    access_paths = Paths(municipality="municipality", prefecture="seminar__prefecture")

    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="attendance")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    attendees = models.PositiveSmallIntegerField(
        "参加者数", validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )

    class Meta:
        ordering = ["seminar", "municipality"]
        verbose_name = "セミナーの参加"
        verbose_name_plural = "セミナーの参加"
        constraints = [
            models.UniqueConstraint(
                fields=["seminar", "municipality"], name="seminar_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.seminar} {self.municipality.name} {self.attendees}人"
