"""The tariff engine against the guide's fee table for ちょい加勢 (国東市)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from chiiki.mutualaid.tariff import TariffError, available_tariffs, load_tariff, parse_tariff, quote

CHOI = load_tariff("choi-kase")
TASK_KEYS = [
    "weeding",
    "mowing",
    "tilling",
    "shopping",
    "company",
    "repair",
    "rubbish",
    "field_work",
]


def test_the_shipped_tariff_has_exactly_the_tasks_of_the_issue():
    assert list(CHOI.tasks) == TASK_KEYS
    assert CHOI.tasks["mowing"].label == "草刈り"
    assert CHOI.tasks["tilling"].label == "耕し"
    assert CHOI.max_minutes == 60
    assert "choi-kase" in available_tariffs()


# The guide: 30分以内 300円 / 60分以内 600円; 耕し・草刈り +100円 (30分以内) / +200円 (60分以内).
@pytest.mark.parametrize(
    ("task", "minutes", "fee", "parts"),
    [
        ("weeding", 1, 300, [300]),
        ("weeding", 30, 300, [300]),
        ("weeding", 31, 600, [600]),
        ("weeding", 60, 600, [600]),
        ("shopping", 15, 300, [300]),
        ("company", 45, 600, [600]),
        ("mowing", 1, 400, [300, 100]),
        ("mowing", 30, 400, [300, 100]),
        ("mowing", 31, 800, [600, 200]),
        ("mowing", 45, 800, [600, 200]),
        ("mowing", 60, 800, [600, 200]),
        ("tilling", 30, 400, [300, 100]),
        ("tilling", 60, 800, [600, 200]),
        ("field_work", 60, 600, [600]),
    ],
)
def test_it_reproduces_the_guides_fee_table_for_every_bracket_and_surcharge(
    task, minutes, fee, parts
):
    q = quote(CHOI, task, minutes)
    assert q.fee == fee
    assert [p.amount for p in q.parts] == parts
    assert sum(p.amount for p in q.parts) == q.fee


def test_the_fuel_surcharge_is_named_in_the_breakdown():
    q = quote(CHOI, "mowing", 45)
    assert [p.key for p in q.parts] == ["base", "fuel"]
    assert q.parts[1].label == "燃料代（60分以内）"


@pytest.mark.parametrize(("minutes", "words"), [(61, "上限 60分"), (0, "1分以上"), (-5, "1分以上")])
def test_a_job_over_the_maximum_or_of_no_time_is_refused_with_the_reason(minutes, words):
    with pytest.raises(TariffError, match=words):
        quote(CHOI, "weeding", minutes)


def test_an_unknown_task_is_refused_with_the_tasks_that_exist():
    with pytest.raises(TariffError, match="weeding（草取り）"):
        quote(CHOI, "painting", 20)


def test_an_unknown_tariff_names_the_ones_there_are():
    with pytest.raises(TariffError, match="choi-kase"):
        load_tariff("nope")
    with pytest.raises(TariffError):
        load_tariff("../settings")


def test_another_service_is_another_file_with_a_cap_and_its_own_brackets(tmp_path: Path):
    (tmp_path / "aji.yaml").write_text(
        "key: aji\nname: 庵治支援隊\nmax_minutes: 120\ncap: 900\n"
        "brackets:\n  - {up_to: 60, fee: 500}\n  - {up_to: 120, fee: 1000}\n"
        "tasks:\n  shopping: {label: 買い物}\n  tidying: {label: 整理整頓}\n",
        encoding="utf-8",
    )
    aji = load_tariff("aji", tmp_path)
    assert quote(aji, "tidying", 50).fee == 500
    q = quote(aji, "tidying", 90)
    assert q.fee == 900 and [p.key for p in q.parts] == ["base", "cap"]


@pytest.mark.parametrize(
    ("yaml_data", "words"),
    [
        ({"key": "x", "name": "x"}, "max_minutes"),
        (
            {
                "key": "x",
                "name": "x",
                "max_minutes": 60,
                "brackets": [{"up_to": 30, "fee": 1}],
                "tasks": {"a": {}},
            },
            "届きません",
        ),
        (
            {
                "key": "x",
                "name": "x",
                "max_minutes": 60,
                "brackets": [{"up_to": 60, "fee": 1}],
                "tasks": {"a": {"tools": ["saw"]}},
            },
            "saw",
        ),
        (
            {
                "key": "x",
                "name": "x",
                "max_minutes": 60,
                "brackets": [{"up_to": 60, "fee": 1}, {"up_to": 30, "fee": 1}],
                "tasks": {"a": {}},
            },
            "昇順",
        ),
    ],
)
def test_a_malformed_tariff_is_refused_with_what_is_wrong(yaml_data, words):
    with pytest.raises(TariffError, match=words):
        parse_tariff(yaml_data)


@given(task=st.sampled_from(TASK_KEYS), minutes=st.integers(min_value=1, max_value=60))
def test_any_valid_job_costs_300_or_600_plus_fuel_only_for_mowing_and_tilling(task, minutes):
    q = quote(CHOI, task, minutes)
    base = 300 if minutes <= 30 else 600
    fuel = (100 if minutes <= 30 else 200) if task in {"mowing", "tilling"} else 0
    assert q.fee == base + fuel


def test_the_points_rule_gives_one_point_per_thirty_minutes_begun():
    rule = CHOI.points
    assert [rule.points_for(m) for m in (0, 1, 30, 31, 60)] == [0, 1, 1, 2, 2]


def test_the_quote_command_prints_the_fee_and_its_breakdown(capsys):
    call_command(
        "mutualaid", "quote", "--tariff", "choi-kase", "--task", "mowing", "--minutes", "45"
    )
    out = capsys.readouterr().out
    assert (
        "基本料金（60分以内）: 600円" in out
        and "燃料代（60分以内）: 200円" in out
        and "合計: 800円" in out
    )


def test_the_quote_command_answers_json_with_the_fee_and_its_parts(capsys):
    call_command(
        "mutualaid",
        "quote",
        "--tariff",
        "choi-kase",
        "--task",
        "mowing",
        "--minutes",
        "45",
        "--format",
        "json",
    )
    data = json.loads(capsys.readouterr().out)
    assert data["fee"] == 800
    assert [(p["key"], p["amount"]) for p in data["parts"]] == [("base", 600), ("fuel", 200)]


@pytest.mark.parametrize(
    ("minutes", "task", "words"),
    [
        ("75", "mowing", "上限"),
        ("0", "mowing", "1分以上"),
        ("-3", "weeding", "1分以上"),
        ("45", "painting", "ありません"),
        ("abc", "weeding", "整数"),
    ],
)
def test_the_quote_command_refuses_bad_input_with_a_reason(minutes, task, words):
    with pytest.raises(CommandError, match=words):
        call_command("mutualaid", "quote", "--task", task, "--minutes", minutes)


def test_the_console_script_exits_non_zero_with_the_reason_on_stderr():
    import os
    import subprocess
    import sys

    env = {**os.environ, "CHIIKI_TESTING": "1"}
    cmd = [
        sys.executable,
        "-m",
        "chiiki",
        "mutualaid",
        "quote",
        "--tariff",
        "choi-kase",
        "--task",
        "mowing",
    ]
    ok = subprocess.run(
        [*cmd, "--minutes", "45"], capture_output=True, text=True, env=env, check=False
    )
    assert ok.returncode == 0 and "合計: 800円" in ok.stdout
    refused = subprocess.run(
        [*cmd, "--minutes", "90"], capture_output=True, text=True, env=env, check=False
    )
    assert refused.returncode != 0
    assert "上限 60分" in refused.stderr
