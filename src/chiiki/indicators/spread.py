"""Spread of the guide's structures over the districts, fiscal year by fiscal year.

Each record that reaches a district is a :class:`Span`: the district, the day it began and
the day it ended (exclusive), as the records say. A district has a structure in fiscal
year Y (年度, April to March) when some span of that structure covers the year's last day
(31 March of Y + 1), or the day of counting for the year still running — the same rule as
the councils' coverage, by 年度 instead of calendar year.

A span whose start is not recorded is counted from the fiscal year of the day of counting
only: it exists now, but nothing says since when. Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

STRUCTURES: dict[str, str] = {
    "council": "第2層・第3層の協議体",
    "mutualaid": "助け合いのサービス",
    "kayoi": "毎週の通いの場",
}


@dataclass(frozen=True)
class Span:
    district: int
    start: dt.date | None  # None: no start date in the record
    end: dt.date | None = None  # the first day without it; None: still running
    label: str = ""  # what reaches the district (a body's or a service's name)

    def covers(self, day: dt.date, *, today: dt.date) -> bool:
        start = self.start if self.start is not None else today
        return start <= day and (self.end is None or self.end > day)


def fiscal_year(day: dt.date) -> int:
    """年度: 2019-03-31 is in 2018, 2019-04-01 in 2019."""
    return day.year if day.month >= 4 else day.year - 1


def year_end(year: int, *, on: dt.date) -> dt.date:
    """The day a fiscal year is counted on: 31 March of the next year, or ``on`` if sooner."""
    return min(dt.date(year + 1, 3, 31), on)


def covered(spans: Iterable[Span], day: dt.date, *, today: dt.date) -> set[int]:
    return {s.district for s in spans if s.covers(day, today=today)}


@dataclass(frozen=True)
class YearRow:
    year: int
    day: dt.date  # the day counted: the year's last, or the day of counting
    counts: dict[str, int]  # per structure, districts that have it
    all_three: int  # districts that have every structure

    @property
    def running(self) -> bool:
        return self.day != dt.date(self.year + 1, 3, 31)


@dataclass(frozen=True)
class DistrictRow:
    district: int
    since: dict[str, dt.date | None]  # per structure, the start of what covers it today
    undated: dict[str, bool]  # it is covered today only by spans without a start date

    def has(self, key: str) -> bool:
        return key in self.since


def first_year(spans: Mapping[str, list[Span]], *, on: dt.date) -> int:
    starts = [s.start for found in spans.values() for s in found if s.start is not None]
    return fiscal_year(min(starts)) if starts else fiscal_year(on)


def progress(
    spans: Mapping[str, list[Span]], districts: list[int], *, on: dt.date, since: int | None = None
) -> list[YearRow]:
    """Per fiscal year from ``since`` (default: the first recorded start) to ``on``'s, the
    districts of ``districts`` with each structure at the year's end."""
    known = set(districts)
    start = since if since is not None else first_year(spans, on=on)
    rows = []
    for year in range(start, fiscal_year(on) + 1):
        day = year_end(year, on=on)
        have = {k: covered(found, day, today=on) & known for k, found in spans.items()}
        every = set.intersection(*have.values()) if have else set()
        rows.append(
            YearRow(
                year=year,
                day=day,
                counts={k: len(v) for k, v in have.items()},
                all_three=len(every),
            )
        )
    return rows


def by_district(
    spans: Mapping[str, list[Span]], districts: list[int], *, on: dt.date
) -> list[DistrictRow]:
    """Per district, since when it has each structure (among the spans covering ``on``)."""
    rows = []
    for d in districts:
        since: dict[str, dt.date | None] = {}
        undated: dict[str, bool] = {}
        for key, found in spans.items():
            now = [s for s in found if s.district == d and s.covers(on, today=on)]
            if not now:
                continue
            dated = [s.start for s in now if s.start is not None]
            since[key] = min(dated) if dated else None
            undated[key] = not dated
        rows.append(DistrictRow(district=d, since=since, undated=undated))
    return rows
