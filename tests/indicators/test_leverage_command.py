"""``chiiki indicators leverage``: the JSON exactly as the issue prints it, the text for
people, a municipality's own table from a file, and every bad input as a CommandError."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.indicators.test_leverage import table

EXPECTED_7 = (
    '{"period": 7, "programmes": [{"key": "sogo", "name": "介護予防・日常生活支援総合事業", '
    '"shares": {"national": 25, "prefecture": 12.5, "municipality": 12.5, "premium_1": 23, '
    '"premium_2": 27}, "own_share": 35.5, "multiplier": 2.82}, {"key": "hokatsu", '
    '"name": "包括的支援事業・任意事業", "shares": {"national": 38.5, "prefecture": 19.25, '
    '"municipality": 19.25, "premium_1": 23}, "own_share": 42.25, "multiplier": 2.37}]}'
)


def leverage(*args: str) -> str:
    out = io.StringIO()
    call_command("indicators", "leverage", *args, stdout=out)
    return out.getvalue()


def test_the_json_is_exactly_the_issues_shape():
    assert leverage("--period", "7", "--format", "json") == EXPECTED_7 + "\n"


def test_the_budget_is_split_into_whole_yen_that_add_up():
    data = json.loads(leverage("--period", "9", "--budget", "1234567", "--format", "json"))
    sogo, hokatsu = data["programmes"]
    assert sogo["budget"] == {
        "national": 308_642,
        "prefecture": 154_321,
        "municipality": 154_321,
        "premium_1": 283_950,
        "premium_2": 333_333,
    }
    assert sum(sogo["budget"].values()) == sum(hokatsu["budget"].values()) == 1_234_567
    assert list(hokatsu["budget"]) == ["national", "prefecture", "municipality", "premium_1"]


def test_a_shares_file_gives_a_new_periods_table(tmp_path):
    path = tmp_path / "period-10.yaml"
    path.write_text(
        table(
            sogo="{national: 25, prefecture: 12.5, municipality: 12.5, premium_1: 25, "
            "premium_2: 25}",
            hokatsu="{national: 37.5, prefecture: 18.75, municipality: 18.75, premium_1: 25}",
        ),
        encoding="utf-8",
    )
    data = json.loads(leverage("--shares", str(path), "--format", "json"))
    assert data["period"] == 10
    assert [p["multiplier"] for p in data["programmes"]] == [2.67, 2.29]
    assert data["programmes"][1]["shares"]["prefecture"] == 18.75
    assert json.loads(leverage("--period", "10", "--shares", str(path), "--format", "json"))
    with pytest.raises(CommandError, match="--period は第7期、ファイルは第10期です"):
        leverage("--period", "7", "--shares", str(path))


def test_the_text_says_who_pays_what(tmp_path):
    text = leverage("--period", "7", "--budget", "1,000,000")
    assert "市町村が 1 円出すと、国・県・40〜64歳の保険料とあわせて 2.82 円の事業になります" in text
    assert "第2号保険料: 27%（270,000円）" in text
    out = tmp_path / "out.txt"
    assert leverage("--period", "7", "-o", str(out)) == ""
    assert "倍率: 2.37倍（約2.4倍）" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--period", "6"), "第6期の負担割合はありません"),
        (("--period", "seven"), "--period「seven」は使えません"),
        (("--period", "-7"), "--period「-7」は使えません"),
        ((), "--period（組み込みの計画期）か --shares FILE を指定してください"),
        (("--period", "7", "--budget", "-5"), "予算「-5」は使えません"),
        (("--period", "7", "--budget", "12.5"), "予算「12.5」は使えません"),
        (("--period", "7", "--budget", "99999999999999"), "1円〜1,000,000,000,000円"),
        (("--shares", "missing.yaml"), "「missing.yaml」を読めません"),
    ],
)
def test_bad_input_is_a_command_error_in_japanese(args, said):
    with pytest.raises(CommandError) as caught:
        leverage(*args)
    assert said in str(caught.value)


def test_a_bad_shares_file_is_refused_naming_the_programme_and_the_sum(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        table(sogo="{national: 25, prefecture: 12.5, municipality: 12.5, premium_1: 23}"),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"介護予防・日常生活支援総合事業.*合計が 73% です"):
        leverage("--shares", str(path))
    path.write_text("period: 10\nprogrammes: [\n", encoding="utf-8")
    with pytest.raises(CommandError, match="YAML として読めません"):
        leverage("--shares", str(path))
