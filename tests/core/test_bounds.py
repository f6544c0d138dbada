"""The ranges every stored value lies in, and what each says when a value lies outside."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiiki.core import bounds


def test_a_population_count_of_two_to_the_63_is_out_of_range_and_says_what_is_expected():
    with pytest.raises(bounds.OutOfRange, match=r"人数は0以上10,000,000以下の整数（人）です"):
        bounds.PEOPLE.check(9223372036854775807, "人数")


@pytest.mark.parametrize(
    ("bounds_", "inside", "outside"),
    [
        (bounds.PEOPLE, [0, 10_000_000], [-1, 10_000_001]),
        (bounds.MINUTES, [1, 1440], [0, 1441]),
        (bounds.YEN, [0, 100_000_000], [-1, 100_000_001]),
        (bounds.AGE, [0, 130], [-1, 131]),
    ],
)
def test_each_range_holds_its_ends_and_nothing_beyond(bounds_, inside, outside):
    assert all(v in bounds_ for v in inside)
    assert not any(v in bounds_ for v in outside)


def test_a_date_range_refuses_the_year_952_and_names_the_span():
    with pytest.raises(bounds.OutOfRange, match="1900-01-01から2100-12-31までの日付"):
        bounds.DATE.check(dt.date(952, 3, 18), "訪問日")


def test_a_birth_date_of_0952_is_refused_as_a_probable_typo():
    problem = bounds.birth_date_problem(dt.date(952, 3, 18), dt.date(2026, 4, 1))
    assert problem is not None and "1900-01-01以降" in problem and "0952-03-18" in problem


def test_a_birth_date_after_today_is_refused_and_today_is_not():
    today = dt.date(2026, 4, 1)
    assert "今日（2026-04-01）まで" in (bounds.birth_date_problem(dt.date(2026, 4, 2), today) or "")
    assert bounds.birth_date_problem(today, today) is None
    assert bounds.birth_date_problem(dt.date(1900, 1, 1), today) is None


@given(st.dates(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_birth_date_is_accepted_exactly_from_1900_to_today(day, today):
    accepted = bounds.birth_date_problem(day, today) is None
    assert accepted == (dt.date(1900, 1, 1) <= day <= today)
