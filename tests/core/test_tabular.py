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


# -- Every fault of a file is a TableError naming its row and column (issue 8, uploads) ---

from chiiki.core.tabular import Limits, inspect_xlsx  # noqa: E402
from chiiki.surveys.answers import read_frame  # noqa: E402
from tests.uploads import bomb_xlsx, defects, repeated_xlsx, xlsx_bytes  # noqa: E402

POP_HEADER = ["地区", "基準日", "性別", "年齢階級", "人数"]
POP_ROWS = [["須佐", "2018-04-01", "男", f"{a}-{a + 4}", "10"] for a in range(65, 100, 5)]
READERS = {
    "table": lambda data, name, limits=None: read_table(data, name, limits),
    "frame": lambda data, name, limits=None: read_frame(data, name, limits),
}


def limits(**kw):
    return Limits(
        **{
            "max_bytes": 10**9,
            "max_rows": 10**7,
            "max_columns": 1000,
            "max_expanded_bytes": 10**9,
            **kw,
        }
    )


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("defect", list(defects(POP_HEADER, POP_ROWS)))
def test_each_defect_the_review_found_is_a_table_error_naming_row_and_column(reader, defect):
    name, data, expected = defects(POP_HEADER, POP_ROWS)[defect]
    with pytest.raises(TableError) as caught:
        READERS[reader](data, name)
    assert expected in str(caught.value)


@pytest.mark.parametrize("reader", READERS)
def test_empty_cells_past_the_header_are_fine_and_a_value_there_is_not(reader):
    assert len(READERS[reader](b"a,b\n1,2,\n3,4,,\n", "x.csv")) == 2
    with pytest.raises(TableError, match="3行目 4列目"):
        READERS[reader](b"a,b,,\n1,2,,\n3,4,,5\n", "x.csv")


@pytest.mark.parametrize("reader", READERS)
def test_text_after_a_closing_quote_names_its_row_and_column(reader):
    with pytest.raises(TableError, match="2行目 2列目: 引用符"):
        READERS[reader](b'a,b\n1,"x"y\n', "x.csv")


@pytest.mark.parametrize("reader", READERS)
def test_a_file_over_the_byte_limit_is_refused_with_its_size_and_the_limit(reader):
    with pytest.raises(TableError, match=r"ファイルが大きすぎます: 2 KB（上限 1 KB）"):
        READERS[reader](b"a\n" + b"1\n" * 1023, "x.csv", limits(max_bytes=1024))


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_over_the_row_limit_is_refused_with_the_limit(reader, fmt):
    rows = [["須佐", "1"]] * 11
    data = (
        ("a,b\n" + "".join("須佐,1\n" for _ in rows)).encode()
        if fmt == "csv"
        else xlsx_bytes(["a", "b"], rows, dimension=None)  # only the stream can tell
    )
    READERS[reader](data, f"x.{fmt}", limits(max_rows=11))
    with pytest.raises(TableError, match=r"このファイルは11行以上あります（上限 10行"):
        READERS[reader](data, f"x.{fmt}", limits(max_rows=10))


def test_the_reviews_500000_row_workbook_is_refused_by_its_dimension_before_it_is_parsed(
    monkeypatch,
):
    data = repeated_xlsx(POP_HEADER, POP_ROWS[0], 500_000)
    assert len(data) < 1_000_000  # a few hundred kilobytes, like the review's 437 KB
    import openpyxl

    def never(*args, **kw):
        raise AssertionError("openpyxl must not parse a file the dimension refuses")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    for reader in READERS.values():
        with pytest.raises(TableError, match=r"このファイルは500,000行あります（上限 100,000行"):
            reader(data, "big.xlsx", limits(max_rows=100_000))


def test_a_zip_bomb_is_refused_from_its_declared_sizes():
    data = bomb_xlsx(64 << 20)
    assert len(data) < 200_000
    with pytest.raises(TableError, match=r"展開すると 64.0 MB.*上限（16.0 MB）.*圧縮爆弾"):
        inspect_xlsx(data, limits(max_expanded_bytes=16 << 20))


def test_a_sheet_that_understates_its_dimension_is_read_whole():
    data = xlsx_bytes(["a", "b"], [["x", 1]] * 9, dimension="A1:B2")
    assert len(read_table(data, "x.xlsx")) == 9


def test_a_dimension_wider_than_the_column_limit_is_refused():
    data = xlsx_bytes(["a", "b"], [["x", 1]], dimension="A1:ZZ2")
    with pytest.raises(TableError, match="列が多すぎます"):
        read_table(data, "x.xlsx", limits(max_columns=100))


def test_the_xlsx_frame_is_built_in_chunks_with_excel_row_numbers(monkeypatch):
    from chiiki.surveys import answers

    monkeypatch.setattr(answers, "CHUNK", 4)
    data = xlsx_bytes(["id", "q1"], [[f"R{i}", i] for i in range(10)], count=10)
    frame, _ = read_frame(data, "x.xlsx")
    assert frame.get_column("__row").to_list() == list(range(2, 12))
    assert frame.get_column("id").to_list()[-1] == "R9"


def test_openpyxl_parses_with_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML


def test_a_cell_drops_the_control_characters_a_workbook_cannot_hold():
    from openpyxl import Workbook

    assert safe_cell("北\x01部\x0b地区") == "北部地区"
    assert safe_cell("a\tb\nc\r") == "a\tb\nc\r"  # tab and line breaks are text
    assert safe_cell("\x02=SUM(1+1)") == "'=SUM(1+1)"  # dropped first, then guarded
    Workbook().active.append([safe_cell("北\x01部")])  # openpyxl would refuse the raw text


def test_a_district_named_with_a_control_character_still_downloads_as_xlsx():
    from chiiki.indicators.exports import xlsx_bytes

    content = xlsx_bytes("人口", ["地区", "人数"], [["北\x01部", 12]])
    assert content[:2] == b"PK"
