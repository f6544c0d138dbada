"""The country's list of local-government codes: the 47 prefectures and their municipalities.

``data/municipalities.csv`` is 総務省「全国地方公共団体コード」 (JIS X 0402): one row per
prefecture (its code, an empty name) and per municipality (市・町・村・特別区; the wards of
designated cities are not in it), with the reading folded to full-width katakana. A merger
after the list's date needs the row added here. Pure: no Django.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "municipalities.csv"


@dataclass(frozen=True)
class Entry:
    code: str
    prefecture: str
    name: str  # empty for a prefecture's own row
    kana: str


@cache
def _entries() -> dict[str, Entry]:
    with DATA.open(encoding="utf-8", newline="") as f:
        return {
            row["code"]: Entry(row["code"], row["prefecture"], row["name"], row["kana"])
            for row in csv.DictReader(f)
        }


@cache
def prefectures() -> dict[str, str]:
    """Two-digit code → name, for the 47 prefectures (01 北海道 … 47 沖縄県)."""
    return {e.code[:2]: e.prefecture for e in _entries().values() if not e.name}


def prefecture_name(code: str) -> str | None:
    return prefectures().get(code[:2])


def municipality(code: str) -> Entry | None:
    """The municipality of a six-digit code, or None (a prefecture's code is not one)."""
    entry = _entries().get(code)
    return entry if entry is not None and entry.name else None


def municipalities_in(prefecture_code: str) -> list[Entry]:
    """The municipalities of a prefecture (its two-digit code), in code order."""
    return sorted(
        (e for e in _entries().values() if e.name and e.code[:2] == prefecture_code[:2]),
        key=lambda e: e.code,
    )
