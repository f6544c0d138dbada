"""Reads for district questionnaires: the municipality's staff see every body's
questionnaires and their results (which name nobody); a body's managers collect answers."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.areas.models import District
from chiiki.councils import instrument, tally
from chiiki.councils.models import (
    AnswerMethod,
    Body,
    Questionnaire,
    QuestionnaireAnswer,
    RegionalIssue,
)
from chiiki.councils.selectors.bodies import body_districts
from chiiki.councils.selectors.issues import issue_rows_for_user
from chiiki.surveys.rules import Instrument

REFUSED = "この地区アンケートを閲覧する権限がありません"
NO_DISTRICT = 0  # the group of answer sheets without a district (none are stored so today)


def questionnaire_instrument(questionnaire: Questionnaire) -> Instrument:
    return instrument.load(questionnaire.instrument_yaml)


def _questionnaires(user: Any, cap: Cap) -> QuerySet[Questionnaire]:
    return access.visible(
        user,
        cap,
        Questionnaire.objects.select_related(
            "body__municipality", "body__life_area", "body__district"
        ).annotate(
            answer_count=Count("answers"),
            tablet_count=Count("answers", filter=Q(answers__method=AnswerMethod.TABLET)),
        ),
        REFUSED,
    )


def questionnaire_list_for_body(*, user: Any, body: Body) -> list[Questionnaire]:
    """A body's questionnaires, newest year first, with how many answers each has."""
    return list(_questionnaires(user, Cap.COUNCILS_VIEW).filter(body=body))


def questionnaire_get_for_user(
    *, user: Any, questionnaire_id: int, cap: Cap = Cap.COUNCILS_VIEW
) -> Questionnaire:
    """One questionnaire, refused alike when missing or out of reach (``cap``
    COUNCILS_MANAGE: only the managers of its body's area)."""
    found = _questionnaires(user, cap).filter(pk=questionnaire_id).first()
    if found is None:
        raise access.PermissionDenied(REFUSED)
    return found


def questionnaire_for_system(
    *, questionnaire_id: int, municipality_id: int
) -> Questionnaire | None:
    """The questionnaire of an import job, within the job's municipality (the job's user
    is checked by the import service itself)."""
    return (
        Questionnaire.objects.select_related("body__municipality")
        .filter(pk=questionnaire_id, body__municipality_id=municipality_id)
        .first()
    )


def can_manage(*, user: Any, body: Body) -> bool:
    """May the user define questionnaires of this body and collect their answers?"""
    return access.reaches(user, Cap.COUNCILS_MANAGE, body)


def district_choices(*, questionnaire: Questionnaire) -> list[District]:
    return body_districts(questionnaire.body)


@dataclass(frozen=True)
class Results:
    questionnaire: Questionnaire
    tally: tally.Tally
    labels: dict[Hashable, str]  # group (district id, NO_DISTRICT, TOTAL) → its name
    questions: tuple[instrument.Question, ...]

    def label(self, group: Hashable) -> str:
        return self.labels.get(group, str(group))


def questionnaire_results(*, user: Any, questionnaire: Questionnaire) -> Results:
    """Counts, rates and Wilson intervals by district and 全体, small cells suppressed.

    The rows are the body's districts (those of its area), then any other district its
    answers name, then 全体.
    """
    inst = questionnaire_instrument(questionnaire)
    qs = instrument.questions(inst)
    sheets = [
        (district_id or NO_DISTRICT, answers)
        for district_id, answers in access.visible(
            user,
            Cap.COUNCILS_VIEW,
            QuestionnaireAnswer.objects.filter(questionnaire=questionnaire),
            REFUSED,
        )
        .order_by("pk")
        .values_list("district_id", "answers")
    ]
    districts = body_districts(questionnaire.body)
    labels: dict[Hashable, str] = {d.pk: d.name for d in districts}
    seen: set[Hashable] = {g for g, _ in sheets}
    others = seen - set(labels) - {NO_DISTRICT}
    if others:
        for d in District.objects.filter(pk__in=others).order_by("order", "code"):
            labels[d.pk] = d.name
    if NO_DISTRICT in seen:
        labels[NO_DISTRICT] = "地区なし"
    labels[tally.TOTAL] = tally.TOTAL_LABEL
    groups = [g for g in labels if g is not tally.TOTAL]
    return Results(
        questionnaire=questionnaire,
        tally=tally.tally(qs, sheets, groups),
        labels=labels,
        questions=qs,
    )


def evidence_issue_choices(*, user: Any, body: Body) -> list[RegionalIssue]:
    """The municipality's issues the user may add evidence to, the body's own first."""
    rows = issue_rows_for_user(user=user)
    if not access.can(user, Cap.ISSUES_EDIT):
        return []
    editable = set(
        access.visible(
            user, Cap.ISSUES_EDIT, RegionalIssue.objects.filter(pk__in=[r.pk for r in rows])
        ).values_list("pk", flat=True)
    )
    mine = [r for r in rows if r.pk in editable]
    return sorted(mine, key=lambda r: (r.body_id != body.pk, -r.status_on.toordinal(), -r.pk))
