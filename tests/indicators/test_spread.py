"""The spread of the guide's structures in a small synthetic town, read from the councils,
mutual-aid and directory records: the progress table by 年度, the districts' since-dates,
and the records counted by a rule of their own."""

from __future__ import annotations

import datetime as dt

import pytest

from chiiki.indicators.selectors.spread import spread_for_user
from chiiki.mutualaid import services as aid_services
from chiiki.people.models import Volunteer
from tests.conftest import make_person
from tests.indicators.spread_world import ON, build_councils, build_kayoi, build_town
from tests.mutualaid.conftest import WEEK


@pytest.fixture
def world(town, personas):
    return build_town(town, personas)


def counts(found, key):
    return {r.year: r.counts[key] for r in found.years}


def test_the_councils_column_counts_second_and_third_layer_bodies(world, town, personas):
    found = spread_for_user(user=personas["officer"], on=ON)
    # The first span's year: 北部 (2017-04); the 第1層 body (2016) reaches no district.
    assert found.years[0].year == 2017
    assert counts(found, "council") == {
        2017: 2,  # 北部 (第2層) covers 須佐 and 田万川
        2018: 3,  # + 福栄 (第3層)
        2019: 4,  # + 旭
        2020: 3,  # 福栄 dissolved on 2020-04-01
        2021: 3,
    }


def test_the_mutual_aid_column_counts_the_service_and_its_volunteers_districts(world, personas):
    found = spread_for_user(user=personas["officer"], on=ON, since=2018)
    # 旭 (its own) and 福栄 (its volunteers'); the stopped 田万川支援隊 in no year.
    assert counts(found, "mutualaid") == {2018: 0, 2019: 2, 2020: 2, 2021: 2}
    assert found.gaps.stopped_aid == ["田万川支援隊"]


def test_the_kayoi_column_counts_weekly_gathering_places_only(world, personas):
    found = spread_for_user(user=personas["officer"], on=ON, since=2017)
    # 須佐 from 2018-10; 福栄 2019-04 to 2021-03-30, so not on 2020年度's last day;
    # 田万川 undated: this year only.
    assert counts(found, "kayoi") == {2017: 0, 2018: 1, 2019: 2, 2020: 1, 2021: 2}
    gaps = found.gaps
    assert gaps.undated_kayoi == ["田万川いきいきサロン"]
    assert gaps.stopped_kayoi == ["旧須佐サロン"]
    assert gaps.kayoi_without_district == ["出張サロン"]
    assert gaps.not_weekly_kayoi == 1  # 旭おしゃべり会, twice a month
    assert found.recorded["kayoi"] == 6  # the 体操 is not a gathering place


def test_all_three_and_the_districts_since_dates(world, town, personas):
    found = spread_for_user(user=personas["officer"], on=ON)
    assert {r.year: r.all_three for r in found.years}[2019] == 1  # 福栄
    assert found.years[-1].all_three == 0  # 福栄 lost its body and its place
    rows = {r.district: r for r in found.rows}
    assert rows[town.n1.pk].since == {
        "council": dt.date(2017, 4, 1),
        "kayoi": dt.date(2018, 10, 2),
    }
    assert rows[town.n2.pk].undated == {"council": False, "kayoi": True}
    assert rows[town.s2.pk].since == {"mutualaid": dt.date(2019, 4, 1)}


def test_a_job_done_in_a_district_counts_from_its_day_after_volunteers_leave_it(town, personas):
    officer = personas["officer"]
    aid = build_town(town, personas)[0]
    resident = make_person(town.s2, care_level="support_1")
    req = aid_services.request_create(
        user=officer,
        service=aid.service,
        person=resident,
        task="weeding",
        week=WEEK,
        preferred_slots=[0],
        estimated_minutes=30,
    )
    aid_services.matching_run(municipality=town.municipality, week=WEEK, user=officer)
    aid_services.proposal_confirm(user=officer, request_id=req.pk)
    aid_services.request_done(
        user=officer, request_id=req.pk, actual_minutes=30, done_on=dt.date(2019, 6, 3)
    )
    p = aid.hanako.mutualaid_profile
    aid_services.volunteer_profile_save(
        volunteer=aid.hanako,
        service=aid.service,
        skills=p.skills,
        tools=p.tools,
        districts=[town.s1],
        availability=p.availability,
    )
    # 次郎 (福栄) stops; no service ends a volunteer, the flag is all the records hold.
    Volunteer.objects.filter(pk=aid.jiro.pk).update(active=False)
    found = spread_for_user(user=officer, on=ON)
    rows = {r.district: r for r in found.rows}
    assert rows[town.s2.pk].since["mutualaid"] == dt.date(2019, 6, 3)
    assert found.gaps.inactive_volunteers == 1


def test_a_town_with_nothing_recorded_says_so(town, personas):
    found = spread_for_user(user=personas["officer"], on=ON)
    assert [r.year for r in found.years] == [2021]
    assert found.recorded == {"council": 0, "mutualaid": 0, "kayoi": 0}


def test_another_municipalitys_records_are_not_counted(town, other_town, personas):
    build_councils(town, personas["officer"])
    build_kayoi(town, personas["officer"])
    found = spread_for_user(user=personas["outsider"], on=ON)
    assert len(found.districts) == 1
    assert found.recorded == {"council": 0, "mutualaid": 0, "kayoi": 0}


def test_the_selector_runs_a_fixed_number_of_queries(
    world, personas, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        spread_for_user(user=personas["officer"], on=ON)
