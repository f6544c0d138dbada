"""The dispatch log through the command and the services: the guide's 熊本県 平成29年度 table
reproduced from a generated file and from the demo log, CSV and XLSX, refusals with nothing
stored."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from chiiki.accounts.models import AuditEvent
from chiiki.areas.models import Municipality
from chiiki.prefecture.dispatch_summary import GUIDE_TABLE, demo_rows
from chiiki.prefecture.models import Dispatch
from chiiki.prefecture.selectors.dispatch import dispatch_summary
from chiiki.prefecture.services.dispatch import (
    demo_log,
)
from tests.prefecture.dispatch_world import (
    csv_text,
    make_towns,
    rows_of,
    xlsx_bytes,
)

EXPECTED = {
    "year": 2017,
    "rows": [
        {
            "sender": "広域支援センター",
            "介護予防事業": 527,
            "地域ケア会議": 205,
            "通いの場等": 304,
            "その他": 197,
            "total": 1233,
        },
        {
            "sender": "密着リハセンター",
            "介護予防事業": 730,
            "地域ケア会議": 132,
            "通いの場等": 616,
            "その他": 414,
            "total": 1892,
        },
    ],
}


@pytest.fixture
def kumamoto(db) -> list[Municipality]:
    return make_towns(6)


def _summary_json(capsys, year: int = 2017) -> str:
    capsys.readouterr()
    call_command(
        "prefecture",
        "dispatch",
        "summary",
        "--prefecture",
        "43",
        "--year",
        str(year),
        "--format",
        "json",
    )
    return capsys.readouterr().out.strip()


def _import(path, *extra: str) -> None:
    call_command("prefecture", "dispatch", "import", str(path), "--prefecture", "43", *extra)


def test_the_guides_kumamoto_table_comes_back_exactly_from_a_generated_file(
    kumamoto, tmp_path, capsys
):
    rows = demo_rows([m.code for m in kumamoto], seed=29)
    path = tmp_path / "派遣実績.csv"
    path.write_bytes(csv_text(rows_of(rows)).encode("cp932"))
    _import(path, "--format", "json")
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] and result["created"] == len(rows) and result["dispatches"] == 3125
    out = _summary_json(capsys)
    assert json.loads(out) == EXPECTED
    # the contract is the text itself: keys in this order, Japanese unescaped
    assert out.startswith(
        '{"year": 2017, "rows": [{"sender": "広域支援センター", "介護予防事業": 527, '
    )
    assert json.loads(_summary_json(capsys, 2016)) == {"year": 2016, "rows": []}


def test_the_text_summary_is_the_guides_layout_with_every_municipality(kumamoto, capsys):
    demo_log(kumamoto[0].prefecture, kumamoto, seed=1)
    capsys.readouterr()
    call_command("prefecture", "dispatch", "summary", "--prefecture", "43", "--year", "2017")
    out = capsys.readouterr().out
    lines = [line.split() for line in out.splitlines()]
    assert lines[2] == [
        "平成29年度",
        "介護予防事業",
        "地域ケア会議",
        "通いの場等",
        "その他",
        "合計",
    ]
    assert lines[3] == ["広域支援センター", "527", "205", "304", "197", "1233"]
    assert lines[5] == ["合計", "1257", "337", "920", "611", "3125"]
    assert all(m.name in out for m in kumamoto)


def test_demo_log_adds_up_to_the_guide_for_all_45_municipalities_and_can_run_twice(db):
    towns = make_towns(None)
    assert len(towns) == 45
    prefecture = towns[0].prefecture
    made = demo_log(prefecture, towns, seed=2017)
    assert demo_log(prefecture, towns, seed=2017) == made == Dispatch.objects.count()
    found = dispatch_summary(prefecture=prefecture, year=2017)
    assert {r.label: r.counts for r in found.senders} == GUIDE_TABLE
    assert [r.label for r in found.senders] == list(GUIDE_TABLE)
    assert len(found.municipalities) == 45 and found.municipalities_total.total == 3125


def test_an_xlsx_file_with_wareki_dates_and_five_digit_codes_is_read(kumamoto, tmp_path, capsys):
    path = tmp_path / "dispatch.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                ["平成29年5月10日", "43100", "広域支援センター", "地域ケア会議", "理学療法士", 3],
                [
                    dt.date(2018, 3, 1),
                    432024,
                    "地域密着リハセンター",
                    "通いの場等",
                    "作業療法士",
                    None,
                ],
            ]
        )
    )
    _import(path)
    assert "新規 2" in capsys.readouterr().out
    found = dispatch_summary(prefecture=kumamoto[0].prefecture, year=2017)
    assert [(r.label, r.total) for r in found.senders] == [
        ("広域支援センター", 3),
        ("地域密着リハセンター", 1),
    ]


@pytest.mark.parametrize(
    ("cell", "says"),
    [
        (
            "2017-06-01,431002,広域,その他,理学療法士,1",
            "2行目「市町村コード」: 地方公共団体コード「431002」の検査数字が誤っています",
        ),
        (
            "2017-06-01,442143,広域,その他,理学療法士,1",
            "熊本県の市町村ではありません（442143 は大分県の市町村です）",
        ),
        ("2017-06-01,431001,広域,研修会,理学療法士,1", "2行目「事業区分」"),
        ("昭和64年2月1日,431001,広域,その他,理学療法士,1", "昭和64年2月1日は存在しません"),
        ("2018-02-30,431001,広域,その他,理学療法士,1", "2018年2月30日は存在しません"),
        ("2099-04-01,431001,広域,その他,理学療法士,1", "未来の日付です"),
        ("2017-06-01,431001,広域,その他,理学療法士,0", "2行目「件数」: 件数は正の整数"),
    ],
)
def test_the_command_refuses_a_bad_file_in_japanese_and_stores_nothing(
    kumamoto, tmp_path, cell, says
):
    good = "2017-06-01,432024,広域,その他,理学療法士,1"
    path = tmp_path / "bad.csv"
    path.write_text(csv_text([]) + cell + "\r\n" + good + "\r\n", encoding="utf-8-sig")
    with pytest.raises(CommandError) as caught:
        _import(path)
    assert "何も保存していません" in str(caught.value) and says in str(caught.value)
    assert (
        not Dispatch.objects.exists()
        and not AuditEvent.objects.filter(model="prefecture.dispatch").exists()
    )


def test_an_unknown_prefecture_or_unreadable_file_is_refused(kumamoto, tmp_path):
    with pytest.raises(CommandError, match="都道府県コード 99"):
        call_command("prefecture", "dispatch", "summary", "--prefecture", "99", "--year", "2017")
    path = tmp_path / "x.csv"
    path.write_bytes(b"\x82\xa0\xff\xfe\x00")
    with pytest.raises(CommandError, match="何も保存していません"):
        _import(path)
