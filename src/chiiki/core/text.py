"""Japanese text normalisation for search and matching.

Searches must not care whether a name was typed in full-width or half-width forms, or in
hiragana or katakana: ｻﾄｳ, サトウ and さとう are the same query.
"""

from __future__ import annotations

import re
import unicodedata

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


def normalize_display(text: str) -> str:
    """Normalise for storage: NFKC width folding and single spaces, keeping the kana as typed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def to_katakana(text: str) -> str:
    """Kana readings are stored in full-width katakana (フリガナ)."""
    return jaconv.hira2kata(unicodedata.normalize("NFKC", text)).strip()
