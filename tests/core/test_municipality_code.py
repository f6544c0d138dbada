import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiiki.core.municipality_code import MunicipalityCodeError, check_digit, is_valid, validate

GUIDE_CODES = {
    "萩市": "352047",
    "国東市": "442143",
    "高松市": "372013",
    "川上村（長野県）": "203041",
    "川上村（奈良県）": "294527",
    "豊明市": "232297",
    "生駒市": "292095",
    "和光市": "112291",
    "佐々町": "423912",
    "北海道": "010006",
}


@pytest.mark.parametrize("name,code", GUIDE_CODES.items())
def test_the_guides_municipality_codes_are_valid(name, code):
    assert validate(code) == code


def test_a_wrong_check_digit_is_refused_with_the_expected_digit_named():
    with pytest.raises(MunicipalityCodeError, match="検査数字は 7 です"):
        validate("352048")


@pytest.mark.parametrize("bad", ["35204", "3520477", "35204a", "３５２０４７", ""])
def test_a_code_that_is_not_six_ascii_digits_is_refused(bad):
    assert not is_valid(bad)


def test_remainders_zero_and_one_give_check_digits_one_and_zero():
    # 6a+5b+4c+3d+2e ≡ 0 (mod 11) -> 11 mod 10 = 1; ≡ 1 -> 10 mod 10 = 0
    assert check_digit("00000") == 1
    assert check_digit("20000") == 0  # 6*2 = 12 ≡ 1 (mod 11)


@given(st.from_regex(r"\A[0-9]{5}\Z"))
def test_exactly_one_check_digit_makes_a_five_digit_prefix_valid(prefix):
    valid = [d for d in range(10) if is_valid(f"{prefix}{d}")]
    assert valid == [check_digit(prefix)]
    total = sum(w * int(c) for w, c in zip((6, 5, 4, 3, 2), prefix, strict=True))
    assert valid[0] == (11 - total % 11) % 10
