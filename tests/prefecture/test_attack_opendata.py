"""Open data written from names the municipality keys in: a control character in one (a
district's name) must not take the package's XLSX, and so its ZIP, down."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from chiiki.prefecture import opendata as engine
from tests.prefecture import opendata_world


@pytest.fixture
def world(town, personas, other_town, tmp_path):
    return opendata_world.build(town, personas, other_town, tmp_path)


def test_a_control_character_in_a_cell_is_dropped_from_the_csv_and_the_xlsx():
    table = engine.Table(
        name="t",
        title="t",
        description="",
        columns=(engine.Column("地区", "地区", "string", ""),),
        rows=(("北\x01部\x0b",), ("=1+1",)),
    )
    wb = openpyxl.load_workbook(io.BytesIO(engine.xlsx_bytes(table)))
    assert [c.value for c in wb.active["A"]] == ["地区", "北部", "'=1+1"]
    assert "北部" in engine.csv_bytes(table).decode("utf-8-sig")


def test_the_municipal_package_downloads_with_a_district_named_with_a_control_character(
    world, town, client_for, personas
):
    town.s1.name = "旭\x01"
    town.s1.save(update_fields=["name"])
    response = client_for(personas["officer"]).get("/prefecture/opendata/municipality.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        csvs = [n for n in z.namelist() if n.endswith(".csv")]
        assert csvs and not [n for n in csvs if b"\x01" in z.read(n)]
        assert any("旭" in z.read(n).decode("utf-8-sig") for n in csvs)
