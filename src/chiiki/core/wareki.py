"""Japanese era dates (和暦): parsing, formatting and fiscal years (年度).

Era N of an era starts on the era's first day and runs to the end of that Gregorian year; every
following era year is a Gregorian year (平成N = 1988 + N, 令和N = 2018 + N). Year 1 is written
元年. A wareki date that falls outside its era does not exist: 平成31年5月1日 is 令和元年5月1日,
so 「平成31年5月1日」 is refused rather than silently converted.

A month without a day (平成30年4月) is a :class:`YearMonth`. It is valid in an era if any day of
that month lies in the era (平成31年4月 and 昭和64年1月 exist; 平成31年5月 does not). When a
month straddles a change of era it is written in the era of its first day.

Accepted input (after NFKC, so full-width letters and digits are fine)::

    令和元年5月1日  平成30年4月  R1.5.1  H30.4  R01.05.01  h30/4/1  ㍻30年4月
    2019-05-01  2019/5/1  2018-04  2019年5月1日

Dates are in the Gregorian calendar throughout. Before 明治6年 (1873) Japan used a lunisolar
calendar; such dates are not converted from it, 明治 years are simply counted from 1868.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

__all__ = [
    "ERAS",
    "Era",
    "WarekiError",
    "YearMonth",
    "display",
    "era_of",
    "fiscal_year",
    "format_fiscal_year",
    "parse",
    "parse_date",
    "parse_year_month",
    "to_iso",
    "to_wareki",
]


class WarekiError(ValueError):
    """A date that cannot be read, or that does not exist; the message is in Japanese."""


@dataclass(frozen=True)
class Era:
    """A Japanese era (元号) with its first and, unless current, last day."""

    name: str
    abbr: str
    start: date
    end: date | None = None

    def contains(self, day: date) -> bool:
        """Whether the day lies in this era."""
        return self.start <= day and (self.end is None or day <= self.end)

    def year_of(self, gregorian_year: int) -> int:
        """The era year for a Gregorian year (2019 is 1 in 令和, 31 in 平成)."""
        return gregorian_year - self.start.year + 1

    def gregorian_year(self, era_year: int) -> int:
        """The Gregorian year of an era year (平成30 is 2018)."""
        return self.start.year + era_year - 1


MEIJI = Era("明治", "M", date(1868, 1, 25), date(1912, 7, 29))
TAISHO = Era("大正", "T", date(1912, 7, 30), date(1926, 12, 24))
SHOWA = Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7))
HEISEI = Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30))
REIWA = Era("令和", "R", date(2019, 5, 1))

ERAS: tuple[Era, ...] = (MEIJI, TAISHO, SHOWA, HEISEI, REIWA)
"""The supported eras, oldest first."""

_BY_TOKEN: dict[str, Era] = {
    **{era.name: era for era in ERAS},
    **{era.abbr: era for era in ERAS},
}

_STYLES = ("long", "short")


@dataclass(frozen=True, order=True)
class YearMonth:
    """A Gregorian year and month without a day (「平成30年4月」 is ``YearMonth(2018, 4)``)."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise WarekiError(f"{self.year}年{self.month}月は存在しません（月は1から12まで）")
        if not 1 <= self.year <= 9999:
            raise WarekiError(f"{self.year}年は扱えません（1年から9999年まで）")

    @classmethod
    def from_date(cls, day: date) -> YearMonth:
        """The month a day falls in."""
        return cls(day.year, day.month)

    def iso(self) -> str:
        """ISO 8601 year and month: ``"2018-04"``."""
        return f"{self.year:04d}-{self.month:02d}"

    def first_day(self) -> date:
        """The first day of the month."""
        return date(self.year, self.month, 1)

    def last_day(self) -> date:
        """The last day of the month."""
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def __str__(self) -> str:
        return self.iso()


# Hyphen-like characters that NFKC leaves alone but people type between numbers.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ー", "-"))

