"""The 介護保険事業状況報告 file: every cell checked, the rules between rows, the fiscal year."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiiki.core import wareki
from chiiki.core.tabular import read_csv_bytes
from chiiki.indicators import insurance_file as f

HEADER = "年度,第1号被保険者数,要支援1,要支援2,要介護1,要介護2,要介護3,要介護4,要介護5,給付費,第1号保険料"


def table(*rows: str, header: str = HEADER):
    return read_csv_bytes(("\n".join([header, *rows]) + "\n").encode("utf-8"))


def faults(*rows: str, header: str = HEADER) -> list[tuple[int, str, str]]:
    with pytest.raises(f.InsuranceFileError) as caught:
        f.read(table(*rows, header=header))
    return [(e.row, e.column, e.expected) for e in caught.value.errors]


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2018", 2018),
        ("２０１８年度", 2018),
        ("平成30年度", 2018),
        ("H30", 2018),
        ("h30年度", 2018),
        ("平成31年度", 2019),
        ("令和元年度", 2019),
        ("R1", 2019),
        ("平成元年度", 1989),
        ("昭和63年度", 1988),
    ],
)
def test_fiscal_years_in_every_form_staff_write(text, year):
    assert f.parse_fiscal_year(text) == year


@pytest.mark.parametrize("text", ["昭和64年度", "平成32年度", "令和0年度", "1899", "去年", ""])
def test_fiscal_years_that_do_not_exist_are_refused(text):
    with pytest.raises(ValueError, match="年度"):
        f.parse_fiscal_year(text)


@given(st.integers(min_value=1990, max_value=2100))
def test_every_fiscal_year_round_trips_through_its_wareki_name(year):
    assert f.parse_fiscal_year(wareki.format_fiscal_year(year)) == year
    assert f.parse_fiscal_year(f"{year}年度") == year


def test_a_good_file_gives_its_years_in_order_with_the_rate_under_100():
    rows = f.read(
        table(
            '平成30年度,"19,977",560,520,840,680,520,480,400,"6,000,000,000",5190',
            "2017,19800,550,510,830,670,510,470,390,5900000000,",
        )
    )
    assert [r.fiscal_year for r in rows] == [2017, 2018]
    assert rows[1].certified_total == 4000
    assert rows[1].premium_monthly == 5190
    assert rows[0].premium_monthly is None
    assert rows[1].benefit_cost == 6_000_000_000


def test_aliases_of_the_report_are_read():
    header = "年度,第1号被保険者,要支援1,要支援2,要介護1,要介護2,要介護3,要介護4,要介護5,保険給付費"
    rows = f.read(table("2018,100,1,1,1,1,1,1,1,1000", header=header))
    assert rows[0].insured_65 == 100


def test_a_year_given_twice_is_refused_with_both_rows():
    got = faults("2018,100,1,1,1,1,1,1,1,1000,", "平成30年度,100,1,1,1,1,1,1,1,1000,")
    assert got == [(3, "年度", "2018年度は2行目にもあります（1年度は1行）")]


def test_negative_counts_and_a_rate_over_100_are_refused_naming_row_and_column():
    got = faults("2018,100,-1,1,1,1,1,1,1,1000,", "2019,10,5,5,5,0,0,0,0,1000,")
    assert got[0][:2] == (2, "要支援1") and "負の数" in got[0][2]
    assert got[1][:2] == (3, "第1号被保険者数") and "100%を超え" in got[1][2]


def test_every_bad_cell_is_reported_at_once():
    got = faults("2018,abc,1,1,1,1,1,1,1,1000,99999999", "令和99年度,1,0,0,0,0,0,0,0,1.5,")
    columns = {(r, c) for r, c, _ in got}
    assert columns == {(2, "第1号被保険者数"), (2, "第1号保険料"), (3, "年度"), (3, "給付費")}


def test_missing_unknown_and_doubled_columns_are_refused_on_the_header_row():
    got = faults("2018,1", header="年度,氏名")
    assert (1, "氏名") in {(r, c) for r, c, _ in got}
    assert {c for r, c, e in got if e == "この列がありません"} >= {"第1号被保険者数", "給付費"}
    got = faults("2018,1,1", header=HEADER + ",保険料")
    assert any("2つあります" in e for _, _, e in got)


def test_a_file_with_no_rows_is_refused():
    assert faults() == [(2, "年度", "データの行がありません")]
