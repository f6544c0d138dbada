"""Japanese text normalisation for search and matching.

Searches must not care whether a name was typed in full-width or half-width forms, or in
hiragana or katakana: ｻﾄｳ, サトウ and さとう are the same query.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import jaconv

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def fold(text: str) -> str:
    """Fold text for comparison: NFKC (width), katakana to hiragana, lower case, no spaces.

    NFKC turns half-width katakana into full-width ones and full-width ASCII into ASCII;
    the katakana are then folded to hiragana so that 「サトウ」 matches 「さとう」.
    """
    normal = unicodedata.normalize("NFKC", _CONTROL.sub("", text))
    normal = jaconv.kata2hira(normal)
    return _SPACES.sub("", normal).lower()


def _starts_alone(c: str) -> bool:
    """A folded character that nothing before it can change: kana, kanji, 々, ー, ASCII
    digits and lower-case letters are no canonical composition's second part, and are not
    combining marks."""
    return (
        "\u3041" <= c <= "\u3096"
        or "\u30a1" <= c <= "\u30fa"
        or "\u3400" <= c <= "\u4dbf"
        or "\u4e00" <= c <= "\u9fff"
        or c in "\u3005\u30fc0123456789abcdefghijklmnopqrstuvwxyz"
    )


def fold_joined(first: str, second: str, folding: Callable[[str], str] = fold) -> str:
    """``fold(first + second)``, made from the folded parts where that is the same.

    A register repeats its family and given names many times over, but rarely a pair: the
    parts' folds are cached (``folding``), the pair's would not be. NFKC can join a part's
    start to what precedes it (a combining mark, a half-width ﾞ), and lower-casing picks σ or ς by
    the letters around; those pairs are folded whole.
    """
    a, b = folding(first), folding(second)
    joined = a + b
    if not a or not b or (_starts_alone(b[0]) and "σ" not in joined and "ς" not in joined):
        return joined
    return folding(first + second)


def normalize_display(text: str) -> str:
    """Normalise for storage: NFKC width folding and single spaces, keeping the kana as typed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def to_katakana(text: str) -> str:
    """Kana readings are stored in full-width katakana (フリガナ)."""
    return jaconv.hira2kata(unicodedata.normalize("NFKC", text)).strip()
