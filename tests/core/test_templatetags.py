"""The wareki and age filters never raise for a date a page may show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from chiiki.core.templatetags.chiiki import age, wareki


def test_a_date_before_meiji_shows_as_its_iso_date_instead_of_raising():
    assert wareki(dt.date(952, 3, 18)) == "0952-03-18"
    assert wareki(dt.date(952, 3, 18), "month") == "0952-03"
    assert wareki(dt.date(952, 3, 18), "short") == "0952-03-18"


def test_a_date_in_an_era_is_written_in_wareki():
    assert wareki(dt.date(1952, 3, 18)) == "昭和27年3月18日"
    assert wareki(dt.date(2019, 5, 1), "month") == "令和元年5月"


def test_an_aware_datetime_shows_as_its_date_in_tokyo_and_odd_values_pass_through():
    utc_evening = dt.datetime(2019, 4, 30, 16, 0, tzinfo=dt.UTC)  # 01:00 on 1 May in Tokyo
    assert wareki(utc_evening) == "令和元年5月1日"
    assert wareki(None) == "" and wareki("") == "" and wareki("不明") == "不明"
    assert wareki(dt.date(2019, 5, 1), "no-such-style") == "令和元年5月1日"


def test_a_future_birth_date_gives_no_age_rather_than_a_negative_one():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert age(tomorrow) == ""
    assert age(timezone.localdate()) == "0歳"
    assert age(None) == ""


@given(st.dates())
def test_no_date_makes_the_filters_raise(day):
    assert isinstance(wareki(day), str) and isinstance(wareki(day, "month"), str)
    assert isinstance(age(day), str)
