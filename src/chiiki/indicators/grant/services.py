"""Writes of the grant's self-assessment: an answer with its evidence, checked against the
indicator and against the records of the municipality's year, and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.timezone import now as timezone_now

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction, User
from chiiki.areas.models import Municipality
from chiiki.indicators.grant import evidence as finder
from chiiki.indicators.grant.catalog import EVIDENCE_KINDS, Catalog, catalog_for_year, load_catalog
from chiiki.indicators.models import GrantAnswer, GrantAnswerChoice, GrantAssessment, GrantEvidence

REFUSED = "この市町村の交付金の自己評価を記録する権限がありません"
YEARS = range(2000, 2101)


def _signature(user: User | None) -> str:
    if user is None:
        return "(system)"
    return user.display_name or user.get_username()


def _assessment(
    *, user: User | None, municipality: Municipality, fiscal_year: int
) -> GrantAssessment:
    """The year's assessment, locked for the change; begun (with the indicator version in
    force for the year) when it is the year's first answer."""
    if fiscal_year not in YEARS:
        raise ValidationError({"fiscal_year": "年度は 2000〜2100 の西暦で指定してください"})
    found = (
        GrantAssessment.objects.select_for_update()
        .filter(municipality=municipality, fiscal_year=fiscal_year)
        .first()
    )
    if found is not None:
        return found
    assessment = GrantAssessment(
        municipality=municipality,
        fiscal_year=fiscal_year,
        indicator_version=catalog_for_year(fiscal_year).version,
        created_by=user,
    )
    assessment.full_clean()
    assessment.save()
    if user is not None:
        access.audit_write(
            user,
            AuditAction.CREATE,
            assessment,
            changes={
                "fiscal_year": [None, fiscal_year],
                "version": [None, assessment.indicator_version],
            },
        )
    return assessment


def catalog_of(assessment: GrantAssessment) -> Catalog:
    return load_catalog(assessment.indicator_version)


def _picks(raw: Sequence[tuple[str, int]], kinds: tuple[str, ...]) -> list[tuple[str, int]]:
    wrong = sorted({k for k, _ in raw if k not in kinds})
    if wrong:
        shown = "、".join(EVIDENCE_KINDS.get(k, k) for k in wrong)
        allowed = "、".join(EVIDENCE_KINDS[k] for k in kinds)
        raise ValidationError(
            {"evidence": f"根拠「{shown}」はこの指標の根拠にできません（できるもの: {allowed}）"}
        )
    return list(dict.fromkeys((k, int(i)) for k, i in raw))


@transaction.atomic
def grant_answer_save(
    *,
    user: User | None,
    municipality: Municipality,
    fiscal_year: int,
    indicator_id: str,
    answer: str,
    note: str = "",
    evidence: Sequence[tuple[str, int]] = (),
    at: dt.datetime | None = None,
) -> GrantAnswer:
    """Record the answer to one indicator for the year, with the records that show it.

    1. Refuse a user who may not edit the municipality's indicators.
    2. Find or begin the year's assessment; the indicator must be in its version.
    3. Each picked record must be of a kind the indicator names and a candidate of the
       municipality's year (another municipality's id is refused like a missing one).
    4. Keep the links that stay (with the label they had), add the new, drop the rest.
    """
    if user is not None:
        access.require_reach(user, Cap.INDICATORS_EDIT, municipality, REFUSED)
    assessment = _assessment(user=user, municipality=municipality, fiscal_year=fiscal_year)
    indicator = catalog_of(assessment).indicator(indicator_id)
    if indicator is None:
        raise ValidationError(
            {
                "indicator": f"評価指標「{indicator_id}」は{assessment.indicator_version}年度版にありません"
            }
        )
    if answer not in GrantAnswerChoice.values:
        raise ValidationError({"answer": "回答は「はい」「一部」「いいえ」から選んでください"})
    picks = _picks(evidence, indicator.evidence)
    found, refused = finder.resolve(
        municipality_id=municipality.pk, fiscal_year=fiscal_year, picks=picks
    )
    if refused:
        shown = "、".join(f"{EVIDENCE_KINDS[k]} ID {i}" for k, i in refused)
        raise ValidationError(
            {"evidence": f"根拠（{shown}）はこの市町村の{fiscal_year}年度の記録にありません"}
        )
    row = GrantAnswer.objects.filter(assessment=assessment, indicator_id=indicator.id).first()
    before: dict[str, Any] = (
        {"answer": row.answer, "note": row.note, "evidence": _keys(row)} if row else {}
    )
    row = row or GrantAnswer(assessment=assessment, indicator_id=indicator.id)
    row.answer, row.note = answer, note.strip()
    row.answered_by = user
    row.answered_by_name = _signature(user)
    row.answered_at = at or timezone_now()
    row.full_clean()
    row.save()
    _links_store(row, found)
    after = {"answer": row.answer, "note": row.note, "evidence": _keys(row)}
    if user is not None:
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        action = AuditAction.UPDATE if before else AuditAction.CREATE
        access.audit_write(
            user, action, row, changes={"indicator": indicator.id, "year": fiscal_year, **changes}
        )
    return row


def _keys(row: GrantAnswer) -> list[str]:
    return [
        f"{k}:{i}"
        for k, i in row.evidence.order_by("kind", "record_id").values_list("kind", "record_id")
    ]


def _links_store(row: GrantAnswer, found: list[finder.Candidate]) -> None:
    wanted = {(c.kind, c.record_id): c for c in found}
    kept = set(row.evidence.values_list("kind", "record_id"))
    gone = kept - set(wanted)
    for kind, rid in gone:
        row.evidence.filter(kind=kind, record_id=rid).delete()
    new = [
        GrantEvidence(answer=row, kind=c.kind, record_id=c.record_id, label=c.label[:300], on=c.on)
        for key, c in wanted.items()
        if key not in kept
    ]
    for link in new:
        link.full_clean(exclude=["answer"])
    GrantEvidence.objects.bulk_create(new)


@transaction.atomic
def grant_share_set(
    *, user: User, municipality: Municipality, fiscal_year: int, shared: bool
) -> GrantAssessment:
    """Share the year's answers with the prefecture, or stop sharing them. The prefecture
    then sees the counts of はい・一部・いいえ only, never a note or a piece of evidence."""
    access.require(user, Cap.INDICATORS_EDIT, REFUSED)
    if access.who(user).municipality_id != municipality.pk:
        raise PermissionDenied(REFUSED)
    assessment = _assessment(user=user, municipality=municipality, fiscal_year=fiscal_year)
    if assessment.shared_with_prefecture != shared:
        before = assessment.shared_with_prefecture
        assessment.shared_with_prefecture = shared
        assessment.save(update_fields=["shared_with_prefecture"])
        access.audit_write(
            user,
            AuditAction.UPDATE,
            assessment,
            changes={"shared_with_prefecture": [before, shared]},
        )
    return assessment
