"""The needs-survey rules, the answer parser, rule-set checks and the aggregation: no database."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiiki.surveys import aggregate, answers, rules, scoring

NEEDS = rules.builtin_ruleset(rules.NEEDS_DEFAULT)
INST = rules.instrument("needs")
ITEMS = [i.id for i in INST.items if i.kind == "choice"]


def needs(**values) -> dict:
    row = {i: None for i in ITEMS} | {"height_cm": None, "weight_kg": None} | values
    schema = {**dict.fromkeys(ITEMS, pl.Int8), "height_cm": pl.Float64, "weight_kg": pl.Float64}
    return scoring.score(pl.DataFrame([row], schema=schema), NEEDS).row(0, named=True)


def test_the_needs_rule_set_is_marked_provisional_and_states_its_uncertainty():
    assert NEEDS.status == "provisional" and "一次資料" in NEEDS.uncertainty
    assert NEEDS.ref == "needs_default 2026.1（provisional）"


def test_motor_function_needs_three_of_five():
    assert needs(stairs=3, chair_stand=3, walk_15min=1, falls=3, fall_anxiety=4)["motor"] == 0
    assert needs(stairs=3, chair_stand=3, walk_15min=1, falls=2, fall_anxiety=4)["motor"] == 1
    assert needs(stairs=3, chair_stand=3)["motor"] is None  # three unanswered could still make it


def test_withdrawal_counts_once_a_week():
    assert needs(outings_weekly=2)["withdrawal"] == 1
    assert needs(outings_weekly=3)["withdrawal"] == 0


def test_undernutrition_needs_low_bmi_and_weight_loss():
    assert needs(height_cm=160, weight_kg=47.35, weight_loss=1)["nutrition"] == 1
    assert needs(height_cm=160, weight_kg=47.36, weight_loss=1)["nutrition"] == 0  # exactly 18.5
    assert needs(height_cm=160, weight_kg=40, weight_loss=2)["nutrition"] == 0
    assert needs(weight_loss=2)["nutrition"] == 0  # decided without the BMI
    assert needs(weight_loss=1)["nutrition"] is None


def test_iadl_score_and_band():
    full = needs(iadl_bus=1, iadl_shopping=2, iadl_meals=1, iadl_bills=1, iadl_savings=3)
    assert (full["iadl"], full["iadl_band"], full["iadl_low"]) == (4, "やや低い", 1)
    partial = needs(iadl_bus=3, iadl_shopping=3, iadl_meals=3)
    assert (partial["iadl"], partial["iadl_band"], partial["iadl_low"]) == (None, "低い", 1)
    unknown = needs(iadl_bus=1, iadl_shopping=1, iadl_meals=1, iadl_bills=1)
    assert unknown["iadl_band"] is None and unknown["iadl_low"] is None


def test_optional_determinations_appear_only_when_their_items_were_asked():
    frame = pl.DataFrame({"stairs": [1]}, schema={"stairs": pl.Int8})
    assert "intellectual_low" not in scoring.score(frame, NEEDS).columns
    frame = pl.DataFrame({"intel_forms": [2]}, schema={"intel_forms": pl.Int8})
    assert scoring.score(frame, NEEDS)["intellectual_low"][0] == 1


def test_the_variant_rule_set_reads_the_same_answers_differently():
    variant = rules.builtin_ruleset("needs_variant_any")
    frame = pl.DataFrame([{"height_cm": 160.0, "weight_kg": 47.36, "weight_loss": 2}])
    assert scoring.score(frame, variant)["nutrition"][0] == 1  # BMI <= 18.5 or weight loss
    assert scoring.score(frame, NEEDS)["nutrition"][0] == 0


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1", 1),
        ("１", 1),
        ("はい", 1),
        ("1.はい", 1),
        ("１．はい", 1),
        (" 2 ", 2),
        ("いいえ", 2),
        ("ｲｲｴ", 2),
        ("", None),
    ],
)
def test_answers_are_read_as_number_text_or_both(raw, code):
    assert answers.parse_choice(raw, INST.item("forgetful")) == code


@pytest.mark.parametrize("raw", ["3", "たぶん", "1.いいえ", "0"])
def test_a_bad_answer_says_what_was_expected(raw):
    with pytest.raises(answers.AnswerError, match=re.escape("1.はい、2.いいえ")):
        answers.parse_choice(raw, INST.item("forgetful"))


@pytest.mark.parametrize("raw", ["160.123", "abc", "300", "-5"])
def test_heights_must_be_decimals_with_two_places_in_range(raw):
    with pytest.raises(answers.AnswerError):
        answers.parse_number(raw, INST.item("height_cm"))


def test_a_rule_set_that_refers_to_an_unknown_flag_is_refused():
    data = {
        "name": "x",
        "instrument": "needs",
        "version": "1",
        "status": "draft",
        "flags": {"falls": {"answers": [1]}},
        "determinations": [{"id": "d", "rule": {"count": ["nope"], "at_least": 1}}],
    }
    with pytest.raises(rules.RuleSetError, match="nope"):
        rules.ruleset_from_dict(data, INST)
    data["flags"] = {"falls": {"answers": [9]}}
    data["determinations"] = [{"id": "d", "rule": {"any": ["falls"]}}]
    with pytest.raises(rules.RuleSetError, match="選択肢"):
        rules.ruleset_from_dict(data, INST)


def test_wilson_interval_known_values():
    low, high = aggregate.wilson(10, 100)
    assert low == pytest.approx(0.05523, abs=1e-4) and high == pytest.approx(0.17437, abs=1e-4)
    assert aggregate.wilson(0, 10)[0] == 0.0 and aggregate.wilson(10, 10)[1] == 1.0


def test_aggregation_excludes_undetermined_from_the_denominator_and_suppresses_small_groups():
    frame = pl.DataFrame(
        {
            "area": ["A"] * 12 + ["B"] * 3 + ["C"] * 11,
            "r": [1] * 6 + [0] * 4 + [None] * 2 + [1, 1, 1] + [0] * 11,
        },
        schema={"area": pl.String, "r": pl.Int8},
    )
    out = aggregate.aggregate(frame, ["area"], ["r"], suppress=10)
    a = out.filter(pl.col("area") == "A").row(0, named=True)
    assert (a["respondents"], a["determined"], a["positive"], a["undetermined"]) == (12, 10, 6, 2)
    assert a["rate"] == pytest.approx(0.6) and not a["suppressed"]
    b = out.filter(pl.col("area") == "B").row(0, named=True)
    assert b["suppressed"] and b["rate"] is None and b["respondents"] is None
    # B alone hidden would be 全体 − A − C: the smallest other group is hidden with it.
    c = out.filter(pl.col("area") == "C").row(0, named=True)
    assert c["suppressed"] and c["respondents"] is None
    total = out.filter(pl.col("area") == aggregate.TOTAL_LABEL).row(0, named=True)
    assert total["respondents"] == 26 and total["determined"] == 24


def test_no_hidden_group_can_be_worked_out_by_subtraction_from_a_margin():
    sizes = {
        ("須佐", "M"): 3,
        ("須佐", "F"): 30,
        ("旭", "M"): 40,
        ("旭", "F"): 25,
        ("福栄", "M"): 50,
        ("福栄", "F"): 60,
    }
    hidden = aggregate.complementary_suppression(sizes, 10)
    assert ("須佐", "M") in hidden
    for axis in (0, 1):
        lines: dict = {}
        for k in sizes:
            lines.setdefault(k[1 - axis], []).append(k)
        for members in lines.values():
            assert sum(k in hidden for k in members) != 1
    # district → life area: a lone hidden district under its life area takes a sibling with it.
    sizes = {("須佐",): 4, ("田万川",): 40, ("旭",): 50, ("福栄",): 60}
    parent = {"須佐": "北部", "田万川": "北部", "旭": "南部", "福栄": "南部"}
    hidden = aggregate.complementary_suppression(sizes, 10, [parent])
    assert {("須佐",), ("田万川",)} <= hidden and ("旭",) not in hidden


def test_a_group_clearly_above_the_municipality_is_marked():
    frame = pl.DataFrame(
        {"area": ["A"] * 100 + ["B"] * 400, "r": [1] * 60 + [0] * 40 + [1] * 40 + [0] * 360},
        schema={"area": pl.String, "r": pl.Int8},
    )
    out = aggregate.aggregate(frame, ["area"], ["r"])
    assert out.filter(pl.col("area") == "A")["above"][0] is True
    assert out.filter(pl.col("area") == "B")["above"][0] is False


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([0, 1, None]), min_size=1, max_size=60))
def test_rates_stay_inside_their_interval(values):
    frame = pl.DataFrame(
        {"g": ["x"] * len(values), "r": values}, schema={"g": pl.String, "r": pl.Int8}
    )
    row = aggregate.aggregate(frame, ["g"], ["r"], suppress=0).row(0, named=True)
    if row["determined"]:
        assert row["ci_low"] <= row["rate"] <= row["ci_high"]
    assert row["determined"] + row["undetermined"] == len(values)


def test_the_cli_scores_and_aggregates_a_cp932_file(tmp_path):
    from django.core.management import call_command

    from .conftest import HEADER, needs_rows

    rows = [
        r.replace(",須佐,", ",北部,").replace(",旭,", ",南部,")
        for r in needs_rows(30, ["須佐", "旭"])
    ]
    src = tmp_path / "in.csv"
    src.write_bytes(("\r\n".join([HEADER.replace("地区", "圏域"), *rows]) + "\r\n").encode("cp932"))
    out = tmp_path / "out.csv"
    call_command("survey", "score", str(src), "-o", str(out))
    scored = pl.read_csv(out, infer_schema=False)
    assert {"id", "life_area", "sex", "age", "age_band"} <= set(scored.columns)
    assert set(scored["motor"].unique()) <= {"0", "1", "-"} and "iadl_band" in scored.columns
    agg = tmp_path / "agg.csv"
    call_command(
        "survey", "aggregate", str(out), "--by", "life_area,sex", "--suppress", "5", "-o", str(agg)
    )
    table = pl.read_csv(agg)
    assert {
        "risk",
        "respondents",
        "rate",
        "ci_low",
        "ci_high",
        "undetermined",
        "suppressed",
        "rule_set",
    } <= set(table.columns)
    js = tmp_path / "out.json"
    call_command("survey", "score", str(src), "--format", "json", "-o", str(js))
    assert json.loads(js.read_text())[0]["rule_set"].startswith("needs_default")


def test_the_kcl_cli_reports_every_bad_cell_and_writes_nothing(tmp_path):
    from django.core.management import CommandError, call_command

    header = "id," + ",".join(f"q{i}" for i in range(1, 26) if i != 12) + ",height_cm,weight_kg"
    src = tmp_path / "k.csv"
    src.write_text(f"{header}\nA," + ",".join(["0"] * 23 + ["x"]) + ",160,abc\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    with pytest.raises(CommandError) as exc:
        call_command("kcl", "score", str(src), "-o", str(out))
    assert "2行目「q25」列: 「x」" in str(exc.value) and "2行目「weight_kg」列" in str(exc.value)
    assert not out.exists()


@pytest.mark.parametrize(
    ("encoding", "prefix"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp932", b"")]
)
def test_csv_encodings_are_detected_even_for_a_tiny_japanese_file(encoding, prefix):
    frame, found = answers.read_frame(
        prefix + "被保険者番号,性別\n3520470201,女\n".encode(encoding), "m.csv"
    )
    assert frame.columns[1:] == ["被保険者番号", "性別"] and frame["性別"][0] == "女"
    assert found == {"utf-8": "utf-8-sig" if prefix else "utf-8", "cp932": "cp932"}[encoding]


CHOICES = {i.id: sorted(i.options) for i in INST.items if i.kind == "choice"}
USED = sorted({it for f in NEEDS.flags.values() for it in f.items} - {"height_cm", "weight_kg"})


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_a_decided_needs_result_holds_for_every_completion_of_the_missing_answers(data):
    sheet = {i: data.draw(st.one_of(st.none(), st.sampled_from(CHOICES[i])), label=i) for i in USED}
    height = data.draw(st.one_of(st.none(), st.sampled_from([150.0, 160.0])))
    weight = data.draw(st.one_of(st.none(), st.sampled_from([40.0, 47.36, 60.0])))
    result = needs(**sheet, height_cm=height, weight_kg=weight)
    for _ in range(3):
        filled = {
            i: v if v is not None else data.draw(st.sampled_from(CHOICES[i]))
            for i, v in sheet.items()
        }
        complete = needs(**filled, height_cm=height or 160.0, weight_kg=weight or 45.0)
        for d in [*NEEDS.determination_ids, "iadl_band"]:
            if d in result and result[d] is not None:
                assert complete[d] == result[d], d


def test_blank_lines_are_skipped_but_keep_the_row_numbers_excel_shows():
    frame, _ = answers.read_frame(b"id,forgetful\n1,1\n\n2,x\n", "t.csv")
    assert frame[answers.ROW].to_list() == [2, 4]
    prepared = answers.prepare(frame, {"id": "id", "forgetful": "forgetful"}, INST)
    assert [e.row for e in prepared.errors] == [4]


def test_the_kcl_cli_output_columns_are_the_contract(tmp_path):
    from django.core.management import call_command

    header = "id," + ",".join(f"q{i}" for i in range(1, 26) if i != 12) + ",height_cm,weight_kg"
    src = tmp_path / "k.csv"
    lines = [
        header,
        "A," + ",".join(["いいえ", "1.いいえ", "１"] + ["0"] * 21) + ",160,47.36",
        "B," + ",".join([""] * 24) + ",,",
    ]
    src.write_bytes(("\n".join(lines) + "\n").encode("cp932"))
    out = tmp_path / "o.csv"
    call_command("kcl", "score", str(src), "-o", str(out))
    text = out.read_text(encoding="utf-8").splitlines()
    assert text[0] == "id,total_1_20,total_25,band,c1,c2,c3,c4,c5,c6,c7,eligible,missing"
    assert text[1] == "A,3,3,robust,0,0,0,0,0,0,0,0,"
    assert text[2].startswith("B,-,-,-,-,-,-,-,-,-,-,-,q1 q2 q3")


def test_the_engine_modules_import_no_django():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import chiiki.surveys.rules, chiiki.surveys.scoring, chiiki.surveys.aggregate\n"
        "import chiiki.surveys.answers, chiiki.surveys.sql, chiiki.surveys.cli, chiiki.surveys.suggest\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'ninja'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PATH": ""})


def test_a_missing_age_falls_in_no_age_band():
    frame = pl.DataFrame({"age": [64, 65, 89, 90, None]}, schema={"age": pl.Int64})
    bands = frame.select(aggregate.age_band_expr(pl.col("age"))).to_series().to_list()
    assert bands == ["-64", "65-69", "85-89", "90+", None]
