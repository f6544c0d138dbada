"""The record of periodic work: each due slot claimed once, and each run with its outcome.

A run keeps the job's name, the municipality it ran for (none for a job of the whole
installation), its times, its status, its counts and, when it failed, a message written
without personal data. Nothing else: the record is shown to administrators and kept for
months.
"""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now as timezone_now

from chiiki.accounts.access_paths import Paths


class JobSlot(models.Model):
    """One due time of one job. The unique pair is the claim: two schedulers running side
    by side enqueue the job once."""

    job = models.CharField("処理", max_length=60)
    due_at = models.DateTimeField("予定時刻")
    enqueued_at = models.DateTimeField("受付", default=timezone_now)
    started_at = models.DateTimeField("開始", null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-due_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["job", "due_at"], name="job_slot_once")]

    def __str__(self) -> str:
        return f"{self.job} {self.due_at:%Y-%m-%d %H:%M}"


class RunStatus(models.TextChoices):
    RUNNING = "running", "実行中"
    OK = "ok", "成功"
    FAILED = "failed", "失敗"


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", "予定"
    MANUAL = "manual", "手動"


class JobRun(models.Model):
    access_paths = Paths(municipality="municipality")
    job = models.CharField("処理", max_length=60)
    municipality = models.ForeignKey(
        "areas.Municipality", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    slot = models.ForeignKey(
        JobSlot, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    trigger = models.CharField("起動", max_length=10, choices=Trigger.choices)
    # The moment the run stands for: its slot (so a late run still expires the points of
    # its own day), or the time an operator started it.
    as_of = models.DateTimeField("基準時刻")
    started_at = models.DateTimeField("開始", default=timezone_now)
    finished_at = models.DateTimeField("終了", null=True, blank=True)
    status = models.CharField(
        "状態", max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    result = models.JSONField("件数", default=dict, blank=True)
    error = models.CharField("失敗の理由", max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["job", "municipality", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M}（{self.get_status_display()}）"
