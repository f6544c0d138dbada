"""The roll-up from cases to regional issues: how many cases carry each issue seed, district
by district, and which seeds recur enough to be 「地域共通」 rather than 「個別」 (the
handbook's step ②). Pure: no Django; the shell reads the grouped counts in one query.

A case counts once for a tag when any of its reviews within the period carries the tag, in
the case's district (a case lies in one district, so a tag's cases are the sum over its
districts).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

# A seed carried by this many cases in the period is a common issue, not one person's.
# A WORKING RULE, NOT AN OFFICIAL ONE: the handbook asks to sort issues into 個別 and 地域共通
# and names no number; the page lets the user change it.
COMMON_MIN_CASES = 3


@dataclass(frozen=True)
class TagRoll:
    tag: str
    name: str
    cases: int
    districts: dict[str, int]

    def common(self, min_cases: int = COMMON_MIN_CASES) -> bool:
        return self.cases >= min_cases

    def as_json(self) -> dict[str, object]:
        return {"tag": self.name, "cases": self.cases, "districts": dict(self.districts)}


def roll_up(
    counts: Iterable[tuple[str, str, int]], names: dict[str, str] | None = None
) -> list[TagRoll]:
    """``counts`` are (tag code, district name, distinct cases) rows. Sorted by cases, then by
    the tag's name; each tag's districts by cases, then by name."""
    names = names or {}
    by_tag: dict[str, dict[str, int]] = defaultdict(dict)
    for tag, district, n in counts:
        if n <= 0:
            continue
        by_tag[tag][district] = by_tag[tag].get(district, 0) + int(n)
    rolls = [
        TagRoll(
            tag=tag,
            name=names.get(tag, tag),
            cases=sum(districts.values()),
            districts=dict(sorted(districts.items(), key=lambda kv: (-kv[1], kv[0]))),
        )
        for tag, districts in by_tag.items()
    ]
    return sorted(rolls, key=lambda r: (-r.cases, r.name, r.tag))


def split_tags(text: str) -> list[str]:
    """Tags written in one cell, separated by 「、」, 「,」, 「;」 or 「；」; blanks dropped."""
    for sep in ("；", ";", "，", ","):
        text = text.replace(sep, "、")
    return [t.strip() for t in text.split("、") if t.strip()]


Month = tuple[int, int]


def months(start: Month | None, end: Month | None) -> tuple[dt.date | None, dt.date | None]:
    """A period of whole months: from the first day of ``start`` to the last day of ``end``
    (either open). ValueError (in Japanese) when ``start`` comes after ``end``."""
    if start is not None and end is not None and start > end:
        raise ValueError(
            f"始めの月（{start[0]}-{start[1]:02d}）が終わりの月（{end[0]}-{end[1]:02d}）より後です"
        )
    first = dt.date(start[0], start[1], 1) if start is not None else None
    last = None
    if end is not None:
        last = dt.date(end[0], end[1], calendar.monthrange(end[0], end[1])[1])
    return first, last
