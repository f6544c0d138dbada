"""The team visits' file checker: every cell and the rules between rows, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from chiiki.prefecture import visit_file
from tests.prefecture.support_world import FULL_YEAR, TODAY, csv_table, xlsx_table

KNOWN = {"392014": "高知市", "392022": "室戸市", "392031": "安芸市", "392049": "南国市"}


def _read(text: str):
    return visit_file.read(csv_table(text), prefecture_code="39", known=KNOWN, today=TODAY)


def _faults(text: str) -> list[visit_file.Fault]:
    with pytest.raises(visit_file.VisitFileError) as caught:
        _read(text)
    return caught.value.errors


def test_iso_and_wareki_days_six_and_five_digit_codes_and_the_default_team_are_read():
    visits = _read(FULL_YEAR)
    assert [(v.day, v.code) for v in visits[:3]] == [
        (dt.date(2018, 5, 10), "392014"),
        (dt.date(2018, 6, 1), "392022"),  # 39202 without its check digit
        (dt.date(2018, 7, 3), "392031"),
    ]
    assert {v.team for v in visits} == {"地域包括ケア総合支援チーム"}
    assert visits[0].purpose == "意見交換" and visits[2].purpose == ""
    assert visits[0].row == 2


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("431001", "熊本県の市町村コード（熊本市）です。高知県の市町村のコードを入れてください"),
        ("35204", "山口県の市町村コード（萩市）です"),
        ("392015", "検査数字が誤っています"),
        ("392057", "土佐市（392057）はまだ登録されていません"),
        ("39999", "全国地方公共団体コードにない市町村コードです"),
        ("3920", "6桁（検査数字つき）か5桁"),
        ("高知市", "6桁（検査数字つき）か5桁"),
        ("", "市町村コードを入れてください"),
    ],
)
def test_a_code_of_another_prefecture_unknown_or_mistyped_is_refused_with_its_cell(cell, expected):
    (fault,) = _faults(f"訪問日,市町村コード\n2018-05-10,{cell}\n")
    assert (fault.row, fault.column, fault.value) == (2, "市町村コード", cell)
    assert expected in fault.expected
    assert fault.message.startswith("2行目「市町村コード」: ")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2018-02-30", "存在しない日"),
        ("平成31年5月1日", "存在しない日"),
        ("2019-07-01", "未来の日付です（今日は 2019-06-30）"),
        ("平成30年4月", "日がありません"),
        ("あした", "日付として読めない"),
        ("", "訪問日を入れてください"),
    ],
)
def test_a_day_that_does_not_exist_or_lies_in_the_future_is_refused(cell, expected):
    (fault,) = _faults(f"訪問日,市町村コード\n{cell},392014\n")
    assert (fault.row, fault.column, fault.value) == (2, "訪問日", cell)
    assert expected in fault.expected


def test_every_fault_of_the_file_is_reported_at_once():
    text = (
        "訪問日,市町村コード,チーム\n"
        "2018-05-10,392014,\n"
        "2018-13-01,431001,\n"
        f"2018-05-11,392014,{'長' * 81}\n"
        "2018-05-10,392014,地域包括ケア総合支援チーム\n"
    )
    faults = _faults(text)
    assert [(f.row, f.column) for f in faults] == [
        (3, "訪問日"),
        (3, "市町村コード"),
        (4, "チーム"),
        (5, "訪問日"),
    ]
    assert "2行目と同じ訪問" in faults[3].expected  # the default team is the same team


def test_headers_unknown_doubled_or_missing_are_refused():
    faults = _faults("日付,訪問日,備考\n2018-05-10,2018-05-10,x\n")
    messages = [f.message for f in faults]
    assert "1行目「訪問日」: 「訪問日」の列が2つあります" in messages[0]
    assert "1行目「備考」: 知らない列です" in messages[1]
    assert "1行目「市町村コード」: この列がありません" in messages[2]


def test_full_width_headers_and_a_names_column_are_accepted_and_a_file_without_rows_is_not():
    visits = _read("訪問日,市町村コード,市町村名\n２０１８－０５－１０,３９２０１４,高知市\n")
    assert visits[0].code == "392014"
    assert "データの行がありません" in _faults("訪問日,市町村コード\n,\n")[0].expected


def test_a_workbook_gives_dates_and_numbers_as_cells():
    table = xlsx_table(
        [
            ["訪問日", "市町村コード", "目的"],
            [dt.date(2018, 5, 10), 392014, "意見交換"],
            ["H30.6.1", 39202, None],
        ]
    )
    visits = visit_file.read(table, prefecture_code="39", known=KNOWN, today=TODAY)
    assert [(v.day, v.code, v.purpose) for v in visits] == [
        (dt.date(2018, 5, 10), "392014", "意見交換"),
        (dt.date(2018, 6, 1), "392022", ""),
    ]


def test_a_number_cell_that_lost_hokkaidos_leading_zero_is_still_read():
    known = {"011002": "札幌市"}
    table = xlsx_table([["訪問日", "市町村コード"], ["2018-05-10", 11002]])
    (visit,) = visit_file.read(table, prefecture_code="01", known=known, today=TODAY)
    assert visit.code == "011002"
