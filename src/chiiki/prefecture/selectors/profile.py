"""A municipality of the prefecture on one page: the guide's sentence and its latest figures.

Only aggregates: the population table's counts, the insurer's report, the number of
gathering places and their participation rate, the prefecture's own dispatches, and the
grant self-assessment's counts of はい・一部・いいえ when the municipality shares them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.http import Http404
from django.utils import timezone

from chiiki.areas.models import Municipality
from chiiki.areas.population import PopulationSummary, percent
from chiiki.areas.selectors import municipality_overview
from chiiki.core import wareki
from chiiki.indicators import profile as engine
from chiiki.indicators.models import GrantAnswer, GrantAnswerChoice, GrantAssessment, InsuranceYear
from chiiki.indicators.selectors.participation import participation_by_district
from chiiki.indicators.selectors.profile import profile_of
from chiiki.prefecture.models import Dispatch, WorkKind
from chiiki.prefecture.selectors.common import municipalities_of
from chiiki.prefecture.selectors.opendata import attendance_years
from chiiki.resources.models import Service as ResourceService

NOT_FOUND = "この市町村は見つかりません"


@dataclass(frozen=True)
class Certification:
    fiscal_year: int
    insured_65: int
    certified: int

    @property
    def rate(self) -> Decimal | None:
        return percent(self.certified, self.insured_65)


@dataclass(frozen=True)
class Grant:
    """One shared year of the self-assessment: how many indicators were answered each way."""

    fiscal_year: int
    counts: dict[str, int]  # label (はい・一部・いいえ) → indicators

    @property
    def answered(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class MunicipalityProfile:
    municipality: Municipality
    profile: engine.Profile | None
    population: PopulationSummary
    certification: Certification | None
    places: int
    participation_year: int | None
    participation_rate: Decimal | None
    fiscal_year: int
    dispatches: list[tuple[str, int]] = field(default_factory=list)  # work kind → count
    grant: Grant | None = None

    @property
    def dispatch_total(self) -> int:
        return sum(n for _, n in self.dispatches)

    @property
    def year_label(self) -> str:
        return f"{wareki.format_fiscal_year(self.fiscal_year)}（{self.fiscal_year}年度）"


def municipality_for_user(*, user: Any, code: str) -> Municipality:
    """A municipality of the user's prefecture by its code; another's is not found (404)."""
    found = municipalities_of(user).select_related("prefecture").filter(code=code).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def profile_for_user(*, user: Any, code: str, today: dt.date | None = None) -> MunicipalityProfile:
    municipality = municipality_for_user(user=user, code=code)
    today = today or timezone.localdate()
    # The latest fiscal year with a dispatch to it (this year when there is none yet).
    last = (
        Dispatch.objects.filter(municipality=municipality, day__lte=today)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    year = wareki.fiscal_year(last or today)
    latest = (
        InsuranceYear.objects.filter(municipality=municipality).order_by("-fiscal_year").first()
    )
    years = attendance_years(municipality)
    rate = None
    if years:
        total = participation_by_district(municipality=municipality, fiscal_year=years[-1]).total
        # Headcount sheets alone give attendances but no distinct participant: no rate.
        rate = total.rate if total.participants else None
    return MunicipalityProfile(
        municipality=municipality,
        profile=profile_of(municipality=municipality),
        population=municipality_overview(municipality=municipality).summary,
        certification=Certification(latest.fiscal_year, latest.insured_65, latest.certified_total)
        if latest
        else None,
        places=ResourceService.objects.filter(
            municipality=municipality, category_codes__contains="|kayoi|", status="active"
        ).count(),
        participation_year=years[-1] if years else None,
        participation_rate=rate,
        fiscal_year=year,
        dispatches=_dispatches(municipality, year),
        grant=_grant(municipality),
    )


def _dispatches(municipality: Municipality, year: int) -> list[tuple[str, int]]:
    """The prefecture's dispatches to the municipality in the fiscal year, by kind of work."""
    start, end = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    found = dict(
        Dispatch.objects.filter(municipality=municipality, day__range=(start, end))
        .order_by()
        .values_list("work")
        .annotate(n=Sum("count"))
    )
    return [(w.label, found.get(w.value, 0)) for w in WorkKind]


def _grant(municipality: Municipality) -> Grant | None:
    """The latest year the municipality shares: counts only, never notes or evidence."""
    shared = (
        GrantAssessment.objects.filter(municipality=municipality, shared_with_prefecture=True)
        .order_by("-fiscal_year")
        .first()
    )
    if shared is None:
        return None
    found = dict(
        GrantAnswer.objects.filter(assessment=shared)
        .order_by()
        .values_list("answer")
        .annotate(n=Count("id"))
    )
    return Grant(shared.fiscal_year, {c.label: found.get(c.value, 0) for c in GrantAnswerChoice})
