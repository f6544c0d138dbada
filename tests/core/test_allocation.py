import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiiki.core.allocation import largest_remainder


def test_leftover_units_go_to_the_largest_remainders():
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert largest_remainder(7, [0.5, 0.25, 0.25]) == [3, 2, 2]


def test_a_positive_total_over_zero_weights_is_refused():
    with pytest.raises(ValueError):
        largest_remainder(3, [0, 0])


@given(st.integers(0, 10**6), st.lists(st.floats(0.001, 1000), min_size=1, max_size=40))
def test_parts_always_add_up_to_the_total_and_stay_within_one_of_the_exact_share(total, weights):
    parts = largest_remainder(total, weights)
    assert sum(parts) == total
    whole = sum(weights)
    for part, w in zip(parts, weights, strict=True):
        assert abs(part - total * w / whole) < 1 + 1e-6
