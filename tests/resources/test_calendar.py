"""The calendar engine: the guide's café calendar day by day, rules, holidays, closures."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiiki.resources.calendar import (
    WEEKDAYS,
    Closure,
    Event,
    Hours,
    Opening,
    Rule,
    ScheduleError,
    Timetable,
    days_between,
    expand,
    expand_with_dateutil,
    holiday_name,
    month_days,
    open_dates,
    preview,
)

T = dt.time


def cafe() -> Timetable:
    """国東市のカフェ (guide, 「2019年 1月 … カフェ カレンダー」) as the guide prints it.

    週4日開催 (Tue, Wed, Fri, Sat 8:00~12:00); Thursday is the meal gathering day with the
    mobile shop at 11:45 (on the fifth Thursday, 1/31, 送迎あり and the mobile shop);
    closed Sunday and Monday, 元日 and the new-year days 1/2–1/5, 成人の日; on Sunday 1/20
    a special opening 13:00~15:00 with コーヒー from 6:30.
    """
    weekly = Rule("WEEKLY", ("TU", "WE", "FR", "SA"))
    return Timetable(
        openings=(
            Opening(weekly, Hours(T(8), T(12))),
            Opening(Rule(None, dtstart=dt.date(2019, 1, 20)), Hours(T(13), T(15))),
        ),
        events=(
            Event(Rule("MONTHLY", ("1TH", "2TH", "3TH", "4TH")), "★食事会（健康の話し会）"),
            Event(Rule(None, dtstart=dt.date(2019, 1, 31)), "★送迎あり"),
            Event(Rule("WEEKLY", ("TH",)), "★出張販売", start=T(11, 45)),
            Event(Rule(None, dtstart=dt.date(2019, 1, 20)), "コーヒー", start=T(6, 30)),
        ),
        closures=(
            Closure(dt.date(2018, 12, 31), dt.date(2018, 12, 31), "年末休業"),
            Closure(dt.date(2019, 1, 2), dt.date(2019, 1, 5), "年始休業"),
        ),
        closed_on_holidays=True,
    )


# The guide's calendar, cell by cell: date -> (open, reason, hours, events).
AM = (("08:00", "12:00"),)
MEAL = (("★食事会（健康の話し会）", None), ("★出張販売", "11:45"))
GUIDE_JANUARY_2019: dict[int, tuple[bool, str | None, tuple, tuple]] = {
    1: (False, "元日", (), ()),
    **{d: (False, "年始休業", (), ()) for d in (2, 3, 4, 5)},
    **{d: (False, "定休日", (), ()) for d in (6, 7, 13, 21, 27, 28)},
    14: (False, "成人の日", (), ()),
    **{d: (True, None, AM, ()) for d in (8, 9, 11, 12, 15, 16, 18, 19, 22, 23, 25, 26, 29, 30)},
    **{d: (True, None, (), MEAL) for d in (10, 17, 24)},
    20: (True, None, (("13:00", "15:00"),), (("コーヒー", "06:30"),)),
    31: (True, None, (), (("★送迎あり", None), ("★出張販売", "11:45"))),
}


def test_the_guides_cafe_calendar_for_january_2019_is_rebuilt_day_by_day():
    days = month_days(cafe(), 2019, 1)
    assert [d.date.day for d in days] == list(range(1, 32))
    for day in days:
        is_open, reason, hours, events = GUIDE_JANUARY_2019[day.date.day]
        assert (day.open, day.reason, day.hours) == (is_open, reason, hours), day.date
        assert tuple((e.title, e.start) for e in day.events) == events, day.date


def test_the_cafe_is_open_four_days_a_week_and_closed_on_new_years_eve():
    days = days_between(cafe(), dt.date(2018, 12, 31), dt.date(2019, 1, 1))
    assert [(d.open, d.reason) for d in days] == [(False, "年末休業"), (False, "元日")]
    weeks = open_dates(cafe(), dt.date(2019, 1, 21), dt.date(2019, 1, 27))
    assert sorted(d.day for d in weeks) == [22, 23, 25, 26]


def test_a_day_renders_as_the_json_contract():
    day = month_days(cafe(), 2019, 1)[7]
    assert day.as_dict() == {
        "date": "2019-01-08",
        "open": True,
        "reason": None,
        "hours": [["08:00", "12:00"]],
        "events": [],
    }


def test_public_holidays_include_substitute_and_special_ones():
    assert holiday_name(dt.date(2019, 1, 1)) == "元日"
    assert holiday_name(dt.date(2019, 5, 6)) == "振替休日"  # こどもの日 on a Sunday
    assert holiday_name(dt.date(2019, 10, 22)) is not None  # 即位礼正殿の儀
    assert holiday_name(dt.date(2019, 1, 8)) is None


def test_a_service_may_stay_open_on_public_holidays():
    open_monday = Timetable(openings=(Opening(Rule("WEEKLY", ("MO",)), Hours(T(9), T(11))),))
    assert month_days(open_monday, 2019, 1)[13].reason == "成人の日"
    stays = Timetable(openings=open_monday.openings, closed_on_holidays=False)
    assert month_days(stays, 2019, 1)[13].open is True


def test_the_year_end_days_close_a_service_that_keeps_them():
    daily = Rule("WEEKLY", WEEKDAYS)
    t = Timetable(openings=(Opening(daily, Hours(T(9), T(17))),), closed_year_end=True)
    days = days_between(t, dt.date(2019, 12, 28), dt.date(2020, 1, 4))
    assert [d.open for d in days] == [True, False, False, False, False, False, False, True]
    assert days[1].reason == "年末年始休業" and days[4].reason == "元日"


def test_the_second_and_fourth_tuesday_and_the_last_friday():
    rule = Rule("MONTHLY", ("2TU", "4TU", "-1FR"))
    got = sorted(expand(rule, dt.date(2019, 1, 1), dt.date(2019, 2, 28)))
    assert got == [
        dt.date(2019, 1, 8),
        dt.date(2019, 1, 22),
        dt.date(2019, 1, 25),
        dt.date(2019, 2, 12),
        dt.date(2019, 2, 22),
        dt.date(2019, 2, 26),
    ]


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Hours(T(12), T(8)), "closes_at"),
        (lambda: Rule("DAILY", ("MO",)), "freq"),
        (lambda: Rule("WEEKLY", ("XX",)), "byday"),
        (lambda: Rule("WEEKLY", ("2TU",)), "byday"),
        (lambda: Rule("MONTHLY", (), (32,)), "bymonthday"),
        (lambda: Rule("WEEKLY", ()), "byday"),
    ],
)
def test_impossible_rules_are_refused_naming_the_field(make, field):
    with pytest.raises(ScheduleError) as info:
        make()
    assert info.value.field == field


rules = st.builds(
    Rule,
    freq=st.sampled_from(["WEEKLY", "MONTHLY"]),
    byday=st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=3, unique=True).map(tuple),
    interval=st.integers(1, 3),
    dtstart=st.dates(dt.date(2018, 1, 1), dt.date(2020, 12, 31)),
)
nth_rules = st.builds(
    Rule,
    freq=st.just("MONTHLY"),
    byday=st.lists(
        st.tuples(st.sampled_from([1, 2, 3, 4, -1]), st.sampled_from(WEEKDAYS)).map(
            lambda p: f"{p[0]}{p[1]}"
        ),
        min_size=1,
        max_size=2,
        unique=True,
    ).map(tuple),
    interval=st.integers(1, 2),
    dtstart=st.dates(dt.date(2018, 1, 1), dt.date(2019, 12, 31)).map(lambda d: d.replace(day=1)),
)


monthday_rules = st.builds(
    Rule,
    freq=st.just("MONTHLY"),
    bymonthday=st.lists(st.integers(1, 31), min_size=1, max_size=2, unique=True).map(tuple),
    dtstart=st.dates(dt.date(2018, 1, 1), dt.date(2019, 12, 31)).map(lambda d: d.replace(day=1)),
)


@settings(max_examples=150, deadline=None)
@given(
    rule=st.one_of(rules, nth_rules, monthday_rules),
    start=st.dates(dt.date(2019, 1, 1), dt.date(2021, 1, 1)),
)
def test_the_fast_expansion_agrees_with_dateutil(rule, start):
    end = start + dt.timedelta(days=200)
    assert sorted(expand(rule, start, end)) == expand_with_dateutil(rule, start, end)


@settings(max_examples=60, deadline=None)
@given(rule=rules, month=st.integers(1, 12))
def test_a_month_has_one_day_per_date_and_closed_days_have_no_hours(rule, month):
    t = Timetable(openings=(Opening(rule, Hours(T(9), T(12))),), closed_year_end=True)
    days = month_days(t, 2019, month)
    assert len({d.date for d in days}) == len(days)
    for d in days:
        assert d.open == bool(d.hours or d.events)
        assert (d.reason is None) == d.open


def test_a_preview_shows_a_rules_next_dates_and_what_a_closure_takes_away():
    mondays = Opening(Rule("WEEKLY", ("MO",)), Hours(T(9), T(11)))
    base = Timetable(
        openings=(mondays,), closures=(Closure(dt.date(2025, 2, 3), dt.date(2025, 2, 3), "点検"),)
    )
    # 2025-01-13 成人の日 and the 2/3 closure take two Mondays; the grid starts on Monday 1/6.
    tuesdays = Timetable(openings=(Opening(Rule("WEEKLY", ("MO", "TU")), Hours(T(13), T(15))),))
    got = preview(base, tuesdays, dt.date(2025, 1, 8), weeks=2, limit=4)
    assert [d.date.day for d in got.upcoming] == [14, 20, 21, 27]
    assert [(d.date.day, d.reason) for d in got.skipped] == [(13, "成人の日")]
    assert len(got.weeks) == 2 and got.weeks[0][0].date == dt.date(2025, 1, 6)
    assert got.weeks[0][0].hours == (("09:00", "11:00"), ("13:00", "15:00"))
    assert (got.previous, got.next) == (dt.date(2024, 12, 25), dt.date(2025, 1, 22))
    closure = Timetable(closures=(Closure(dt.date(2025, 1, 20), dt.date(2025, 1, 31), "改修"),))
    taken = preview(base, closure, dt.date(2025, 1, 20))
    assert [d.date.day for d in taken.skipped] == [20, 27] and taken.upcoming == ()
