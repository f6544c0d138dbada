"""``chiiki indicators assign``: the file's checks, and the JSON it prints."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

HEADER = "地区,圏域,高齢者数,高リスク者数\n"
ROWS = "本町,中央,300,20\n栄町,中央,120,5\n松瀬,北部,80,10\n古川,北部,200,12\n"


def write(tmp_path, text: str, *, encoding: str = "utf-8", name: str = "地区.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("indicators", "assign", *args, stdout=out)
    return out.getvalue()


def test_it_prints_exactly_the_assignments_json(tmp_path):
    path = write(tmp_path, HEADER + ROWS)
    printed = json.loads(run(path, "--staff", "2", "--format", "json"))
    assert printed == {
        "staff": 2,
        "max_load": 380,
        "groups": [
            {"staff": 1, "districts": ["本町", "松瀬"], "load": 380},
            {"staff": 2, "districts": ["栄町", "古川"], "load": 320},
        ],
    }


def test_within_life_area_and_a_decimal_weight(tmp_path):
    path = write(tmp_path, HEADER + ROWS, encoding="utf-8-sig")
    printed = json.loads(
        run(path, "--staff", "3", "--within-life-area", "--risk-weight", "1.5", "--format", "json")
    )
    assert printed["max_load"] == 330
    assert [g["districts"] for g in printed["groups"]] == [["本町"], ["栄町"], ["松瀬", "古川"]]
    assert printed["groups"][1]["load"] == 127.5


def test_the_text_shows_the_greedy_beside_it(tmp_path):
    path = write(
        tmp_path,
        "地区,圏域,高齢者数\n" + "".join(f"d{i},全域,{n}\n" for i, n in enumerate([3, 3, 2, 2, 2])),
        encoding="cp932",
    )
    text = run(path, "--staff", "2")
    assert "最も重い担当の負担: 6（最適）" in text
    assert "貪欲法（重い地区から順に最も軽い担当へ）: 7" in text


def test_an_xlsx_file_is_read(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["地区", "圏域", "高齢者数"])
    ws.append(["本町", "中央", 300])
    ws.append(["栄町", "中央", 120])
    path = tmp_path / "地区.xlsx"
    wb.save(path)
    assert json.loads(run(str(path), "--staff", "1", "--format", "json"))["max_load"] == 420


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("地区,高齢者数\n本町,3\n", "1行目「圏域」: 見出し「圏域」の列が必要です"),
        (
            HEADER + "本町,中央,多い,1\n",
            "2行目「高齢者数」: 0以上1,000,000以下の整数です（入力: 多い）",
        ),
        (HEADER + "本町,中央,1.5,1\n", "2行目「高齢者数」: 0以上"),
        (HEADER + "本町,中央,-3,1\n", "2行目「高齢者数」: 人数は負にできません"),
        (HEADER + "本町,中央,,1\n", "2行目「高齢者数」: 人数が空です"),
        (
            HEADER + "本町,中央,3,1\n本町,北部,4,1\n",
            "3行目「地区」: 地区が重複しています（2行目と同じ）",
        ),
        (HEADER + ",中央,3,1\n", "2行目「地区」: 地区の名前が空です"),
        (HEADER, "2行目「地区」: データの行がありません"),
        ("", "ファイルが空です"),
        ('地区,圏域,高齢者数\n"本町,中央,3\n', "引用符"),
    ],
)
def test_bad_files_are_refused_with_the_row_and_column(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(CommandError, match=message):
        run(path, "--staff", "1")


def test_bad_risk_cells_are_refused_when_the_weight_uses_them(tmp_path):
    path = write(tmp_path, HEADER + "本町,中央,3,x\n栄町,中央,3,9\n")
    with pytest.raises(CommandError) as caught:
        run(path, "--staff", "1", "--risk-weight", "1")
    assert "2行目「高リスク者数」: 0以上" in str(caught.value)
    assert "3行目「高リスク者数」: 高リスク者数は高齢者数（3）以下です" in str(caught.value)


def test_the_json_of_a_bad_file_lists_its_faults(tmp_path, capsys):
    path = write(tmp_path, HEADER + "本町,中央,-1,0\n")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("indicators", "assign", path, "--staff", "1", "--format", "json", stdout=out)
    (fault,) = json.loads(out.getvalue())["errors"]
    assert (fault["row"], fault["column"]) == (2, "高齢者数")


def test_a_broken_xlsx_is_refused(tmp_path):
    path = tmp_path / "壊れた.xlsx"
    path.write_bytes(b"PK\x03\x04broken")
    with pytest.raises(CommandError, match="Excel ファイル"):
        run(str(path), "--staff", "1")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--staff", "5"], "地区が4か所しかなく、担当者5人の全員には割り当てられません"),
        (["--staff", "1", "--within-life-area"], "圏域が2つあり、担当者1人では"),
        (["--staff", "0"], "--staff は1〜100"),
        (["--staff", "100000"], "--staff は1〜100"),
        (["--staff", "2", "--risk-weight", "-1"], "負にできません"),
        (["--staff", "2", "--risk-weight", "1e400"], "0以上100以下"),
    ],
)
def test_impossible_requests_are_refused_with_the_reason(tmp_path, args, message):
    path = write(tmp_path, HEADER + ROWS)
    with pytest.raises(CommandError, match=message):
        run(path, *args)


def test_a_weight_without_the_risk_column_is_refused(tmp_path):
    path = write(tmp_path, "地区,圏域,高齢者数\n本町,中央,3\n")
    with pytest.raises(
        CommandError, match="1行目「高リスク者数」: 見出し「高リスク者数」の列が必要です"
    ):
        run(path, "--staff", "1", "--risk-weight", "2")


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="ファイルを読めません"):
        run(str(tmp_path / "ない.csv"), "--staff", "1")
