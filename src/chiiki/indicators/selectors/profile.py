"""The facts of a municipality's profile, read from its records."""

from __future__ import annotations

import datetime as dt

from chiiki.areas.models import Municipality
from chiiki.areas.selectors import municipality_overview, population_dates
from chiiki.core import wareki
from chiiki.indicators import profile as engine
from chiiki.indicators.models import CenterProfile, InsuranceYear


def profile_of(*, municipality: Municipality, date: dt.date | None = None) -> engine.Profile | None:
    """The profile at the population table of ``date`` (the latest when None); None when the
    municipality has no population table yet. The premium is that of the plan period the
    table's fiscal year falls in (the year's own figure, else another year of the period)."""
    overview = municipality_overview(municipality=municipality, date=date)
    if overview.date is None:
        return None
    s = overview.summary
    fy = wareki.fiscal_year(overview.date)
    premium = period = None
    if fy >= engine.FIRST_PERIOD_YEAR:
        period = engine.plan_period(fy)
        first, last = engine.period_years(period)
        years = {
            y.fiscal_year: y.premium_monthly
            for y in InsuranceYear.objects.filter(
                municipality=municipality, fiscal_year__range=(first, last)
            ).exclude(premium_monthly=None)
        }
        premium = years.get(fy) or next((years[y] for y in sorted(years)), None)
    centers = CenterProfile.objects.filter(municipality=municipality).first()
    return engine.Profile(
        as_of=overview.date,
        total=s.total,
        aged_65=s.aged_65,
        aged_75=s.aged_75,
        premium=premium,
        period=period if premium is not None else None,
        centers=engine.Centers(centers.direct, centers.commissioned, centers.note)
        if centers
        else None,
    )


def profile_dates(*, municipality: Municipality) -> list[dt.date]:
    return population_dates(municipality=municipality)
