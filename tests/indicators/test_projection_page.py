"""The projection page and command: the municipality's latest table, scenario inputs, charts
with their tables, the CSV, and what happens without a table."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiiki.areas import services as area_services
from chiiki.core.tabular import read_table
from chiiki.indicators import projection as pj
from chiiki.indicators.selectors import projection as selectors
from chiiki.people.models import CareLevel
from tests.conftest import make_person

URL = "/indicators/projection/"


def population_csv(rows: list[tuple[str, str, str, str, int]]) -> bytes:
    lines = ["地区,基準日,性別,年齢階級,人数"] + [",".join(map(str, r)) for r in rows]
    return ("\n".join(lines) + "\n").encode("cp932")


def load(town, rows) -> None:
    table = read_table(population_csv(rows), "pop.csv")
    area_services.population_import(municipality=town.municipality, table=table)


def label(band: int) -> str:
    return "100歳以上" if band == 100 else f"{band}-{band + 4}"


@pytest.fixture
def table(town):
    """An old table (2019) and the latest (2024-04-01) kept by district: 100 people per
    sex and band in 須佐 and 旭 each, so the whole municipality has 200 per cell."""
    load(town, [("須佐", "2019-04-01", "男", "65-69", 999)])
    load(
        town,
        [
            (d, "2024-04-01", s, label(b), 100)
            for d in ("須佐", "旭")
            for s in ("男", "女")
            for b in pj.BANDS
        ],
    )
    return town


def test_the_latest_table_summed_over_the_districts_is_the_base(table):
    base = selectors.latest_population(municipality=table.municipality)
    assert base.date == dt.date(2024, 4, 1) and base.from_districts and base.missing == []
    assert base.pyramid.get("M", 65) == 200 and base.pyramid.total() == 200 * 42


def test_municipality_rows_are_used_when_there_are_no_district_rows(town):
    load(town, [("萩市", "2024-04-01", "女", "80-84", 70), ("萩市", "2024-04-01", "男", "0-4", 5)])
    base = selectors.latest_population(municipality=town.municipality)
    assert not base.from_districts and base.pyramid.total() == 75
    assert 85 in base.missing and 80 not in base.missing


@pytest.mark.parametrize("who", ["officer", "admin", "nurse", "coordinator"])
def test_the_page_shows_charts_tables_and_a_summary(table, personas, client_for, who):
    page = client_for(personas[who]).get(URL, {"reduction": "5", "from_age": "75"})
    assert page.status_code == 200
    html = page.content.decode()
    for part in (
        'id="summary"',
        'id="population-table"',
        'id="care-table"',
        'id="rates-table"',
        'id="population-data"',
        'id="certified-data"',
        "plotly.min.js",
        "2040",
    ):
        assert part in html
    result = page.context["result"]
    assert [r.year for r in result.rows] == [2024, 2025, 2030, 2035, 2040]
    assert "予防で75歳以上の認定率を5%下げると" in html
    assert "全国の生命表（厚生労働省「令和2年 完全生命表」）の形に合わせた値" in html


def test_the_summary_states_the_premium_change_plainly(table, personas, client_for):
    page = client_for(personas["officer"]).get(URL, {"reduction": "10", "premium": "6000"})
    result = page.context["result"]
    last = result.rows[-1]
    text = " ".join(page.context["summary"])
    assert f"今の6,000円に対して、{last.year}年" in text
    assert (
        f"約{round(last.premium):,}円" in text and f"約{round(last.premium_scenario):,}円" in text
    )
    assert last.premium_scenario < last.premium


def test_the_csv_downloads_the_table_formula_safe(table, personas, client_for):
    client = client_for(personas["officer"])
    response = client.get(URL, {"reduction": "5", "download": "summary"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["年", "区分", "総人口"] and len(rows) == 6
    assert rows[1][:3] == ["2024", "基準", str(200 * 42)] and rows[2][1] == "補間"
    bands = client.get(URL, {"download": "bands"})
    band_rows = list(csv.reader(io.StringIO(bands.content.decode("utf-8-sig"))))
    assert band_rows[1] == ["2024", "男", "0〜4歳", "200"] and len(band_rows) == 1 + 5 * 42


def test_without_a_population_table_the_page_says_so(town, personas, client_for):
    page = client_for(personas["officer"]).get(URL)
    assert page.status_code == 200 and 'id="no-population"' in page.content.decode()
    assert client_for(personas["officer"]).get(URL, {"download": "summary"}).status_code == 200


def test_the_outsider_sees_only_their_own_municipality(table, personas, client_for):
    page = client_for(personas["outsider"]).get(URL)
    assert page.status_code == 200 and 'id="no-population"' in page.content.decode()
    assert "萩市" not in page.content.decode()


@pytest.mark.parametrize("who", ["volunteer", "advisor", "pref"])
def test_people_without_the_capability_are_refused(table, personas, client_for, who):
    assert client_for(personas[who]).get(URL).status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"reduction": "150"},
        {"reduction": "-5"},
        {"reduction": "80"},
        {"reduction": "abc"},
        {"from_age": "60"},
        {"cost": "0"},
        {"premium": "-1"},
        {"births": "x"},
    ],
)
def test_bad_scenario_input_is_a_400_naming_the_parameter(table, personas, client_for, params):
    response = client_for(personas["officer"]).get(URL, params)
    assert response.status_code == 400
    assert next(iter(params)) in response.content.decode()


def test_the_municipalitys_own_rates_come_from_the_people_records(table, personas, client_for):
    on = dt.date(2024, 4, 1)
    for _ in range(4):  # aged 85+ on the table's date, certified
        make_person(table.n1, birth_date=dt.date(1930, 5, 1), care_level=CareLevel.CARE_2)
    make_person(table.n1, birth_date=dt.date(1957, 4, 1), care_level=CareLevel.SUPPORT_1)  # 67
    make_person(table.n1, birth_date=dt.date(1957, 4, 2), care_level=CareLevel.SUPPORT_1)  # 66
    make_person(table.s1, birth_date=dt.date(1950, 1, 1), care_level=CareLevel.PROGRAM_ELIGIBLE)
    base = selectors.latest_population(municipality=table.municipality)
    own = selectors.register_rates(
        user=personas["officer"], municipality=table.municipality, base=base
    )
    assert own.certified == {65: 2, 70: 0, 75: 0, 80: 0, 85: 4} and on == base.date
    # 85+: four bands (85, 90, 95, 100+) × two sexes × 200 = 1,600 → 4 / 1,600 = 0.25%;
    # 65–69: 2 × 200 = 400 → 2 / 400 = 0.5% (事業対象者 is not certified)
    assert own.rates[85] == pytest.approx(4 / 1600) and own.rates[65] == pytest.approx(2 / 400)
    page = client_for(personas["officer"]).get(URL, {"rates": "register"})
    assert page.context["result"].rates[65] == pytest.approx(0.005)
    assert '<td class="num">0.5%</td>' in page.content.decode()


def run(*args: str) -> dict:
    out = io.StringIO()
    call_command("indicators", "project", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_prints_the_projection_as_json(table):
    data = run("--reduction", "5", "--from-age", "75", "--premium", "6000", "--format", "json")
    assert data["municipality"]["code"] == "352047" and data["base_date"] == "2024-04-01"
    assert [y["year"] for y in data["years"]] == [2024, 2025, 2030, 2035, 2040]
    assert data["scenario"] == {
        "reduction_percent": 5.0,
        "from_age": 75,
        "label": "75歳以上の認定率を5%引き下げ",
    }
    assert data["years"][0]["premium"] == 6000 and data["years"][0]["population"] == 8400
    assert data["years"][-1]["premium_scenario"] < data["years"][-1]["premium"]
    assert data["sources"]["survival"].startswith("概算")


def test_the_command_reads_migration_from_an_assumptions_file(table, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("migration:\n  source: test\n  M: {20: -0.5}\n  F: {20: -0.5}\n", "utf-8")
    plain, moved = run("--until", "2029"), run("--until", "2029", "--assumptions", str(path))
    assert moved["migration"] and not plain["migration"]
    assert moved["years"][-1]["bands"]["M"]["20"] < plain["years"][-1]["bands"]["M"]["20"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--reduction", "-5"], "0〜50"),
        (["--reduction", "120"], "0〜50"),
        (["--reduction", "nan"], "0〜50"),
        (["--until", "2020"], "基準年"),
    ],
)
def test_the_command_refuses_bad_scenarios(table, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_the_command_says_when_there_is_no_table(town):
    with pytest.raises(CommandError, match="人口表がない"):
        run()
