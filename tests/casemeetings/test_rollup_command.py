"""``chiiki casemeetings rollup``: the cases behind each issue seed, district by district,
over whole months, as JSON or as a table."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.casemeetings.test_import import SERIES, write

# Five cases around the fiscal year 2025-04 to 2026-03: one the day before it begins, one on
# its last day, one the day after it ends; C-2 carries 移動・外出 at two reviews.
ROWS = [
    ["2025-03-31", SERIES, "C-0", "初回", "旭", "80", "女", "要支援1", "移動・外出", "", ""],
    [
        "2025-04-01",
        SERIES,
        "C-1",
        "初回",
        "須佐",
        "80",
        "女",
        "要支援1",
        "移動・外出、買い物",
        "",
        "",
    ],
    ["2025-06-10", SERIES, "C-2", "初回", "須佐", "78", "男", "要支援2", "移動・外出", "", ""],
    ["2025-09-09", SERIES, "C-2", "中間", "須佐", "78", "男", "要支援2", "移動・外出", "", ""],
    ["2026-03-31", SERIES, "C-3", "初回", "旭", "90", "女", "要介護1", "移動・外出", "", ""],
    ["2026-04-01", SERIES, "C-4", "初回", "福栄", "70", "男", "なし", "買い物", "", ""],
]


@pytest.fixture
def seeded(town, tmp_path):
    call_command("casemeetings", "import", str(write(tmp_path, ROWS)), stdout=io.StringIO())
    return town


def rollup(*args: str) -> str:
    out = io.StringIO()
    call_command("casemeetings", "rollup", *args, stdout=out)
    return out.getvalue()


def test_json_is_exactly_the_tags_by_cases_with_their_districts_months_inclusive(seeded):
    text = rollup("--from", "2025-04", "--to", "2026-03", "--format", "json")
    assert text.strip() == (
        '[{"tag": "移動・外出", "cases": 3, "districts": {"須佐": 2, "旭": 1}}, '
        '{"tag": "買い物", "cases": 1, "districts": {"須佐": 1}}]'
    )


def test_without_a_period_every_review_counts(seeded):
    rows = json.loads(rollup("--municipality", "352047", "--format", "json"))
    assert rows == [
        {"tag": "移動・外出", "cases": 4, "districts": {"旭": 2, "須佐": 2}},
        {"tag": "買い物", "cases": 2, "districts": {"福栄": 1, "須佐": 1}},
    ]
    assert json.loads(rollup("--from", "2026-04", "--format", "json")) == [
        {"tag": "買い物", "cases": 1, "districts": {"福栄": 1}}
    ]
    assert json.loads(rollup("--to", "2025-03", "--format", "json"))[0]["districts"] == {"旭": 1}


def test_the_text_table_lines_up_the_tags(seeded):
    lines = rollup("--from", "2025-04", "--to", "2026-03").splitlines()
    assert lines[0] == "山口県萩市（352047） 課題の種の地区別事例数（2025-04〜2026-03）"
    assert lines[1] == "課題の種    事例数  地区別"
    assert lines[2] == "-" * 26
    assert lines[3] == "移動・外出       3  須佐 2、旭 1"  # the counts right-aligned under 事例数
    assert lines[4] == "買い物           1  須佐 1"


def test_an_empty_period_says_so(seeded):
    assert "ありません" in rollup("--from", "2030-01")
    assert rollup("--from", "2030-01", "--format", "json").strip() == "[]"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--from", "2025-13"), ["--from", "YYYY-MM", "2025-13"]),
        (("--to", "2025/4/1"), ["--to", "2025/4/1"]),
        (("--from", "2026-04", "--to", "2025-04"), ["2026-04", "2025-04", "後"]),
    ],
)
def test_a_bad_month_is_a_clear_error(seeded, args, words):
    with pytest.raises(CommandError) as exc:
        rollup(*args)
    assert all(w in str(exc.value) for w in words), str(exc.value)


def test_an_unknown_municipality_is_refused(seeded):
    with pytest.raises(CommandError) as exc:
        rollup("--municipality", "999999")
    assert "999999" in str(exc.value)
