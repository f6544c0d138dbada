"""The indicators' own records. Most figures are computed from the other apps' records; what
is kept here is what comes from outside them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from chiiki.accounts.access_paths import Paths
from chiiki.areas.models import Municipality
from chiiki.indicators.grant.catalog import EVIDENCE_KINDS

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
