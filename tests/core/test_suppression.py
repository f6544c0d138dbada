"""Small-cell suppression: primary under the threshold, complementary until no published
margin has a lone hidden cell."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chiiki.core.suppression import Margin, lone_hidden, suppressed


def test_a_lone_small_cell_takes_the_smallest_other_with_it():
    counts = {"A": 12, "B": 3, "C": 11, "D": 40}
    hidden = suppressed(counts, [Margin(("A", "B", "C", "D"))])
    assert hidden == {"B", "C"}


def test_zero_is_not_small_and_is_hidden_only_when_nothing_else_can_be():
    counts = {"A": 0, "B": 4, "C": 30, "全体": 34}
    assert suppressed(counts, [Margin(("A", "B", "C"), total="全体")]) == {"B", "C"}
    counts = {"A": 0, "B": 4, "全体": 4}
    # 全体 is small itself: hidden first, so B is no longer alone.
    assert suppressed(counts, [Margin(("A", "B"), total="全体")]) == {"B", "全体"}


def test_a_total_in_the_table_is_hidden_only_when_no_member_can_be():
    counts = {"A": 5, "B": 50, "全体": 55}
    assert suppressed(counts, [Margin(("A", "B"), total="全体")]) == {"A", "B"}
    # B is published as it is elsewhere (its own margin of one): only 全体 can protect A.
    margins = [Margin(("B",)), Margin(("A", "B"), total="全体")]
    assert suppressed(counts, margins) == {"A", "全体"}


def test_complements_carry_over_from_one_margin_to_the_next():
    # 須佐 is small: its life area takes 田万川, and 全体 then has two hidden already.
    counts = {"須佐": 4, "田万川": 40, "旭": 50, "福栄": 60, "全体": 154}
    margins = [
        Margin(("須佐", "田万川")),
        Margin(("旭", "福栄")),
        Margin(("須佐", "田万川", "旭", "福栄"), total="全体"),
    ]
    assert suppressed(counts, margins) == {"須佐", "田万川"}


def test_a_member_published_alone_elsewhere_is_never_a_complement():
    # 朝来 is its life area's only district: its figure is on the life-area page as it is.
    counts = {"朝来": 30, "安岐": 5, "武蔵": 50}
    margins = [Margin(("朝来", "安岐", "武蔵")), Margin(("朝来",)), Margin(("安岐", "武蔵"))]
    # Without that, 朝来 (the smallest visible) would be hidden for 安岐, to no avail.
    assert suppressed(counts, margins) == {"安岐", "武蔵"}


@st.composite
def tables(draw):
    """Districts in life areas, with 全体; each life area's sum in the table or elsewhere."""
    areas = draw(
        st.lists(st.lists(st.integers(0, 40), min_size=1, max_size=5), min_size=1, max_size=5)
    )
    in_table = draw(st.booleans())
    counts: dict[str, int] = {}
    margins: list[Margin[str]] = []
    area_totals = []
    for a, districts in enumerate(areas):
        members = tuple(f"d{a}.{i}" for i in range(len(districts)))
        counts.update(zip(members, districts, strict=True))
        if in_table:
            counts[f"a{a}"] = sum(districts)
            area_totals.append(f"a{a}")
            margins.append(Margin(members, total=f"a{a}"))
        elif len(members) > 1:
            margins.append(Margin(members))
    counts["全体"] = sum(sum(d) for d in areas)
    everything = tuple(k for k in counts if k.startswith("d"))
    margins.append(Margin(everything, total="全体"))
    if in_table:
        margins.append(Margin(tuple(area_totals), total="全体"))
    threshold = draw(st.sampled_from([3, 5, 10]))
    return counts, margins, threshold


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_margin_has_one_hidden_cell_and_every_small_cell_is_hidden(table):
    counts, margins, threshold = table
    hidden = suppressed(counts, margins, threshold)
    assert {k for k, n in counts.items() if 0 < n < threshold} <= hidden
    for m in margins:
        cells = m.members + ((m.total,) if m.total is not None else ())
        assert sum(c in hidden for c in cells) != 1, (m, hidden)
    assert lone_hidden(hidden, margins) == []
