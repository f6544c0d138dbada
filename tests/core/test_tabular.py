import io

import pytest
from openpyxl import Workbook

from chiiki.core.tabular import TableError, read_table, safe_cell

CSV = "地区,人数\n須佐,10\n旭,20\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_shift_jis(encoding):
    table = read_table(CSV.encode(encoding), "pop.csv")
    assert table.headers == ["地区", "人数"]
    assert [r.values for r in table] == [
        {"地区": "須佐", "人数": "10"},
        {"地区": "旭", "人数": "20"},
    ]
    assert [r.number for r in table] == [2, 3]


def test_xlsx_is_read_with_excel_row_numbers():
    wb = Workbook()
    ws = wb.active
    ws.append(["地区", "人数"])
    ws.append(["須佐", 10])
    ws.append([None, None])
    ws.append(["旭", 20.0])
    buf = io.BytesIO()
    wb.save(buf)
    table = read_table(buf.getvalue(), "pop.xlsx")
    assert [(r.number, r.values["人数"]) for r in table] == [(2, "10"), (4, "20")]


def test_a_duplicated_header_is_refused_with_its_column():
    with pytest.raises(TableError, match="2列目"):
        read_table("地区,地区\n1,2\n".encode(), "x.csv")


def test_a_row_longer_than_the_header_is_refused_with_its_row():
    with pytest.raises(TableError, match="3行目"):
        read_table(b"a,b\n1,2\n1,2,3\n", "x.csv")


def test_bytes_that_are_neither_utf8_nor_shift_jis_are_refused():
    with pytest.raises(TableError, match="文字コード"):
        read_table(b"a,b\n\x82\xff,1\n", "x.csv")


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_defused():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("佐藤") == "佐藤"
    assert safe_cell(5) == 5
