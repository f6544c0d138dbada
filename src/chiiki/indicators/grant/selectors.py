"""Reads of the grant's self-assessment: the years a municipality has, and one year's
indicators with their answers, evidence, flags and the candidates to pick from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.models import User
from chiiki.areas.models import Municipality
from chiiki.indicators.grant import evidence as finder
from chiiki.indicators.grant import sheet
from chiiki.indicators.grant.catalog import (
    EVIDENCE_KINDS,
    Catalog,
    catalog_for_year,
    load_catalog,
)
from chiiki.indicators.models import GrantAnswer, GrantAssessment, GrantEvidence

REFUSED = "交付金の自己評価を見る権限がありません"


def municipality_of(user: User) -> Municipality:
    """The user's municipality, whose assessment the pages show."""
    access.require(user, Cap.INDICATORS_VIEW, REFUSED)
    if user.municipality is None:
        raise access.PermissionDenied("市町村に属するユーザーだけが自己評価を見られます")
    return user.municipality


@dataclass(frozen=True)
class YearLine:
    fiscal_year: int
    version: str
    answered: int
    flagged: int
    total: int


def years_for_user(*, user: User) -> list[YearLine]:
    """The municipality's assessments, newest year first, with how far each has got."""
    municipality_of(user)
    assessments = access.visible(
        user, Cap.INDICATORS_VIEW, GrantAssessment.objects.all(), REFUSED
    ).prefetch_related(Prefetch("answers", GrantAnswer.objects.prefetch_related("evidence")))
    out: list[YearLine] = []
    for a in assessments.order_by("-fiscal_year"):
        catalog = load_catalog(a.indicator_version)
        table = sheet.rows(catalog, _answers(a))
        out.append(
            YearLine(
                a.fiscal_year,
                a.indicator_version,
                sum(1 for r in table if r.answer),
                len(sheet.flagged(table)),
                len(table),
            )
        )
    return out


_KIND_ORDER = {k: n for n, k in enumerate(EVIDENCE_KINDS)}


def _link_order(e: GrantEvidence) -> tuple[int, dt.date, int]:
    """Links by kind in the catalog's order, then by the record's date."""
    return _KIND_ORDER.get(e.kind, len(_KIND_ORDER)), e.on or dt.date.min, e.id


def _answers(assessment: GrantAssessment) -> dict[str, sheet.AnswerItem]:
    """The assessment's answers as the sheet sees them (prefetched evidence is used)."""
    out: dict[str, sheet.AnswerItem] = {}
    for a in assessment.answers.all():
        links: list[GrantEvidence] = list(a.evidence.all())
        out[a.indicator_id] = sheet.AnswerItem(
            answer=a.answer,
            note=a.note,
            staff=a.answered_by_name,
            at=a.answered_at,
            evidence=tuple(
                sheet.EvidenceItem(e.kind, e.record_id, e.label, e.on)
                for e in sorted(links, key=_link_order)
            ),
        )
    return out


@dataclass(frozen=True)
class YearView:
    municipality: Municipality
    fiscal_year: int
    catalog: Catalog
    assessment: GrantAssessment | None
    rows: list[sheet.Row]
    candidates: dict[str, list[finder.Candidate]] = field(default_factory=dict)

    @property
    def version_differs(self) -> bool:
        """The year is not the one the indicators were published for."""
        return self.catalog.fiscal_year != self.fiscal_year

    @property
    def flagged(self) -> list[sheet.Row]:
        return sheet.flagged(self.rows)


def year_for_user(*, user: User, fiscal_year: int, with_candidates: bool = False) -> YearView:
    """One year's assessment of the user's municipality, and the candidate records when the
    user is to pick."""
    municipality = municipality_of(user)
    return year_of(
        municipality=municipality, fiscal_year=fiscal_year, with_candidates=with_candidates
    )


def year_of(
    *, municipality: Municipality, fiscal_year: int, with_candidates: bool = False
) -> YearView:
    """One year's assessment (or, before its first answer, the indicators in force for the
    year, unanswered); for the command, which acts for the municipality itself."""
    assessment = (
        GrantAssessment.objects.filter(municipality=municipality, fiscal_year=fiscal_year)
        .prefetch_related(Prefetch("answers", GrantAnswer.objects.prefetch_related("evidence")))
        .first()
    )
    catalog = (
        load_catalog(assessment.indicator_version)
        if assessment is not None
        else catalog_for_year(fiscal_year)
    )
    table = sheet.rows(catalog, _answers(assessment) if assessment else {})
    found: dict[str, list[finder.Candidate]] = {}
    if with_candidates:
        kinds = [k for ind in catalog.indicators for k in ind.evidence]
        found = finder.candidates(
            municipality_id=municipality.pk, fiscal_year=fiscal_year, kinds=kinds
        )
    return YearView(municipality, fiscal_year, catalog, assessment, table, found)
