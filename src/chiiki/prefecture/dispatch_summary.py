"""A fiscal year's dispatches added up as the guide's 熊本県 table has them. Pure: no Django.

The guide (都道府県による市町村支援 ①熊本県, 「県内市町村（45）及び事業所等への派遣実績
（件数）」) prints one row per kind of sending body and one column per kind of work::

    平成29年度        介護予防事業 地域ケア会議 通いの場等 その他
    広域支援センター      527        205        304     197
    密着リハセンター      730        132        616     414

:func:`summarise` gives that table (with a total column and row), the same by municipality
(every municipality of the prefecture, zeros included) and by profession. :func:`demo_rows`
writes a synthetic log that adds up exactly to the guide's table.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from chiiki.prefecture.dispatch_file import WORK_KINDS, WORK_LABELS

WORKS: tuple[str, ...] = tuple(WORK_KINDS.values())  # the column order of the guide
LABELS: tuple[str, ...] = tuple(WORK_KINDS)
ORDERS = ("first", "total")

# The guide's 平成29年度 table, by sender: (介護予防事業, 地域ケア会議, 通いの場等, その他).
GUIDE_YEAR = 2017
GUIDE_TABLE: dict[str, tuple[int, int, int, int]] = {
    "広域支援センター": (527, 205, 304, 197),
    "密着リハセンター": (730, 132, 616, 414),
}
DEMO_PROFESSIONS = ("理学療法士", "作業療法士", "言語聴覚士")


@dataclass(frozen=True, slots=True)
class Record:
    """One stored key with its count, as the summary needs it."""

    day: dt.date
    municipality: str  # six-digit code
    sender: str
    work: str  # WorkKind's value
    profession: str
    count: int


@dataclass(frozen=True, slots=True)
class Line:
    """One row of a table: its label, its counts by kind of work (in WORKS order), a total."""

    label: str
    counts: tuple[int, ...]
    code: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts)

    def by_label(self) -> dict[str, int]:
        return dict(zip(LABELS, self.counts, strict=True))


@dataclass(frozen=True)
class Summary:
    year: int
    senders: list[Line]
    total: Line
    municipalities: list[Line]
    municipalities_total: Line
    professions: list[Line]

    def as_json(self) -> dict[str, Any]:
        """The command's contract: ``{"year": 2017, "rows": [{"sender": …, "介護予防事業": …,
        "地域ケア会議": …, "通いの場等": …, "その他": …, "total": …}, …]}``."""
        return {
            "year": self.year,
            "rows": [
                {"sender": line.label, **line.by_label(), "total": line.total}
                for line in self.senders
            ],
        }


def _line(label: str, counts: dict[str, int], code: str = "") -> Line:
    return Line(label, tuple(counts.get(w, 0) for w in WORKS), code)


def _add(into: dict[str, dict[str, int]], label: str, record: Record) -> None:
    cells = into.setdefault(label, {})
    cells[record.work] = cells.get(record.work, 0) + record.count


def summarise(
    year: int,
    records: Iterable[Record],
    municipalities: Sequence[tuple[str, str]],
    *,
    order: str = "first",
) -> Summary:
    """The year's tables from ``records`` (in the order they were made: by day, then entry).

    ``municipalities`` is every municipality of the prefecture as (code, name), in the order
    to show them. ``order``: ``first`` keeps the senders in the order first seen (the guide's
    table, in which 広域支援センター comes first), ``total`` sorts them by their total, most
    first. A kind of work outside the four is refused (ValueError): it cannot be shown.
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    senders: dict[str, dict[str, int]] = {}
    towns: dict[str, dict[str, int]] = {}
    professions: dict[str, dict[str, int]] = {}
    grand: dict[str, int] = {}
    for record in records:
        if record.work not in WORK_LABELS:
            raise ValueError(f"unknown kind of work {record.work!r}")
        _add(senders, record.sender, record)
        _add(towns, record.municipality, record)
        _add(professions, record.profession, record)
        grand[record.work] = grand.get(record.work, 0) + record.count
    sender_lines = [_line(name, cells) for name, cells in senders.items()]
    if order == "total":
        sender_lines.sort(key=lambda line: -line.total)  # stable: ties stay as first seen
    town_lines = [_line(name, towns.get(code, {}), code) for code, name in municipalities]
    shown = {code for code, _ in municipalities}
    # A municipality no longer listed (merged away) still counts, after the others.
    town_lines += [_line(code, towns[code], code) for code in towns if code not in shown]
    profession_lines = sorted(
        (_line(name, cells) for name, cells in professions.items()),
        key=lambda line: (-line.total, line.label),
    )
    total = _line("合計", grand)
    return Summary(year, sender_lines, total, town_lines, total, profession_lines)


def _split(total: int, rng: random.Random) -> list[int]:
    """``total`` as a list of small counts (1 to 4 dispatches on one day) that sum to it."""
    parts: list[int] = []
    while total > 0:
        part = min(total, rng.choice((1, 1, 1, 2, 2, 3, 4)))
        parts.append(part)
        total -= part
    return parts


def demo_rows(municipalities: Sequence[str], seed: int, *, year: int = GUIDE_YEAR) -> list[Record]:
    """A synthetic log of ``year`` that adds up exactly to the guide's table.

    Each sender's count of each kind of work is split into days of 1 to 4 dispatches, each
    on a random day of the fiscal year, to a random municipality of ``municipalities`` (six-
    digit codes), of a random profession. Rows of the same key are merged, so every row is
    one key. The same seed gives the same rows; 広域支援センター's first row is the year's
    first day of work, so that the senders come first-seen in the guide's order.
    """
    if not municipalities:
        raise ValueError("demo_rows needs at least one municipality")
    rng = random.Random(seed)
    start = dt.date(year, 4, 3)  # the first Monday-ish working day; 4/1 and 4/2 stay empty
    days = (dt.date(year + 1, 3, 31) - start).days
    merged: dict[tuple[dt.date, str, str, str, str], int] = {}
    for s, (sender, counts) in enumerate(GUIDE_TABLE.items()):
        for work, total in zip(WORKS, counts, strict=True):
            for part in _split(total, rng):
                day = start + dt.timedelta(days=rng.randint(s, days))
                key = (
                    day,
                    rng.choice(list(municipalities)),
                    sender,
                    work,
                    rng.choice(DEMO_PROFESSIONS),
                )
                merged[key] = merged.get(key, 0) + part
    first = min(k for k in merged if k[2] == next(iter(GUIDE_TABLE)))
    rows = [Record(*first, merged.pop(first))]  # type: ignore[misc]
    rows += [Record(*key, count) for key, count in sorted(merged.items())]  # type: ignore[misc]
    return rows
