"""Numbers of thousands of digits, or in other scripts' digits, in a count cell: refused
in Japanese like any other bad count."""

from __future__ import annotations

import pytest

from chiiki.prefecture.dispatch_file import parse_count
from chiiki.prefecture.services.support import attendance_count


@pytest.mark.parametrize("raw", ["1" * 5000, "٣" * 5000, "١٢"])
def test_a_count_of_thousands_of_digits_or_other_digits_is_refused_in_japanese(raw):
    with pytest.raises(ValueError, match="参加者数は0から1,000までの整数です"):
        attendance_count(raw)
    with pytest.raises(ValueError, match="件数は正の整数"):
        parse_count(raw)


def test_full_width_digits_still_count():
    assert attendance_count("１２人") == 12 and parse_count("１２") == 12
