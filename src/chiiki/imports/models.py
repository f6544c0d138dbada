"""One import of one uploaded file: what it is, how far it got, and what came of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.timezone import now as timezone_now

from chiiki.accounts.access_paths import Paths


class ImportKind(models.TextChoices):
    POPULATION = "population", "人口データ"
    AREA_TREE = "area_tree", "圏域・地区・町丁目"
    SURVEY_ANSWERS = "survey_answers", "調査の回答"
    SURVEY_MAILING = "survey_mailing", "発送名簿"
    QUESTIONNAIRE = "questionnaire", "地区アンケートの回答"
    REGISTER = "register", "住民記録"
    CARE_CERTIFICATION = "care_certification", "要介護認定"
    STAFF = "staff", "職員のアカウント"
    INSURANCE_YEARS = "insurance_years", "介護保険事業状況報告"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "待機"
    RUNNING = "running", "実行中"
    DONE = "done", "完了"
    FAILED = "failed", "失敗"


class ImportJob(models.Model):
    """An upload and its import, run in the request (small files) or as a task (large ones).

    The uploaded bytes wait in a file under ``CHIIKI_IMPORT_DIR`` named by the job's id, and
    are removed when the job ends; the result and the errors stay, readable at the job's URL.
    """

    access_paths = Paths(municipality="municipality")
    kind = models.CharField("種類", max_length=20, choices=ImportKind.choices)
    municipality = models.ForeignKey(
        "areas.Municipality", on_delete=models.CASCADE, related_name="import_jobs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    survey = models.ForeignKey(
        "surveys.Survey", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The mapping given, the channel; a district questionnaire's id (questionnaire_id).
    params = models.JSONField("条件", default=dict, blank=True)
    filename = models.CharField("ファイル名", max_length=255)
    size = models.PositiveBigIntegerField("大きさ（バイト）", default=0)
    status = models.CharField(
        "状態", max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    stage = models.CharField("段階", max_length=50, blank=True)
    progress_done = models.PositiveBigIntegerField("処理済み", default=0)
    progress_total = models.PositiveBigIntegerField("全体", null=True, blank=True)
    result = models.JSONField("結果", default=dict, blank=True)
    errors = models.JSONField("誤り", default=list, blank=True)
    error_count = models.PositiveIntegerField("誤りの数", default=0)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField("受付", default=timezone_now)
    started_at = models.DateTimeField("開始", null=True, blank=True)
    finished_at = models.DateTimeField("終了", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["municipality", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}（{self.get_status_display()}）"

    @property
    def active(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def progress_text(self) -> str:
        if self.status == ImportStatus.QUEUED:
            return "順番を待っています"
        if self.progress_total:
            return f"{self.stage}: {self.progress_done:,} / {self.progress_total:,} 行（{self.percent}%）"
        if self.progress_done:
            return f"{self.stage}: {self.progress_done:,} 行"
        return self.stage
