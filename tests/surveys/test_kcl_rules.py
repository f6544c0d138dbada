"""Known answers for the 基本チェックリスト rules (RULES.md §1) and properties of the engine."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiiki.surveys.rules import KCL, builtin_ruleset
from chiiki.surveys.scoring import kcl_score

RULES = builtin_ruleset(KCL)
ITEMS = [f"q{i}" for i in range(1, 26) if i != 12]


def kcl(
    points: dict[int, int | None] | None = None,
    *,
    height: float | None = 160,
    weight: float | None = 60,
    default: int | None = 0,
) -> dict:
    """Score one respondent: every item answered ``default`` unless given in ``points``."""
    row: dict = {"id": "x", "height_cm": height, "weight_kg": weight}
    for i in range(1, 26):
        if i != 12:
            row[f"q{i}"] = (points or {}).get(i, default)
    frame = pl.DataFrame(
        [row],
        schema={
            "id": pl.String,
            "height_cm": pl.Float64,
            "weight_kg": pl.Float64,
            **dict.fromkeys(ITEMS, pl.Int8),
        },
    )
    return kcl_score(frame, RULES).row(0, named=True)


def test_a_person_with_no_risk_answers_is_robust_and_not_eligible():
    r = kcl()
    assert (r["total_1_20"], r["total_25"], r["band"], r["eligible"], r["missing"]) == (
        0,
        0,
        "robust",
        0,
        "",
    )
    assert [r[f"c{i}"] for i in range(1, 8)] == [0] * 7


def test_bmi_of_exactly_18_5_scores_no_point_for_item_12():
    # 160 cm, 47.36 kg is exactly 18.5 in decimal arithmetic (binary floats give 18.4999…).
    assert kcl({11: 1}, height=160, weight=47.36)["c3"] == 0
    assert kcl({11: 1}, height=160, weight=47.35)["c3"] == 1


def test_criterion_3_needs_both_weight_loss_and_low_bmi():
    assert kcl({11: 1}, weight=40)["c3"] == 1
    assert kcl({11: 0}, weight=40)["c3"] == 0
    assert kcl({11: 1}, weight=70)["c3"] == 0


def test_item_12_counts_towards_criterion_1():
    nine = dict.fromkeys(range(1, 10), 1)
    assert kcl(nine, weight=70)["c1"] == 0
    assert kcl(nine, weight=40)["c1"] == 1
    assert kcl(nine, weight=40)["total_1_20"] == 10


def test_items_21_to_25_do_not_count_towards_criterion_1():
    r = kcl({**dict.fromkeys(range(1, 10), 1), 21: 1, 22: 1, 23: 1})
    assert r["total_1_20"] == 9 and r["c1"] == 0 and r["total_25"] == 12


@pytest.mark.parametrize(
    ("points", "expected"), [({6: 1, 7: 1}, 0), ({6: 1, 7: 1, 10: 1}, 1), ({8: 1, 9: 1, 10: 1}, 1)]
)
def test_criterion_2_needs_three_of_items_6_to_10(points, expected):
    assert kcl(points)["c2"] == expected


@pytest.mark.parametrize(
    ("points", "expected"), [({13: 1}, 0), ({13: 1, 15: 1}, 1), ({13: 1, 14: 1, 15: 1}, 1)]
)
def test_criterion_4_needs_two_of_items_13_to_15(points, expected):
    assert kcl(points)["c4"] == expected


def test_criterion_5_is_item_16_and_item_17_alone_never_qualifies():
    assert kcl({16: 1})["c5"] == 1 and kcl({16: 1})["eligible"] == 1
    alone = kcl({17: 1})
    assert alone["c5"] == 0 and alone["eligible"] == 0


@pytest.mark.parametrize("item", [18, 19, 20])
def test_criterion_6_is_any_of_items_18_to_20(item):
    assert kcl({item: 1})["c6"] == 1


def test_criterion_7_needs_two_of_items_21_to_25():
    assert kcl({21: 1})["c7"] == 0
    assert kcl({21: 1, 25: 1})["c7"] == 1
    assert kcl({21: 1, 25: 1})["eligible"] == 1


@pytest.mark.parametrize(
    ("total", "band"), [(3, "robust"), (4, "prefrail"), (7, "prefrail"), (8, "frail")]
)
def test_frailty_bands_follow_satake_2016(total, band):
    assert kcl(dict.fromkeys(range(21 - total, 21), 1) if total else {}, weight=70)["band"] == band


def test_missing_answers_that_could_change_the_result_make_it_undetermined():
    r = kcl({6: 1, 7: 1, 8: None})
    assert r["c2"] is None  # 2 of 5 with one unknown: could reach 3
    assert r["eligible"] is None
    assert r["total_1_20"] is None
    assert r["missing"] == "q8"


def test_missing_answers_that_cannot_change_the_result_leave_it_decided():
    r = kcl({6: 1, 7: 1, 8: 1, 9: None})
    assert r["c2"] == 1 and r["eligible"] == 1  # already 3 of 5
    r = kcl({6: None, 7: 0, 8: 0, 9: 0, 10: 0})
    assert r["c2"] == 0  # at most 1 of 5
    assert r["c1"] == 0  # at most 1 of 20


def test_missing_height_makes_item_12_and_criterion_3_undetermined_only_when_it_matters():
    assert kcl({11: 1}, height=None)["c3"] is None
    assert kcl({11: 0}, height=None)["c3"] == 0
    assert kcl({11: 1}, height=None)["missing"] == "q12"


def test_a_band_is_decided_when_all_possible_totals_fall_in_it():
    r = kcl({i: 1 for i in range(1, 9)} | {25: None}, weight=70)
    assert r["total_25"] is None and r["band"] == "frail"
    assert kcl({1: 1, 2: 1, 3: 1, 25: None}, weight=70)["band"] is None


answer = st.sampled_from([0, 1, None])
people = st.fixed_dictionaries({i: answer for i in range(1, 26) if i != 12})
determinations = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "eligible"]


@settings(max_examples=150, deadline=None)
@given(people, st.sampled_from([i for i in range(1, 26) if i != 12]))
def test_a_flag_never_turns_off_when_a_risk_answer_is_added(points, item):
    before = kcl(points, weight=40)
    after = kcl({**points, item: 1}, weight=40)
    for d in determinations:
        if before[d] == 1:
            assert after[d] == 1, d


@settings(max_examples=150, deadline=None)
@given(people, st.sampled_from([i for i in range(1, 26) if i != 12]))
def test_undetermined_never_becomes_0_by_deleting_answers(points, item):
    before = kcl(points, weight=40)
    after = kcl({**points, item: None}, weight=40)
    for d in determinations:
        if before[d] is None:
            assert after[d] is None, d
        if before[d] == 1 and after[d] == 0:
            pytest.fail(f"{d} flipped from 1 to 0 by deleting an answer")


@settings(max_examples=100, deadline=None)
@given(people)
def test_a_decided_result_agrees_with_every_completion_of_the_missing_answers(points):
    result = kcl(points, weight=40)
    for fill in (0, 1):
        complete = kcl({k: fill if v is None else v for k, v in points.items()}, weight=40)
        for d in determinations:
            if result[d] is not None:
                assert complete[d] == result[d], d
