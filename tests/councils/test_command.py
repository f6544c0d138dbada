"""``chiiki councils issues``: the register from the shell, as JSON and as CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiiki.councils.exchange import CSV_HEADER
from tests.councils.register_world import build_register


@pytest.fixture
def register(town):
    return build_register(town)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("councils", "issues", *args, stdout=out)
    return out.getvalue()


def test_json_gives_each_issue_in_the_exact_shape_newest_status_first(register, town):
    rows = json.loads(run("--municipality", "352047", "--format", "json"))
    assert [r["id"] for r in rows] == [register.found.pk, register.moving.pk]
    assert rows[1] == {
        "id": register.moving.pk,
        "title": "通院・買い物の移動手段がない",
        "status": {"code": "developing", "label": "資源開発"},
        "status_on": "2022-02-01",
        "areas": {
            "life_area": {"id": town.south.pk, "code": "S", "name": "南部"},
            "district": {"id": town.s1.pk, "code": "S1", "name": "旭"},
        },
        "tags": [
            {"code": "mobility", "name": "移動・外出"},
            {"code": "shopping", "name": "買い物"},
        ],
        "body": {"id": register.south_body.pk, "name": "旭 ささえあい協議体"},
        "evidence_count": 2,
        "resources": [
            {
                "service_id": register.service.pk,
                "name": "旭 おでかけ送迎",
                "started_on": "2022-04-01",
            }
        ],
    }
    assert rows[0]["areas"] == {
        "life_area": {"id": town.north.pk, "code": "N", "name": "北部"},
        "district": None,
    }
    assert rows[0]["body"] is None and rows[0]["resources"] == [] and rows[0]["evidence_count"] == 0


def test_csv_is_utf8_with_a_bom_a_fixed_header_and_formula_safe_cells(register, tmp_path):
    out = tmp_path / "register.csv"
    run("--format", "csv", "-o", str(out))
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert (
        tuple(rows[0])
        == CSV_HEADER
        == (
            "番号",
            "地域課題",
            "状況コード",
            "状況",
            "状況の日付",
            "日常生活圏域",
            "地区",
            "タグコード",
            "タグ",
            "担当の協議体",
            "根拠の件数",
            "地域資源の番号",
            "地域資源",
            "地域資源の開始日",
        )
    )
    found, moving = rows[1], rows[2]
    assert found[1] == "'=1+1 独居の方の見守り"  # a spreadsheet would run it as a formula
    assert moving == [
        str(register.moving.pk),
        "通院・買い物の移動手段がない",
        "developing",
        "資源開発",
        "2022-02-01",
        "南部",
        "旭",
        "mobility|shopping",
        "移動・外出|買い物",
        "旭 ささえあい協議体",
        "2",
        str(register.service.pk),
        "旭 おでかけ送迎",
        "2022-04-01",
    ]


def test_status_and_tag_narrow_the_register(register):
    assert [r["id"] for r in json.loads(run("--status", "developing"))] == [register.moving.pk]
    assert [r["id"] for r in json.loads(run("--tag", "isolation"))] == [register.found.pk]
    assert json.loads(run("--status", "resolved")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--status", "done"), "--status「done」はありません"),
        (("--tag", "nope"), "--tag「nope」は登録されていません"),
        (("--municipality", "999999"), "市町村コード 999999 は登録されていません"),
    ],
)
def test_a_bad_option_is_refused_in_japanese_naming_it(register, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_without_a_municipality_code_several_municipalities_are_refused(register, other_town):
    with pytest.raises(CommandError, match="--municipality"):
        run()


def test_another_municipalitys_register_is_its_own(register, other_town):
    assert json.loads(run("--municipality", other_town.code)) == []