_NUM = "[0-9]{1,2}"
# Either 「年…月…日」 (month and day optional) or one of . / - used consistently.
_REST = (
    rf"(?:年(?:\s*(?P<km>{_NUM})\s*月(?:\s*(?P<kd>{_NUM})\s*日?)?)?"
    rf"|\s*(?P<sep>[./-])\s*(?P<sm>{_NUM})(?:\s*(?P=sep)\s*(?P<sd>{_NUM}))?)"
)
_WAREKI = re.compile(
    r"(?P<era>" + "|".join(era.name for era in ERAS) + "|[" + "".join(e.abbr for e in ERAS) + "])"
    r"\s*(?P<year>元|[0-9]{1,3})\s*" + _REST,
    re.IGNORECASE,
)
_SEIREKI = re.compile(r"(?:西暦\s*)?(?P<year>[0-9]{4})\s*" + _REST)

_EXAMPLES = "例: 令和元年5月1日、R1.5.1、平成30年4月、2019-05-01"


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_DASHES).strip()


def _year_label(era_year: int) -> str:
    return "元" if era_year == 1 else str(era_year)


def _jp(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _wareki_label(era: Era, era_year: int, month: int | None, day: int | None) -> str:
    label = f"{era.name}{_year_label(era_year)}年"
    if month is not None:
        label += f"{month}月"
    if day is not None:
        label += f"{day}日"
    return label


def _seireki_label(year: int, month: int | None, day: int | None) -> str:
    label = f"{year}年"
    if month is not None:
        label += f"{month}月"
    if day is not None:
        label += f"{day}日"
    return label


def _build(year: int, month: int, day: int | None, label: str) -> date | YearMonth:
    """A Gregorian date or month, refusing impossible months and days with ``label`` in the message."""
    if not 1 <= month <= 12:
        raise WarekiError(f"{label}は存在しません（月は1から12まで）")
    if not 1 <= year <= 9999:
        raise WarekiError(f"{label}は扱えません（西暦1年から9999年まで）")
    if day is None:
        return YearMonth(year, month)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise WarekiError(f"{label}は存在しません（{year}年{month}月は{last}日まで）")
    return date(year, month, day)


def _span(value: date | YearMonth) -> tuple[date, date]:
    if isinstance(value, YearMonth):
        return value.first_day(), value.last_day()
    return value, value


def _parts(match: re.Match[str]) -> tuple[int | None, int | None]:
    month = match["km"] or match["sm"]
    day = match["kd"] or match["sd"]
    return (int(month) if month else None, int(day) if day else None)


def _from_wareki(match: re.Match[str], text: str) -> date | YearMonth:
    era = _BY_TOKEN[match["era"].upper() if len(match["era"]) == 1 else match["era"]]
    era_year = 1 if match["year"] == "元" else int(match["year"])
    month, day = _parts(match)
    label = _wareki_label(era, era_year, month, day)
    if month is None:
        raise WarekiError(f"「{text}」には月がありません（例: {label}4月）")
    if era_year < 1:
        raise WarekiError(f"{label}は存在しません（{era.name}は元年から始まります）")
    value = _build(era.gregorian_year(era_year), month, day, label)
    first, last = _span(value)
    if last < era.start:
        raise WarekiError(f"{label}は存在しません（{era.name}は{_jp(era.start)}から）")
    if era.end is not None and first > era.end:
        raise WarekiError(f"{label}は存在しません（{era.name}は{_jp(era.end)}まで）")
    return value


def _from_seireki(match: re.Match[str], text: str) -> date | YearMonth:
    year = int(match["year"])
    month, day = _parts(match)
    if month is None:
        raise WarekiError(f"「{text}」には月がありません（例: {year}-04、{year}年4月）")
    return _build(year, month, day, _seireki_label(year, month, day))


def parse(text: str) -> date | YearMonth:
    """Read a wareki or Gregorian date (with a day) or month (without one).

    ``"令和元年5月1日"``, ``"R1.5.1"`` and ``"2019/5/1"`` give ``date(2019, 5, 1)``;
    ``"平成30年4月"``, ``"H30.4"`` and ``"2018-04"`` give ``YearMonth(2018, 4)``.
    Full-width characters and surrounding spaces are accepted. Raises :class:`WarekiError`
    for text that is not a date, and for dates that do not exist (平成31年5月1日, 2月30日).
    """
    normal = _normalise(text)
    if not normal:
        raise WarekiError("日付が入力されていません")
    if match := _WAREKI.fullmatch(normal):
        return _from_wareki(match, normal)
    if match := _SEIREKI.fullmatch(normal):
        return _from_seireki(match, normal)
    raise WarekiError(f"「{text.strip()}」は日付として読めません（{_EXAMPLES}）")


def parse_date(text: str) -> date:
    """Read a date that must include a day (「平成30年4月」 alone is refused)."""
    value = parse(text)
    if isinstance(value, YearMonth):
        raise WarekiError(
            f"「{_normalise(text)}」には日がありません（例: 令和元年5月1日、2019-05-01）"
        )
    return value


def parse_year_month(text: str) -> YearMonth:
    """Read a year and month; a full date is accepted and its day dropped."""
    value = parse(text)
    if isinstance(value, YearMonth):
        return value
    return YearMonth.from_date(value)


def era_of(day: date) -> Era:
    """The era a day falls in; days before 明治 (1868-01-25) are refused."""
    for era in reversed(ERAS):
        if day >= era.start:
            return era
    raise WarekiError(
        f"{_jp(day)}は明治より前のため和暦にできません（明治は{_jp(MEIJI.start)}から）"
    )


def to_wareki(value: date | YearMonth, *, style: str = "long") -> str:
    """Write a date or month in wareki.

    ``style="long"``: 「令和元年5月1日」, 「平成30年4月」; ``style="short"``: 「R1.5.1」,
    「H30.4」. A month that straddles a change of era is written in the era of its first day
    (2019-04 is 平成31年4月, 2019-05 is 令和元年5月, 1989-01 is 昭和64年1月).
    """
    if style not in _STYLES:
        raise ValueError(f"style must be one of {_STYLES}, not {style!r}")
    if isinstance(value, YearMonth):
        first, last = value.first_day(), value.last_day()
        if last < MEIJI.start:
            raise WarekiError(
                f"{value.year}年{value.month}月は明治より前のため和暦にできません"
                f"（明治は{_jp(MEIJI.start)}から）"
            )
        era = era_of(max(first, MEIJI.start))
        day: int | None = None
    else:
        era = era_of(value)
        day = value.day
    era_year = era.year_of(value.year)
    if style == "short":
        parts = [f"{era.abbr}{era_year}", str(value.month)]
        if day is not None:
            parts.append(str(day))
        return ".".join(parts)
    return _wareki_label(era, era_year, value.month, day)


def display(value: date | YearMonth, *, style: str = "long") -> str:
    """Write a date or month for a page: in wareki, and never raising.

    Where wareki has no name (before 明治, 1868-01-25) the ISO date or month is shown
    instead (「0952-03-18」), so that one odd record never takes a page down. A datetime
    is shown as its date; an unknown style falls back to ``"long"``.
    """
    if isinstance(value, datetime):
        value = value.date()
    try:
        return to_wareki(value, style=style if style in _STYLES else "long")
    except WarekiError:
        return value.iso() if isinstance(value, YearMonth) else value.isoformat()


def to_iso(text: str) -> str:
    """Wareki (or Gregorian) text to ISO 8601: ``"2018-04"`` or ``"2019-05-01"``."""
    value = parse(text)
    return value.iso() if isinstance(value, YearMonth) else value.isoformat()


def fiscal_year(value: date | YearMonth) -> int:
    """The fiscal year (年度, April to March) by the Gregorian year it starts in.

    ``date(2019, 3, 31)`` is in fiscal year 2018; ``date(2019, 4, 1)`` in 2019.
    """
    return value.year if value.month >= 4 else value.year - 1


def _fiscal_era(year: int) -> Era:
    """The era covering most of the fiscal year.

    This gives the names in use: 2019年度 is 令和元年度 (平成 for April only), 1988年度 is
    昭和63年度 and 1926年度 is 大正15年度 (昭和 only from 25 December).
    """
    start, end = date(year, 4, 1), date(year + 1, 3, 31)
    best, best_days = MEIJI, 0
    for era in ERAS:
        low = max(start, era.start)
        high = end if era.end is None else min(end, era.end)
        days = (high - low).days + 1
        if days > best_days:
            best, best_days = era, days
    return best


def format_fiscal_year(year: int) -> str:
    """Write a fiscal year in wareki: 2018 is 「平成30年度」, 2019 is 「令和元年度」.

    A fiscal year during which the era changed is named after the era covering most of it.
    """
    if not MEIJI.start.year <= year <= 9998:
        raise WarekiError(f"{year}年度は和暦にできません（明治元年度（1868年度）から）")
    era = _fiscal_era(year)
    return f"{era.name}{_year_label(era.year_of(year))}年度"
