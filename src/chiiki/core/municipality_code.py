"""全国地方公共団体コード (JIS X 0402): six digits, the last a check digit.

Check digit of digits a b c d e: ``(11 - (6a + 5b + 4c + 3d + 2e) mod 11) mod 10``
(総務省「全国地方公共団体コード」). Codes are kept as strings: 北海道 is 010006.
"""

from __future__ import annotations

_WEIGHTS = (6, 5, 4, 3, 2)


class MunicipalityCodeError(ValueError):
    """A code that is not six digits or whose check digit is wrong."""


def check_digit(first_five: str) -> int:
    """The check digit for the first five digits of a municipality code."""
    if len(first_five) != 5 or not first_five.isascii() or not first_five.isdigit():
        raise MunicipalityCodeError(f"先頭5桁の数字が必要です（{first_five!r}）")
    total = sum(w * int(c) for w, c in zip(_WEIGHTS, first_five, strict=True))
    return (11 - total % 11) % 10


def validate(code: str) -> str:
    """Return the code if valid; raise with a message naming the expected check digit."""
    text = code.strip()
    if len(text) != 6 or not text.isascii() or not text.isdigit():
        raise MunicipalityCodeError(
            f"地方公共団体コード「{code}」は6桁の数字ではありません（例: 萩市 352047）"
        )
    expected = check_digit(text[:5])
    if int(text[5]) != expected:
        raise MunicipalityCodeError(
            f"地方公共団体コード「{text}」の検査数字が誤っています。"
            f"先頭5桁「{text[:5]}」の検査数字は {expected} です（正: {text[:5]}{expected}）"
        )
    return text


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except MunicipalityCodeError:
        return False
    return True


def prefecture_code(code: str) -> str:
    """The two-digit prefecture part (35 for 萩市 352047)."""
    return validate(code)[:2]
