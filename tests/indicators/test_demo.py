"""The indicators' demo in the synthetic 萩市: the profile the guide prints, the insurer's ten
years in the shape of the guide's chart, a year of gathering places whose participation rate
is the country's, the grant's self-assessment with its evidence and its one flag, and a
second `chiiki demo` that adds nothing."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from importlib import import_module
from itertools import pairwise

from chiiki.areas.models import PopulationRecord
from chiiki.indicators import demo
from chiiki.indicators.grant.selectors import year_of
from chiiki.indicators.models import (
    Attendance,
    AttendanceCount,
    GrantAnswerChoice,
    GrantEvidence,
    InsuranceYear,
    PlaceRegistration,
)
from chiiki.indicators.selectors.dashboard import areas_of, certification_section
from chiiki.indicators.selectors.participation import participation_by_district
from chiiki.indicators.selectors.profile import profile_of
from chiiki.resources.models import Service
from chiiki.web import demo as web_demo

# The modules whose records the indicators read (the surveys and case meetings are not).
STEPS = ("chiiki.resources.demo", "chiiki.mutualaid.demo", "chiiki.councils.demo")
GUIDE_HAGI = (
    "平成30年4月時点で総人口48,234人。うち、65歳以上高齢者人口19,977人(41.4%)、"
    "75歳以上高齢者人口10,766人(22.3%)。第7期1号保険料5,190円。"
    "地域包括支援センターは直営で2カ所設置。"
)


def _figures(municipality) -> tuple[int, ...]:
    return (
        PopulationRecord.objects.filter(municipality=municipality).count(),
        InsuranceYear.objects.filter(municipality=municipality).count(),
        Service.objects.filter(municipality=municipality).count(),
        PlaceRegistration.objects.filter(municipality=municipality).count(),
        Attendance.objects.filter(municipality=municipality).count(),
        AttendanceCount.objects.filter(municipality=municipality).count(),
        GrantEvidence.objects.filter(answer__assessment__municipality=municipality).count(),
    )


def _check_the_profile_and_the_ten_years(municipality) -> None:
    profile = profile_of(municipality=municipality)
    assert profile is not None
    # The guide writes 「第7期1号保険料」 on this page, 「第7期第1号保険料」 on others.
    assert profile.sentence() == GUIDE_HAGI.replace("第7期1号保険料", "第7期第1号保険料")
    section = certification_section(municipality, areas_of(municipality)[0])
    years = [row[0] for row in section.rows]
    rates = [row[-1] for row in section.rows]
    assert years == list(range(demo.FIRST_YEAR, demo.LAST_YEAR + 1))
    peak = rates.index(max(rates))
    assert 0 < peak < len(rates) - 1  # it rises, then falls: the guide's chart
    assert all(a < b for a, b in pairwise(rates[: peak + 1]))
    assert all(a > b for a, b in pairwise(rates[peak:]))


def _check_the_year_of_gathering_places(municipality) -> None:
    table = participation_by_district(municipality=municipality, fiscal_year=demo.FISCAL_YEAR)
    total = table.total
    assert total.population_65 == web_demo.AGED_65  # the guide's April 2018 table
    assert Decimal("5.0") <= total.rate <= Decimal("8.0")  # nationally about 6–7%
    assert all(row.participants_65 > 0 for row in table.rows)
    assert total.counted_attendances > 0  # the headcount-only sheets
    counted = set(AttendanceCount.objects.values_list("place_id", flat=True))
    assert not PlaceRegistration.objects.filter(place_id__in=counted).exists()
    # On a day a place is open, 70–90% of those registered that day come.
    registered = defaultdict(list)
    for reg in PlaceRegistration.objects.filter(municipality=municipality):
        registered[reg.place_id].append(reg)
    came = defaultdict(int)
    for place_id, day in Attendance.objects.values_list("place_id", "day"):
        came[place_id, day] += 1
    expected = sum(sum(1 for r in registered[place_id] if r.covers(day)) for place_id, day in came)
    assert 0.7 <= sum(came.values()) / expected <= 0.9
    # Everyone who came was registered at the place on that day.
    assert all(
        any(r.covers(a.day) for r in registered[a.place_id] if r.person_id == a.person_id)
        for a in Attendance.objects.filter(day__month=10)
    )


def _check_the_self_assessment(municipality) -> None:
    view = year_of(municipality=municipality, fiscal_year=demo.FISCAL_YEAR)
    assert view.assessment is not None and view.catalog.fiscal_year == demo.FISCAL_YEAR
    assert all(row.answer is not None for row in view.rows)
    assert [row.indicator.id for row in view.flagged] == [demo.FLAGGED]
    for row in view.rows:
        assert row.answer is not None
        if row.indicator.id == demo.FLAGGED:
            assert row.answer.answer == GrantAnswerChoice.YES and not row.answer.evidence
        else:
            assert row.answer.evidence, row.indicator.id
            kinds = {e.kind for e in row.answer.evidence}
            assert kinds <= set(row.indicator.evidence)
        assert row.answer.staff == "萩市 介護保険課 田中"


def test_the_demo_indicators_of_hagi(db):
    municipality = web_demo.build(seed=2018)
    for name in STEPS:
        import_module(name).build(municipality, 2018)
    demo.build(municipality, 2018)
    _check_the_profile_and_the_ten_years(municipality)
    _check_the_year_of_gathering_places(municipality)
    _check_the_self_assessment(municipality)
    before = _figures(municipality)
    for name in STEPS:
        import_module(name).build(municipality, 2018)
    demo.build(municipality, 2018)  # a second `chiiki demo` adds nothing
    assert _figures(municipality) == before
