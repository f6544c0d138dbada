"""The participation rate of those aged 65+: distinct participants over the population,
by district and fiscal year, on a town small enough to check by hand."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from chiiki.indicators import participation as engine
from chiiki.indicators.selectors.participation import participation_by_district
from tests.indicators.participation_world import (
    CODE,
    COUNT_HEADER,
    COUNT_ROWS,
    PERSON_ROWS,
    build_world,
    run,
    write,
)


@pytest.fixture
def world(town, personas, other_town, tmp_path, command_keeps_connection):
    w = build_world(town, personas, other_town)
    run(write(tmp_path, PERSON_ROWS))
    run(write(tmp_path, COUNT_ROWS, header=COUNT_HEADER, name="counts.csv"))
    return w


def by_name(table):
    return {r.district: r for r in table.rows}


def test_the_rate_is_distinct_participants_aged_65_over_the_population_aged_65(world):
    table = participation_by_district(municipality=world.town.municipality, fiscal_year=2024)
    rows = by_name(table)
    # 須佐: A, B (65 on 2025-03-31) and D (moved out after attending) of 10 in the table; C is 64
    suza = rows["須佐"]
    assert (suza.participants_65, suza.participants, suza.population_65) == (3, 4, 10)
    assert (suza.rate, suza.population_source, suza.attendances) == (
        Decimal("30.0"),
        "population",
        5,
    )
    # 旭: E of 20; the headcounts add 20 attendances but no participant
    asahi = rows["旭"]
    assert (asahi.participants_65, asahi.population_65, asahi.rate) == (1, 20, Decimal("5.0"))
    assert (asahi.attendances, asahi.counted_attendances, asahi.counted_65) == (21, 20, 10)
    # 田万川 has no table cells: the register's two people aged 65+
    tamagawa = rows["田万川"]
    assert (tamagawa.population_65, tamagawa.population_source, tamagawa.rate) == (
        2,
        "register",
        Decimal("0.0"),
    )
    assert rows["福栄"].rate is None  # nobody lives there
    total = table.total
    assert (total.participants_65, total.population_65, total.rate) == (4, 32, Decimal("12.5"))
    assert (total.attendances, total.places) == (26, 2)
    assert table.population_date == dt.date(2025, 1, 1)  # the latest table within the year
    assert any("田万川、福栄" in n and "住民記録" in n for n in table.notes)
    assert "12.5%" in table.summary() and "須佐が30.0%で最も高く" in table.summary()


def test_another_year_counts_nothing_of_this_one(world):
    table = participation_by_district(municipality=world.town.municipality, fiscal_year=2025)
    assert table.total.attendances == 0
    assert table.population_date == dt.date(2025, 4, 1)
    assert "記録はありません" in table.summary()


def test_a_place_that_is_no_longer_a_gathering_place_drops_out(world, personas):
    from chiiki.resources import services as resources

    resources.service_update(user=personas["officer"], service=world.taiso, categories=["taiso"])
    table = participation_by_district(municipality=world.town.municipality, fiscal_year=2024)
    assert (table.total.participants_65, table.total.attendances) == (3, 5)


def test_the_rate_command_prints_the_table_as_json(world):
    out = io.StringIO()
    call_command(
        "indicators", "attendance", "rate", "--year", "2024", "--municipality", CODE,
        "--format", "json", stdout=out,
    )  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["total"]["rate"] == 12.5
    assert [d["district"] for d in data["districts"]] == ["須佐", "田万川", "旭", "福栄"]
    assert data["population_date"] == "2025-01-01"


def test_the_reference_day_and_the_age_line():
    assert engine.year_span(2024) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert engine.born_by(2024) == dt.date(1960, 3, 31)
    assert engine.rate(1, 3) == Decimal("33.3") and engine.rate(1, 8) == Decimal("12.5")
    assert engine.rate(0, 0) is None


def test_without_any_table_every_district_uses_the_register():
    figures = [
        engine.DistrictFigures(1, "甲", "北", participants_65=1, register_65=4),
        engine.DistrictFigures(2, "乙", "北", participants_65=1, register_65=6),
    ]
    table = engine.build(
        fiscal_year=2024, districts=figures, population_date=None, municipality_table_65=None
    )
    assert [r.rate for r in table.rows] == [Decimal("25.0"), Decimal("16.7")]
    assert (table.total.population_65, table.total.rate, table.total.population_source) == (
        10,
        Decimal("20.0"),
        "register",
    )
    assert any("すべての地区" in n for n in table.notes)


@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 500)), min_size=1, max_size=8))
def test_the_total_is_the_sum_of_the_districts(pairs):
    figures = [
        engine.DistrictFigures(i + 1, f"d{i}", "", participants_65=min(p, n), table_65=n)
        for i, (p, n) in enumerate(pairs)
    ]
    table = engine.build(
        fiscal_year=2024, districts=figures, population_date=None, municipality_table_65=None
    )
    assert table.total.participants_65 == sum(r.participants_65 for r in table.rows)
    assert table.total.population_65 == sum(r.population_65 for r in table.rows)
    for r in [*table.rows, table.total]:
        assert r.rate is None or Decimal(0) <= r.rate <= Decimal(100)


def test_the_dashboard_shows_the_rate_of_the_municipality_and_of_an_area(world, personas):
    from chiiki.indicators.selectors import dashboard as board

    m = world.town.municipality
    areas = {a.key: a for a in board.areas_of(m)}
    whole = board.places_section(m, areas["m"])
    assert whole.rows == [[2024, 4, 32, Decimal("12.5"), 26]]
    assert "2024年度に参加した65歳以上の人は4人で、65歳以上人口の12.5%" in whole.summary
    north = board.places_section(m, areas[f"l{world.town.north.pk}"])
    # 須佐 3 of 10 and 田万川 0 of 2 (its register): 3 of 12
    assert north.rows == [[2024, 3, 12, Decimal("25.0"), 5]]
