"""The indicators' demo data: ten years of a synthetic 萩市's figures.

- Population tables for 1 April of 2009 to 2017, made from the April 2018 table (the one the
  guide profiles) by walking each cell back with a smooth yearly change: fewer people under
  65 each year, more aged 65–74 and more again aged 75+. Approximate, for the shape only.
- The 介護保険事業状況報告 for FY2009–2018: a certification rate that rises to 2014 and then
  falls as prevention takes hold, and benefit costs that rise and then level off, the shape
  of the guide's charts (国東市, 高松市). The 第7期 premium is the guide's 5,190円.
- The support centers: 直営で2カ所, as the guide says.

No figure here is the real city's except those the guide prints for April 2018.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from chiiki.areas.models import Municipality, PopulationRecord
from chiiki.indicators.models import CenterProfile, InsuranceYear

FIRST_YEAR, LAST_YEAR = 2009, 2018
# Yearly change of each age group, going back from 2018 (×per year).
BACK = {"under_65": 1.013, "65_74": 0.985, "75": 0.982}
# The certification rate (%) by fiscal year, and the benefit cost per certified person (円).
RATES = {
    2009: 19.2, 2010: 19.8, 2011: 20.4, 2012: 20.9, 2013: 21.3,
    2014: 21.5, 2015: 21.2, 2016: 20.8, 2017: 20.5, 2018: 20.3,
}  # fmt: skip
COST_PER_CERTIFIED = 1_450_000
# 第1号保険料 (monthly standard amount) by plan period: 4期 2009–11, 5期, 6期, 7期 2018–.
PREMIUMS = {4: 4_180, 5: 4_790, 6: 5_090, 7: 5_190}
# The shares of the certified by level: 要支援1, 要支援2, 要介護1 … 要介護5.
LEVEL_SHARES = (0.14, 0.13, 0.21, 0.17, 0.13, 0.12, 0.10)


def _group(age_from: int) -> str:
    return "under_65" if age_from < 65 else "65_74" if age_from < 75 else "75"


def _population(municipality: Municipality) -> dict[int, int]:
    """Add the tables of 2009–2017; return each year's population aged 65+."""
    base = list(
        PopulationRecord.objects.filter(municipality=municipality, date=dt.date(LAST_YEAR, 4, 1))
    )
    aged = {LAST_YEAR: sum(c.count for c in base if c.age_from >= 65)}
    if not base:
        return aged
    new = []
    for year in range(FIRST_YEAR, LAST_YEAR):
        steps = LAST_YEAR - year
        for c in base:
            count = round(c.count * BACK[_group(c.age_from)] ** steps)
            new.append(
                PopulationRecord(
                    municipality=municipality,
                    district_id=c.district_id,
                    date=dt.date(year, 4, 1),
                    sex=c.sex,
                    age_from=c.age_from,
                    count=count,
                )
            )
            if c.age_from >= 65:
                aged[year] = aged.get(year, 0) + count
    PopulationRecord.objects.bulk_create(new, batch_size=2000)
    return aged


def _period(year: int) -> int:
    return (year - 2000) // 3 + 1


@transaction.atomic
def build(municipality: Municipality, seed: int) -> None:
    """Add this module's demo data unless it is there already (idempotent)."""
    if InsuranceYear.objects.filter(municipality=municipality).exists():
        return
    aged = _population(municipality)
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        insured = aged.get(year) or aged[LAST_YEAR]
        certified = round(insured * RATES[year] / 100)
        levels = [round(certified * s) for s in LEVEL_SHARES]
        levels[2] += certified - sum(levels)  # the rounding's remainder to 要介護1
        InsuranceYear.objects.create(
            municipality=municipality,
            fiscal_year=year,
            insured_65=insured,
            support_1=levels[0],
            support_2=levels[1],
            care_1=levels[2],
            care_2=levels[3],
            care_3=levels[4],
            care_4=levels[5],
            care_5=levels[6],
            benefit_cost=certified * (COST_PER_CERTIFIED + 12_000 * (year - FIRST_YEAR)),
            premium_monthly=PREMIUMS[_period(year)],
        )
    CenterProfile.objects.get_or_create(municipality=municipality, defaults={"direct": 2})
