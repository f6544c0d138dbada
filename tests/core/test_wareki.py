"""和暦: known dates, refused dates, fiscal years and round-trip properties."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiiki.core.wareki import (
    ERAS,
    WarekiError,
    YearMonth,
    display,
    era_of,
    fiscal_year,
    format_fiscal_year,
    parse,
    parse_date,
    parse_year_month,
    to_iso,
    to_wareki,
)

_FULL_WIDTH = str.maketrans(
    {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}  # ASCII to full-width forms
)


# --- known values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平成30年4月", YearMonth(2018, 4)),
        ("H30.4", YearMonth(2018, 4)),
        ("h30/4", YearMonth(2018, 4)),
        ("H30-04", YearMonth(2018, 4)),
        ("平成３０年４月", YearMonth(2018, 4)),
        ("Ｈ３０．４", YearMonth(2018, 4)),
        ("㍻30年4月", YearMonth(2018, 4)),
        ("平成 30 年 4 月", YearMonth(2018, 4)),
        ("2018-04", YearMonth(2018, 4)),
        ("2018/4", YearMonth(2018, 4)),
        ("2018年4月", YearMonth(2018, 4)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("R1.5.1", date(2019, 5, 1)),
        ("r1.5.1", date(2019, 5, 1)),
        ("R01.05.01", date(2019, 5, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("Ｒ１．５．１", date(2019, 5, 1)),
        ("令和元年５月１日", date(2019, 5, 1)),
        ("　令和元年5月1日　", date(2019, 5, 1)),
        ("R1年5月1日", date(2019, 5, 1)),
        ("2019-05-01", date(2019, 5, 1)),
        ("2019/5/1", date(2019, 5, 1)),
        ("2019年5月1日", date(2019, 5, 1)),
        ("２０１９－０５－０１", date(2019, 5, 1)),
        ("S20.8.15", date(1945, 8, 15)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("M45.7.29", date(1912, 7, 29)),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("明治元年1月25日", date(1868, 1, 25)),
    ],
)
def test_it_reads_wareki_and_iso_text_in_every_accepted_form(text, expected):
    assert parse(text) == expected


def test_it_accepts_heisei_31_april_30_the_last_day_of_the_era():
    assert parse("平成31年4月30日") == date(2019, 4, 30)


def test_it_accepts_showa_64_january_7_the_last_day_of_the_era():
    assert parse("昭和64年1月7日") == date(1989, 1, 7)


def test_it_accepts_heisei_gannen_january_8_the_first_day_of_the_era():
    assert parse("平成元年1月8日") == date(1989, 1, 8)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平成31年4月", YearMonth(2019, 4)),
        ("令和元年5月", YearMonth(2019, 5)),
        ("昭和64年1月", YearMonth(1989, 1)),
        ("平成元年1月", YearMonth(1989, 1)),
        ("明治元年1月", YearMonth(1868, 1)),
    ],
)
def test_it_accepts_a_month_if_any_of_its_days_lies_in_the_era(text, expected):
    assert parse(text) == expected


def test_it_refuses_heisei_31_may_because_the_era_had_ended():
    with pytest.raises(
        WarekiError, match=r"平成31年5月1日は存在しません（平成は2019年4月30日まで）"
    ):
        parse("平成31年5月1日")


def test_it_refuses_heisei_31_may_without_a_day_because_no_day_of_it_is_in_heisei():
    with pytest.raises(WarekiError, match=r"平成31年5月は存在しません（平成は2019年4月30日まで）"):
        parse("H31.5")


def test_it_refuses_reiwa_gannen_april_because_no_day_of_it_is_in_reiwa():
    with pytest.raises(WarekiError, match=r"令和元年4月は存在しません（令和は2019年5月1日から）"):
        parse("令和元年4月")


def test_it_refuses_showa_64_january_8_because_heisei_had_begun():
    with pytest.raises(
        WarekiError, match=r"昭和64年1月8日は存在しません（昭和は1989年1月7日まで）"
    ):
        parse("昭和64年1月8日")


def test_it_refuses_reiwa_1_april_30_because_the_era_had_not_begun():
    with pytest.raises(
        WarekiError, match=r"令和元年4月30日は存在しません（令和は2019年5月1日から）"
    ):
        parse("令和1年4月30日")


def test_it_refuses_heisei_gannen_january_7_because_the_era_had_not_begun():
    with pytest.raises(
        WarekiError, match=r"平成元年1月7日は存在しません（平成は1989年1月8日から）"
    ):
        parse("H1.1.7")


def test_it_refuses_february_30_and_says_how_long_february_was():
    with pytest.raises(WarekiError, match=r"平成30年2月30日は存在しません（2018年2月は28日まで）"):
        parse("平成30年2月30日")
    with pytest.raises(WarekiError, match=r"2020年2月30日は存在しません（2020年2月は29日まで）"):
        parse("2020-02-30")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("平成30年13月", "月は1から12まで"),
        ("2018-00", "月は1から12まで"),
        ("令和元年5月0日", "2019年5月は31日まで"),
        ("平成0年4月", "平成は元年から始まります"),
        ("平成30年", "月がありません"),
        ("2018", "日付として読めません"),
        ("X30.4", "日付として読めません"),
        ("R1.5/1", "日付として読めません"),
        ("平成三十年四月", "日付として読めません"),
        ("", "日付が入力されていません"),
        ("   ", "日付が入力されていません"),
    ],
)
def test_it_refuses_text_that_is_not_a_date_with_a_japanese_reason(text, message):
    with pytest.raises(WarekiError, match=message):
        parse(text)


def test_its_error_is_a_value_error():
    assert issubclass(WarekiError, ValueError)


def test_parse_date_requires_a_day():
    assert parse_date("R1.5.1") == date(2019, 5, 1)
    with pytest.raises(WarekiError, match="日がありません"):
        parse_date("平成30年4月")


def test_parse_year_month_drops_the_day_of_a_full_date():
    assert parse_year_month("平成30年4月") == YearMonth(2018, 4)
    assert parse_year_month("令和元年5月1日") == YearMonth(2019, 5)


def test_to_iso_writes_months_and_dates():
    assert to_iso("平成30年4月") == "2018-04"
    assert to_iso("R1.5.1") == "2019-05-01"
    assert YearMonth(2018, 4).iso() == "2018-04"


@pytest.mark.parametrize(
    ("value", "long", "short"),
    [
        (date(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
        (date(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
        (date(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
        (date(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
        (YearMonth(2018, 4), "平成30年4月", "H30.4"),
        (YearMonth(2019, 4), "平成31年4月", "H31.4"),
        (YearMonth(2019, 5), "令和元年5月", "R1.5"),
        (YearMonth(1989, 1), "昭和64年1月", "S64.1"),
        (YearMonth(1868, 1), "明治元年1月", "M1.1"),
    ],
)
def test_it_writes_wareki_in_long_and_short_style(value, long, short):
    assert to_wareki(value) == long
    assert to_wareki(value, style="short") == short


def test_it_refuses_to_write_days_before_meiji():
    with pytest.raises(WarekiError, match="明治より前"):
        to_wareki(date(1868, 1, 24))
    with pytest.raises(WarekiError, match="明治より前"):
        to_wareki(YearMonth(1867, 12))


def test_it_refuses_an_unknown_style():
    with pytest.raises(ValueError, match="style"):
        to_wareki(date(2019, 5, 1), style="medium")


def test_era_of_names_the_era_with_its_boundaries():
    heisei = era_of(date(2019, 4, 30))
    assert (heisei.name, heisei.abbr) == ("平成", "H")
    assert (heisei.start, heisei.end) == (date(1989, 1, 8), date(2019, 4, 30))
    reiwa = era_of(date(2019, 5, 1))
    assert (reiwa.name, reiwa.abbr, reiwa.end) == ("令和", "R", None)


def test_the_eras_follow_one_another_without_gaps():
    for earlier, later in itertools.pairwise(ERAS):
        assert earlier.end is not None
        assert (later.start - earlier.end).days == 1


# --- fiscal years ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2019, 3, 31), 2018),
        (date(2019, 4, 1), 2019),
        (date(2019, 12, 31), 2019),
        (date(2020, 1, 1), 2019),
    ],
)
def test_the_fiscal_year_runs_from_april_to_march(day, expected):
    assert fiscal_year(day) == expected


def test_the_fiscal_year_of_a_month():
    assert fiscal_year(YearMonth(2019, 3)) == 2018
    assert fiscal_year(YearMonth(2019, 4)) == 2019


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2018, "平成30年度"),
        (2019, "令和元年度"),
        (2020, "令和2年度"),
        (1988, "昭和63年度"),
        (1989, "平成元年度"),
        (1926, "大正15年度"),
        (1868, "明治元年度"),
    ],
)
def test_it_names_a_fiscal_year_after_the_era_covering_most_of_it(year, expected):
    assert format_fiscal_year(year) == expected


def test_it_refuses_fiscal_years_before_meiji():
    with pytest.raises(WarekiError, match="1867年度"):
        format_fiscal_year(1867)


# --- properties -----------------------------------------------------------------------------

_DAYS = st.dates(min_value=date(1927, 1, 1), max_value=date(2100, 12, 31))
_MONTHS = st.builds(
    YearMonth, st.integers(min_value=1868, max_value=2100), st.integers(min_value=1, max_value=12)
)


@given(_DAYS, st.sampled_from(["long", "short"]))
def test_every_date_survives_a_round_trip_through_wareki(day, style):
    assert parse(to_wareki(day, style=style)) == day


@given(_DAYS)
def test_every_date_survives_a_round_trip_through_full_width_wareki(day):
    assert parse(to_wareki(day).translate(_FULL_WIDTH)) == day
    assert parse(to_wareki(day, style="short").translate(_FULL_WIDTH)) == day


@given(_MONTHS, st.sampled_from(["long", "short"]))
def test_every_month_survives_a_round_trip_through_wareki(month, style):
    assert parse(to_wareki(month, style=style)) == month


@given(_DAYS)
def test_the_era_year_is_at_least_one(day):
    era = era_of(day)
    assert era.contains(day)
    assert era.year_of(day.year) >= 1
    short = re.fullmatch(r"([MTSHR])(\d+)\.\d+\.\d+", to_wareki(day, style="short"))
    assert short is not None
    assert short[1] == era.abbr
    assert int(short[2]) >= 1


@given(_DAYS)
def test_the_iso_text_of_a_wareki_date_is_the_date(day):
    assert to_iso(to_wareki(day)) == day.isoformat()


@given(_DAYS)
def test_a_day_lies_in_the_fiscal_year_it_is_given(day):
    year = fiscal_year(day)
    assert date(year, 4, 1) <= day <= date(year + 1, 3, 31)
    assert format_fiscal_year(year).endswith("年度")


def test_display_writes_wareki_and_falls_back_to_iso_before_meiji():
    assert display(date(2019, 5, 1)) == "令和元年5月1日"
    assert display(date(2019, 5, 1), style="short") == "R1.5.1"
    assert display(date(952, 3, 18)) == "0952-03-18"
    assert display(YearMonth(1867, 12)) == "1867-12"
    assert (
        display(date(1868, 1, 24)) == "1868-01-24"
        and display(date(1868, 1, 25)) == "明治元年1月25日"
    )


@given(st.dates())
def test_display_never_raises_for_any_date(day):
    assert display(day) and display(YearMonth.from_date(day))
