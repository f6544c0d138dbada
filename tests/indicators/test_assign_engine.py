"""The district assignment engine against exhaustive search, and its baseline."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiiki.indicators.assignment import (
    AssignmentError,
    District,
    assign,
    greedy,
    parse_weight,
)


def brute_force(districts: list[District], staff: int, weight: Fraction, within: bool) -> Fraction:
    """The least heaviest load over every assignment (each staff member at least one
    district; with ``within``, one life area each)."""
    best: Fraction | None = None
    loads = [d.load(weight) for d in districts]
    for labels in itertools.product(range(staff), repeat=len(districts)):
        if len(set(labels)) < staff:
            continue
        if within and any(
            len({d.life_area for d, j in zip(districts, labels, strict=True) if j == k}) > 1
            for k in range(staff)
        ):
            continue
        heaviest = max(
            sum((x for x, j in zip(loads, labels, strict=True) if j == k), Fraction(0))
            for k in range(staff)
        )
        best = heaviest if best is None else min(best, heaviest)
    assert best is not None
    return best


@st.composite
def instances(draw):
    n = draw(st.integers(1, 8))
    staff = draw(st.integers(1, min(3, n)))
    areas = draw(st.integers(1, 3))
    districts = [
        District(
            f"地区{i}",
            f"圏域{draw(st.integers(0, areas - 1))}",
            aged := draw(st.integers(0, 400)),
            draw(st.integers(0, aged)),
        )
        for i in range(n)
    ]
    weight = draw(st.sampled_from([Fraction(0), Fraction(1), Fraction(3, 2), Fraction(1, 8)]))
    within = draw(st.booleans()) and staff >= len({d.life_area for d in districts})
    return districts, staff, weight, within


def _check(result, districts, staff, weight, within) -> None:
    assert result.staff == staff == len(result.groups)
    assert [g.staff for g in result.groups] == list(range(1, staff + 1))
    names = [name for g in result.groups for name in g.districts]
    assert sorted(names) == sorted(d.name for d in districts)
    by_name = {d.name: d for d in districts}
    for g in result.groups:
        assert g.districts
        assert g.load == sum((by_name[n].load(weight) for n in g.districts), Fraction(0))
        if within:
            assert {by_name[n].life_area for n in g.districts} == {g.life_area}
    assert result.max_load == max(g.load for g in result.groups)


@settings(max_examples=60, deadline=None)
@given(instances())
def test_the_assignment_is_the_exhaustive_searchs_optimum(case):
    districts, staff, weight, within = case
    best = brute_force(districts, staff, weight, within)
    for fill in (True, False):
        result = assign(districts, staff, weight=weight, within_life_area=within, fill=fill)
        _check(result, districts, staff, weight, within)
        assert result.proven
        assert result.max_load == best


@settings(max_examples=150, deadline=None)
@given(instances())
def test_the_greedy_is_never_better_than_the_programme(case):
    districts, staff, weight, within = case
    base = greedy(districts, staff, weight=weight, within_life_area=within)
    _check(base, districts, staff, weight, within)
    assert (
        base.max_load >= assign(districts, staff, weight=weight, within_life_area=within).max_load
    )


def test_a_known_case_where_the_greedy_is_beaten():
    # LPT on 3,3,2,2,2 for two staff: 3+2+2=7 against 3+3... the optimum is 6 (3+3 | 2+2+2).
    districts = [District(f"d{i}", "全域", n) for i, n in enumerate([3, 3, 2, 2, 2])]
    assert greedy(districts, 2).max_load == 7
    result = assign(districts, 2)
    assert result.max_load == 6 and result.proven
    assert result.as_json() == {
        "staff": 2,
        "max_load": 6,
        "groups": [
            {"staff": 1, "districts": ["d0", "d1"], "load": 6},
            {"staff": 2, "districts": ["d2", "d3", "d4"], "load": 6},
        ],
    }


def test_within_life_area_keeps_each_staff_member_in_one_area_and_numbers_by_area():
    districts = [
        District("a1", "北", 300),
        District("b1", "南", 100),
        District("a2", "北", 300),
        District("b2", "南", 100),
    ]
    result = assign(districts, 3, within_life_area=True)
    assert [g.districts for g in result.groups] == [("a1",), ("a2",), ("b1", "b2")]
    assert result.max_load == 300
    assert assign(districts, 2).max_load == 400


def test_a_decimal_weight_keeps_the_load_exact():
    districts = [District("x", "全域", 10, 3), District("y", "全域", 10, 1)]
    result = assign(districts, 1, weight=parse_weight("0.1"))
    assert result.max_load == Fraction(204, 10)
    assert result.as_json()["max_load"] == 20.4


def test_the_result_is_the_same_every_time():
    # Small enough to be proven quickly (20 districts to 5 staff can take the 20 s limit).
    districts = [District(f"d{i}", f"a{i % 2}", 30 + (i * 37) % 300) for i in range(12)]
    first = assign(districts, 4)
    assert first.proven
    assert all(assign(districts, 4).as_json() == first.as_json() for _ in range(3))


@pytest.mark.parametrize(
    ("staff", "within", "message"),
    [
        (0, False, "1人以上"),
        (101, False, "100人以下"),
        (3, False, "地区が2か所しかなく"),
        (1, True, "圏域が2つあり"),
    ],
)
def test_impossible_staff_counts_are_refused_with_the_reason(staff, within, message):
    districts = [District("a", "北", 1), District("b", "南", 1)]
    with pytest.raises(AssignmentError, match=message):
        assign(districts, staff, within_life_area=within)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-1", "負にできません"),
        ("abc", "0以上100以下"),
        ("0.0001", "3桁まで"),
        ("101", "100以下"),
        ("nan", "0以上"),
    ],
)
def test_bad_weights_are_refused(raw, message):
    with pytest.raises(AssignmentError, match=message):
        parse_weight(raw)


def test_weights_are_read_as_decimals():
    assert parse_weight("1.5") == Fraction(3, 2)
    assert parse_weight("２") == 2
    assert parse_weight(None) == 0
