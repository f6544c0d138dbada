"""The open-data engine without a database: suppression of a table with its margins, and
the package's files (CSV, XLSX, datapackage.json validated by frictionless)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from chiiki.core.suppression import lone_hidden
from chiiki.prefecture import opendata as engine
from chiiki.prefecture.opendata import MARK, TOTAL, Column, Grid, Table

CREATED = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)


@st.composite
def grids(draw):
    n_rows = draw(st.integers(1, 6))
    n_cols = draw(st.integers(1, 5))
    value = st.one_of(st.just(0), st.integers(1, 9), st.integers(10, 60))
    counts = {(r, c): draw(value) for r in range(n_rows) for c in range(n_cols)}
    row_totals, col_totals = draw(st.booleans()), draw(st.booleans())
    return Grid(tuple(range(n_rows)), tuple(range(n_cols)), counts, row_totals, col_totals)


@settings(max_examples=300, deadline=None)
@given(grids())
def test_no_hidden_cell_can_be_worked_out_from_a_margin(grid):
    hidden = grid.hidden()
    assert lone_hidden(hidden, grid.margins()) == []
    for key in grid.keys():  # every count from 1 to 9 is hidden, totals included
        if 0 < grid.value(*key) < 10:
            assert key in hidden


@settings(max_examples=300, deadline=None)
@given(grids())
def test_a_zero_or_a_count_of_ten_is_hidden_only_to_protect_another(grid):
    hidden = grid.hidden()
    for key in hidden:
        if 0 < grid.value(*key) < 10:
            continue
        # a complement: it shares a published sum with another hidden cell
        assert any(
            key in cells and len(hidden & set(cells)) >= 2
            for cells in ((*m.members, m.total) for m in grid.margins())
        ), key


@settings(max_examples=200, deadline=None)
@given(grids())
def test_a_table_without_small_counts_shows_every_cell(grid):
    big = {k: (0 if v == 0 else max(v, 10)) for k, v in grid.counts.items()}
    shown = Grid(grid.rows, grid.cols, big, grid.row_totals, grid.col_totals)
    assert shown.hidden() == set()


def test_a_lone_small_cell_takes_the_smallest_cell_of_its_row_and_column_with_it():
    # 12 3 | 15      the 3 gives away through both its row and its column: the smallest
    # 20 40| 60      cells beside it go too, then the fourth to close the rectangle.
    grid = Grid(
        ("a", "b"), ("x", "y"), {("a", "x"): 12, ("a", "y"): 3, ("b", "x"): 20, ("b", "y"): 40}
    )
    hidden = grid.hidden()
    assert ("a", "y") in hidden
    assert {("a", "x"), ("b", "y")} & hidden
    assert lone_hidden(hidden, grid.margins()) == []
    assert (TOTAL, TOTAL) not in hidden


def test_a_rate_of_a_hidden_count_is_hidden():
    assert engine.rate_hidden(False, True)
    assert not engine.rate_hidden(False, False)
    assert engine.primary(1) and engine.primary(9)
    assert not engine.primary(0) and not engine.primary(10) and not engine.primary(None)


def _table() -> Table:
    return Table(
        name="sample",
        title="見本の表",
        description="テスト用",
        columns=(
            Column("年度", "年度", "year", "年度"),
            Column("地区", "地区", "string", "地区の名前"),
            Column("人数", "人数（人）", "integer", "人数", "人", {"minimum": 0}),
            Column("率", "率（%）", "number", "割合", "%"),
            Column("基準日", "基準日", "date", "日付"),
        ),
        rows=(
            (2024, "=須佐", 12, Decimal("1.5"), dt.date(2024, 4, 1)),
            (2024, "旭", 3, Decimal("0.4"), dt.date(2024, 4, 1)),
            (2025, "福栄", 0, None, dt.date(2025, 4, 1)),
        ),
        hidden=frozenset({(1, "人数"), (1, "率")}),
    )


def test_suppressed_cells_are_written_as_the_mark_never_the_number():
    table = _table()
    rows = list(csv.reader(io.StringIO(engine.csv_bytes(table).decode("utf-8-sig"))))
    assert rows[0] == ["年度", "地区", "人数", "率", "基準日"]
    assert rows[2] == ["2024", "旭", MARK, MARK, "2024-04-01"]
    assert rows[1][1] == "'=須佐"  # formula injection guarded
    assert rows[3][3] == ""
    assert "3" not in rows[2][2:4]


def test_the_workbook_has_the_same_header_and_cells_as_the_csv():
    table = _table()
    rows = list(csv.reader(io.StringIO(engine.csv_bytes(table).decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(engine.xlsx_bytes(table))).active
    cells = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    assert cells == rows


def test_the_package_validates_with_frictionless(tmp_path):
    from frictionless import validate

    files = engine.files(
        [_table()], name="chiiki-test", title="t", description="d", created=CREATED
    )
    engine.write(tmp_path, files)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    meta = json.loads((tmp_path / "datapackage.json").read_text())
    assert meta["profile"] == "tabular-data-package"
    assert meta["licenses"][0]["name"] == "CC-BY-4.0"
    assert meta["created"] == "2026-04-01T09:00:00Z"
    csv_resource = meta["resources"][0]
    assert {"path", "name", "title", "format", "mediatype", "encoding"} <= set(csv_resource)
    schema = csv_resource["schema"]
    assert MARK in schema["missingValues"]
    assert [f["name"] for f in schema["fields"]] == [c.name for c in _table().columns]
    assert all(f["title"] and f["description"] and f["type"] for f in schema["fields"])
    assert engine.is_ours(tmp_path)


def test_a_table_refuses_rows_of_the_wrong_width_and_unknown_types():
    with pytest.raises(ValueError):
        Table("x", "x", "x", (Column("a", "a", "integer", "a"),), ((1, 2),))
    with pytest.raises(ValueError):
        Column("a", "a", "boolean", "a")


def test_a_folder_without_our_descriptor_is_not_ours(tmp_path):
    (tmp_path / "datapackage.json").write_text('{"name": "someone-else"}')
    assert not engine.is_ours(tmp_path)
    assert engine.previous_files(tmp_path) == []
