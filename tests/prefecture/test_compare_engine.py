"""The side by side's rules: the median, the marks, the order and the tile classes."""

from __future__ import annotations

import itertools
import statistics
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from chiiki.prefecture import compare as engine

values = st.lists(
    st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=1)), max_size=70
)


def _rows(found: list[Decimal | None]) -> list[engine.Row]:
    return [
        engine.Row(f"{43000 + i:06d}", f"町{i}", {"x": engine.Cell(v, str(v))})
        for i, v in enumerate(found)
    ]


@given(values)
def test_the_median_is_the_middle_of_the_values_given(found):
    given_ = [v for v in found if v is not None]
    middle = engine.median(found, places=1)
    if not given_:
        assert middle is None
        return
    assert middle == Decimal(str(statistics.median(given_))).quantize(Decimal("0.01"))
    assert sum(v < middle for v in given_) <= len(given_) / 2
    assert sum(v > middle for v in given_) <= len(given_) / 2


@given(values, st.booleans())
def test_the_order_puts_missing_values_last_and_ties_in_code_order(found, descending):
    rows = engine.ordered(_rows(found), "x", descending)
    have = [r for r in rows if r.value("x") is not None]
    assert rows[len(have) :] == [r for r in rows if r.value("x") is None]
    keys = [r.value("x") for r in have]
    assert keys == sorted(keys, reverse=descending)
    for a, b in itertools.pairwise(have):
        if a.value("x") == b.value("x"):
            assert a.code < b.code
    assert sorted(r.code for r in rows) == [r.code for r in _rows(found)]


@given(values)
def test_marks_follow_the_median(found):
    rows = _rows(found)
    middle = engine.medians(rows, [engine.Column("x", "x", "%", "g")])["x"]
    for r in rows:
        v = r.value("x")
        expected = "" if v is None else "▲" if v > middle else "▼" if v < middle else "＝"
        assert r.marks["x"] == expected


@given(values)
def test_tile_classes_rise_with_the_value_and_stay_within_five(found):
    rows = _rows(found)
    classes = engine.quantile_classes({r.code: r.value("x") for r in rows})
    assert set(classes) == {r.code for r in rows if r.value("x") is not None}
    assert all(1 <= k <= engine.CLASSES for k in classes.values())
    pairs = sorted((r.value("x"), classes[r.code]) for r in rows if r.value("x") is not None)
    assert [k for _, k in pairs] == sorted(k for _, k in pairs)
    same = {}
    for v, k in pairs:
        assert same.setdefault(v, k) == k  # equal values share a class


def test_tiles_run_in_code_order_eight_to_a_row():
    rows = _rows([Decimal(i) for i in range(45)])[::-1]
    tiles = engine.tiles(rows, "x")
    assert [t.code for t in tiles] == sorted(r.code for r in rows)
    assert (tiles[0].x, tiles[0].y) == (0, 0)
    assert (tiles[8].x, tiles[8].y) == (0, 1)
    assert (tiles[44].x, tiles[44].y) == (4, 5)
    assert tiles[0].klass == 1 and tiles[44].klass == 5


def test_a_median_is_written_as_its_column_is():
    count = engine.Column("n", "総人口", "人", "人口", places=0)
    rate = engine.Column("r", "高齢化率", "%", "人口")
    assert engine.shown(Decimal("31459.0"), count) == "31,459人"
    assert engine.shown(Decimal("31459.5"), count) == "31,459.5人"
    assert engine.shown(Decimal("34.40"), rate) == "34.40%"
