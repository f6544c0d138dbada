"""The file checkers' shared pieces: faults kept and counted, and the header row."""

from __future__ import annotations

from chiiki.core import sheet


def test_the_tally_keeps_the_first_faults_and_counts_them_all():
    tally = sheet.Faults()
    for row in range(sheet.MAX_ERRORS + 7):
        tally.bad(row + 2, "日付", "x", "日付ではありません")
    assert tally.count == sheet.MAX_ERRORS + 7 and len(tally.faults) == sheet.MAX_ERRORS
    error = sheet.FileFaults(tally.faults, tally.count)
    assert error.count == tally.count
    assert str(error).endswith(f"ほか {tally.count - sheet.MAX_SHOWN:,} 件")
    assert str(tally.faults[0]) == "2行目「日付」: 日付ではありません（入力: x）"


def test_the_header_row_is_read_through_the_aliases_in_any_width():
    aliases = {"日付": "日付", "派遣日": "日付", "件数": "件数"}
    mapping, faults = sheet.header_map(["派遣日 ", "件数", "備考"], aliases, ["日付"], ["件数"])
    assert mapping == {"派遣日 ": "日付", "件数": "件数"}
    assert [f.column for f in faults] == ["備考"]
    _, faults = sheet.header_map(["日付", "派遣日"], aliases, ["日付", "件数"])
    assert [(f.column, f.expected) for f in faults] == [
        ("派遣日", "「日付」の列が2つあります"),
        ("件数", "この列がありません"),
    ]
