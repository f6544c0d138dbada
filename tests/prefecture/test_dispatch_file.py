"""The dispatch file's checker and the year's tables, without a database: every refusal
names its row, column, value and what was expected; identical rows add up."""

from __future__ import annotations

import datetime as dt

import pytest

from chiiki.core.tabular import read_csv_bytes
from chiiki.prefecture import dispatch_file as df
from chiiki.prefecture.dispatch_summary import (
    GUIDE_TABLE,
    LABELS,
    Record,
    demo_rows,
    summarise,
)
from chiiki.prefecture.models import WorkKind

TODAY = dt.date(2019, 6, 30)
KNOWN = {"431001", "432024", "432032"}
HEAD = "日付,市町村コード,派遣元,事業区分,職種"


def _read(text: str, encoding: str = "utf-8") -> list[df.Entry]:
    table = read_csv_bytes(text.encode(encoding))
    return df.read(table, prefecture="43", known=KNOWN, today=TODAY)


def _faults(text: str) -> list[df.Fault]:
    with pytest.raises(df.DispatchFileError) as caught:
        _read(text)
    return caught.value.errors


def test_the_four_work_kinds_are_the_models_labels():
    assert dict(df.WORK_KINDS) == {label: value for value, label in WorkKind.choices}
    assert LABELS == ("介護予防事業", "地域ケア会議", "通いの場等", "その他")


def test_wareki_and_five_digit_and_full_width_codes_are_read_and_identical_rows_add_up():
    text = "\n".join(
        [
            HEAD + ",件数",
            "平成29年6月1日,431001,広域支援センター,介護予防事業,理学療法士,2",
            "2017-06-01,４３１００,広域支援センター,介護予防事業,理学療法士,",
            "H29.6.1,431001,広域支援センター ,介護予防事業,理学療法士,3",
            ",,,,,",
            "2017/7/1,432024,地域密着リハセンター,その他,作業療法士,1",
        ]
    )
    entries = _read(text, "cp932")
    assert len(entries) == 2
    first = entries[0]
    assert first.key == df.Key(
        dt.date(2017, 6, 1), "431001", "広域支援センター", "prevention", "理学療法士"
    )
    assert (first.count, first.rows) == (6, (2, 3, 4))
    assert entries[1].key.work == "other" and entries[1].count == 1


def test_the_count_column_may_be_left_out():
    entries = _read(HEAD + "\n2017-06-01,431001,広域支援センター,地域ケア会議,言語聴覚士\n")
    assert [e.count for e in entries] == [1]


@pytest.mark.parametrize(
    ("column", "value", "says"),
    [
        ("市町村コード", "431002", "検査数字は 1 です"),
        ("市町村コード", "442143", "大分県の市町村です"),
        ("市町村コード", "432041", "荒尾市）は熊本県の市町村としてchiikiに登録されていません"),
        ("市町村コード", "4310", "6桁（検査数字つき）か5桁"),
        ("事業区分", "通いの場", "介護予防事業・地域ケア会議・通いの場等・その他 のどれか"),
        ("日付", "昭和64年2月1日", "日付"),
        ("日付", "2018-02-30", "日付"),
        ("日付", "2019-07-01", "未来の日付です"),
        ("派遣元", "", "派遣元を入れてください"),
        ("派遣元", "あ" * 61, "60文字以内"),
        ("職種", "い" * 41, "40文字以内"),
        ("件数", "0", "件数は正の整数（1以上10,000以下の整数（件））です"),
        ("件数", "-2", "件数は正の整数（1以上10,000以下の整数（件））です"),
        ("件数", "1.5", "件数は正の整数（1以上10,000以下の整数（件））です"),
        ("件数", "十", "件数は正の整数（1以上10,000以下の整数（件））です"),
    ],
)
def test_each_bad_cell_is_refused_with_its_row_column_value_and_what_was_expected(
    column, value, says
):
    good = {
        "日付": "2017-06-01",
        "市町村コード": "431001",
        "派遣元": "広域支援センター",
        "事業区分": "介護予防事業",
        "職種": "理学療法士",
        "件数": "1",
    }
    bad = {**good, column: value}
    text = f"{HEAD},件数\n" + ",".join(good.values()) + "\n" + ",".join(bad.values()) + "\n"
    (fault,) = _faults(text)
    assert (fault.row, fault.column, fault.value) == (3, column, value)
    assert says in fault.expected, fault.expected
    assert f"3行目「{column}」" in fault.message


def test_every_fault_of_the_file_is_reported_at_once():
    text = "\n".join(
        [
            HEAD,
            "2018-02-30,431002,広域支援センター,研修,理学療法士",
            "2017-06-01,442143,,その他,",
        ]
    )
    faults = _faults(text)
    assert [(f.row, f.column) for f in faults] == [
        (2, "日付"),
        (2, "市町村コード"),
        (2, "事業区分"),
        (3, "市町村コード"),
        (3, "派遣元"),
        (3, "職種"),
    ]


def test_a_missing_or_unknown_column_is_refused_in_the_header_row():
    faults = _faults("日付,市町村コード,派遣元,事業区分,メモ\n2017-06-01,431001,a,その他,x\n")
    assert {(f.row, f.column) for f in faults} == {(1, "メモ"), (1, "職種")}
    assert _faults(HEAD + "\n")[0].expected == "データの行がありません"


def test_a_sum_past_the_bound_is_refused_on_the_row_that_passes_it():
    row = "2017-06-01,431001,広域支援センター,その他,理学療法士,"
    faults = _faults(f"{HEAD},件数\n{row}6000\n{row}5000\n")
    assert (faults[0].row, faults[0].column) == (3, "件数")
    assert "2行目と同じ組み合わせ" in faults[0].expected


def test_the_summary_keeps_senders_as_first_seen_or_sorts_them_by_total():
    day = dt.date(2017, 5, 1)
    records = [
        Record(day, "431001", "B", "prevention", "理学療法士", 1),
        Record(day, "432024", "A", "other", "作業療法士", 5),
        Record(day, "431001", "B", "places", "理学療法士", 2),
    ]
    towns = [("431001", "熊本市"), ("432024", "八代市"), ("432032", "人吉市")]
    first = summarise(2017, records, towns)
    assert [(r.label, r.counts, r.total) for r in first.senders] == [
        ("B", (1, 0, 2, 0), 3),
        ("A", (0, 0, 0, 5), 5),
    ]
    assert [line.label for line in summarise(2017, records, towns, order="total").senders] == [
        "A",
        "B",
    ]
    assert [(m.label, m.total) for m in first.municipalities] == [
        ("熊本市", 3),
        ("八代市", 5),
        ("人吉市", 0),
    ]
    assert first.total.counts == (1, 0, 2, 5) and first.total.total == 8
    assert [(p.label, p.total) for p in first.professions] == [("作業療法士", 5), ("理学療法士", 3)]


def test_the_demo_rows_add_up_to_the_guides_table_and_follow_the_seed():
    towns = sorted(KNOWN)
    rows = demo_rows(towns, seed=7)
    assert rows == demo_rows(towns, seed=7) and rows != demo_rows(towns, seed=8)
    found = summarise(2017, rows, [(c, c) for c in towns])
    assert {r.label: r.counts for r in found.senders} == GUIDE_TABLE
    assert [r.label for r in found.senders] == list(GUIDE_TABLE)
    assert all(dt.date(2017, 4, 1) <= r.day <= dt.date(2018, 3, 31) for r in rows)
    assert len({(r.day, r.municipality, r.sender, r.work, r.profession) for r in rows}) == len(rows)
