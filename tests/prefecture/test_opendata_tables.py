"""The open-data tables of a municipality and of a prefecture, from the records."""

from __future__ import annotations

import csv
import io

import pytest

from chiiki.core.suppression import lone_hidden
from chiiki.prefecture.opendata import MARK, TOTAL, Grid
from chiiki.prefecture.selectors import opendata as tables
from tests.prefecture import opendata_world


@pytest.fixture
def world(town, personas, other_town, tmp_path):
    return opendata_world.build(town, personas, other_town, tmp_path)


def _by_name(found):
    return {t.name: t for t in found}


def _csv(table):
    from chiiki.prefecture import opendata as engine

    return list(csv.reader(io.StringIO(engine.csv_bytes(table).decode("utf-8-sig"))))


def test_a_municipality_publishes_population_certification_participation_and_survey(world):
    found = _by_name(tables.municipality_tables(world.hagi))
    assert set(found) == {
        "population-by-district",
        "certification-by-year",
        "participation-by-district",
        "survey-risks-by-district",
    }
    population = found["population-by-district"]
    assert [r[2] for r in population.rows] == ["須佐", "旭", "市町村全体"]
    assert population.rows[-1][3] == sum(r[3] for r in population.rows[:-1])
    certification = found["certification-by-year"]
    assert [r[0] for r in certification.rows] == [2023, 2024]
    # 要支援2 of 2024 is 5: hidden, and so is another level of that year (its total is shown)
    assert (1, "要支援2") in certification.hidden
    assert len([c for r, c in certification.hidden if r == 1]) >= 2
    assert not [c for r, c in certification.hidden if r == 0]


def test_participants_under_ten_are_hidden_with_the_rates_made_from_them(world):
    table = _by_name(tables.municipality_tables(world.hagi))["participation-by-district"]
    rows = _csv(table)
    header, body = rows[0], rows[1:]
    people, rate = header.index("参加した65歳以上の人数"), header.index("参加率")
    for i, row in enumerate(body):
        count = table.rows[i][3]
        if 0 < count < 10:
            assert row[people] == MARK and row[rate] == MARK, row
    whole = next(r for r in body if r[2] == "市町村全体")
    assert whole[people] == MARK  # 4 participants in all: a count to hide


def test_the_survey_keeps_its_own_suppression(world):
    table = _by_name(tables.municipality_tables(world.hagi))["survey-risks-by-district"]
    groups = {r[2] for r in table.rows}
    assert "市町村全体" in groups and "須佐" in groups
    for i, row in enumerate(table.rows):
        if (i, "該当率") in table.hidden:
            assert row[6] is None  # the survey app gave no number: nothing to leak


def test_dispatches_are_hidden_from_one_to_nine_with_complements(world):
    pref = world.hagi.prefecture
    table = _by_name(tables.prefecture_tables(pref))["dispatches-by-municipality"]
    rows = _csv(table)
    header = rows[0]
    hagi = next(r for r in rows[1:] if r[1] == opendata_world.HAGI)
    total = next(r for r in rows[1:] if r[2] == "県計")
    assert hagi[header.index("介護予防事業")] == MARK
    assert "3" not in hagi[3:]
    # the row's total or its other cell is hidden too, and so are cells of the column
    assert MARK in (hagi[header.index("地域ケア会議")], hagi[header.index("合計")])
    assert total[header.index("通いの場等")] == "0"
    ids = (world.hagi.pk, world.shimonoseki.pk)
    grid = Grid(ids, ("a", "b"), {(ids[0], "a"): 3, (ids[0], "b"): 25, (ids[1], "a"): 40})
    assert lone_hidden(grid.hidden(), grid.margins()) == []
    assert (TOTAL, TOTAL) not in grid.hidden()


def test_a_prefecture_publishes_each_municipality_as_a_row(world):
    found = _by_name(tables.prefecture_tables(world.hagi.prefecture))
    assert {"aging-by-municipality", "certification-by-municipality"} <= set(found)
    aging = found["aging-by-municipality"]
    assert [r[0] for r in aging.rows] == [opendata_world.SHIMONOSEKI, opendata_world.HAGI]
    shimo = aging.rows[0]
    assert (
        shimo[5] == 7
        and (0, "75歳以上人口") in aging.hidden
        and (0, "75歳以上の割合") in aging.hidden
    )
    visits = found["team-visits-by-municipality"]
    assert [(r[0], r[3]) for r in visits.rows] == [(2024, 1), (2024, 1)]
    seminars = found["seminar-attendance"]
    assert [(r[5], r[-1]) for r in seminars.rows] == [
        (opendata_world.SHIMONOSEKI, 5),
        (opendata_world.HAGI, 2),
    ]
    certification = found["certification-by-municipality"]
    assert [r[2] for r in certification.rows] == [2024, 2024]
    side = found["indicators-by-municipality"]
    assert [r[0] for r in side.rows] == [opendata_world.SHIMONOSEKI, opendata_world.HAGI]


def test_the_side_by_side_table_hides_a_rate_of_fewer_than_ten_participants(db):
    from tests.prefecture.compare_world import kumamoto

    built, viewer = kumamoto(limit=3)
    from chiiki.prefecture.selectors.compare import side_by_side

    side = tables.side_by_side_table(built.prefecture, built.municipalities)
    shown = {r.code: r for r in side_by_side(user=viewer).rows}
    for i, row in enumerate(side.rows):
        count, rate = row[3], row[4]
        if count is not None and 0 < count < 10:
            assert {
                (i, "通いの場の参加率"),
                (i, "通いの場に参加した65歳以上の実人数"),
            } <= side.hidden
        else:
            assert not any(k == i for k, _ in side.hidden)
            assert rate == shown[row[0]].cells["participation"].value
        assert row[5] == shown[row[0]].cells["council"].value
