"""Counting districts per 年度 from the spans of the records: the year's last day, the
day of counting for the year still running, ends exclusive, undated spans this year only."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from chiiki.indicators.spread import Span, by_district, fiscal_year, progress, year_end

ON = dt.date(2021, 9, 1)


def test_the_fiscal_year_runs_april_to_march():
    assert fiscal_year(dt.date(2019, 3, 31)) == 2018
    assert fiscal_year(dt.date(2019, 4, 1)) == 2019
    assert year_end(2019, on=ON) == dt.date(2020, 3, 31)
    assert year_end(2021, on=ON) == ON


def test_a_span_counts_at_the_end_of_each_year_it_covers():
    spans = {
        "council": [
            Span(1, dt.date(2019, 3, 31)),  # the last day of 2018年度: counted in 2018
            Span(2, dt.date(2019, 4, 1), dt.date(2020, 4, 1)),  # ends the day after 2019's end
            Span(3, dt.date(2019, 4, 1), dt.date(2020, 3, 31)),  # gone on 2019's last day
        ],
        "mutualaid": [Span(2, dt.date(2021, 8, 31))],
        "kayoi": [Span(2, None), Span(1, dt.date(2021, 9, 2))],  # undated; tomorrow
    }
    rows = progress(spans, [1, 2, 3], on=ON)
    assert [r.year for r in rows] == [2018, 2019, 2020, 2021]
    assert [r.counts["council"] for r in rows] == [1, 2, 1, 1]
    assert [r.counts["mutualaid"] for r in rows] == [0, 0, 0, 1]
    # The undated place is counted this year only; the one starting tomorrow not yet.
    assert [r.counts["kayoi"] for r in rows] == [0, 0, 0, 1]
    assert [r.all_three for r in rows] == [0, 0, 0, 0]
    assert rows[-1].running and not rows[0].running


def test_a_district_outside_the_list_is_not_counted_and_since_can_start_earlier():
    spans = {"council": [Span(9, dt.date(2020, 5, 1)), Span(1, dt.date(2020, 5, 1))]}
    rows = progress(spans, [1], on=ON, since=2017)
    assert rows[0].year == 2017 and [r.counts["council"] for r in rows] == [0, 0, 0, 1, 1]


def test_with_no_records_the_table_is_the_current_year_at_zero():
    rows = progress({"council": [], "mutualaid": [], "kayoi": []}, [1, 2], on=ON)
    assert [(r.year, r.counts, r.all_three) for r in rows] == [
        (2021, {"council": 0, "mutualaid": 0, "kayoi": 0}, 0)
    ]


def test_by_district_gives_the_start_of_what_covers_it_now():
    spans = {
        "council": [
            Span(1, dt.date(2015, 4, 1), dt.date(2016, 4, 1)),  # gone
            Span(1, dt.date(2018, 6, 1)),
            Span(1, dt.date(2017, 6, 1)),
        ],
        "kayoi": [Span(2, None)],
    }
    rows = by_district(spans, [1, 2, 3], on=ON)
    assert rows[0].since == {"council": dt.date(2017, 6, 1)}
    assert rows[1].since == {"kayoi": None} and rows[1].undated == {"kayoi": True}
    assert rows[2].since == {} and not rows[2].has("council")


dates = st.dates(min_value=dt.date(2010, 1, 1), max_value=dt.date(2025, 12, 31))


@given(st.lists(st.tuples(st.integers(1, 6), dates, st.one_of(st.none(), dates)), max_size=20))
def test_counts_never_exceed_the_districts_and_all_three_never_exceeds_any(raw):
    spans = [Span(d, s, e if e is None or e > s else None) for d, s, e in raw]
    table = {"council": spans, "mutualaid": spans[::2], "kayoi": spans[1::2]}
    for r in progress(table, [1, 2, 3, 4], on=dt.date(2026, 1, 1), since=2010):
        assert all(0 <= n <= 4 for n in r.counts.values())
        assert r.all_three <= min(r.counts.values())
