"""The ranges a stored value must lie in, so that every page can show it. Pure: no Django.

One value out of range (a population cell of 2⁶³−1, a birth date of 0952-03-18) used to be
stored and then take down every page that summed or showed it. Engines, forms, imports,
API schemas and models take their bounds from here, and the database holds the static ones
as CHECK constraints, so nothing outside them is ever stored whatever path it comes by.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "AGE",
    "CAPACITY",
    "CARE_PERIOD",
    "DATE",
    "FISCAL_YEAR",
    "MINUTES",
    "PEOPLE",
    "RISK_COUNT",
    "YEN",
    "DateRange",
    "IntRange",
    "OutOfRange",
    "birth_date_problem",
]


class OutOfRange(ValueError):
    """A value outside its range; the message (in Japanese) says what was expected."""


def _number(n: int) -> str:
    """Thousands grouped from five digits on (10,000,000), not in years or minutes (2100)."""
    return f"{n:,}" if abs(n) >= 10_000 else str(n)


@dataclass(frozen=True)
class IntRange:
    """Whole numbers from ``low`` to ``high`` inclusive, with the unit they are counted in."""

    low: int
    high: int
    unit: str = ""

    def expected(self) -> str:
        """「0以上10,000,000以下の整数（人）」, 「1900以上2100以下の整数（年度）」"""
        unit = f"（{self.unit}）" if self.unit else ""
        return f"{_number(self.low)}以上{_number(self.high)}以下の整数{unit}"

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and self.low <= value <= self.high

    def check(self, value: int, label: str) -> int:
        """``value`` if in range, else OutOfRange naming ``label`` and the range."""
        if value not in self:
            raise OutOfRange(f"{label}は{self.expected()}です（入力: {value}）")
        return value


@dataclass(frozen=True)
class DateRange:
    low: dt.date
    high: dt.date

    def expected(self) -> str:
        """「1900-01-01から2100-12-31までの日付」"""
        return f"{self.low.isoformat()}から{self.high.isoformat()}までの日付"

    def __contains__(self, value: object) -> bool:
        return isinstance(value, dt.date) and self.low <= value <= self.high

    def check(self, value: dt.date, label: str) -> dt.date:
        if value not in self:
            raise OutOfRange(f"{label}は{self.expected()}です（入力: {value.isoformat()}）")
        return value


# Any date the system stores: the same span the parameter parser accepts.
DATE = DateRange(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
# A care certification's validity: long-term care insurance began on 2000-04-01 (介護保険法施行).
CARE_PERIOD = DateRange(dt.date(2000, 4, 1), DATE.high)
FISCAL_YEAR = IntRange(1900, 2100, "年度")
# People in one cell of a population table (or any count of people): Japan has 124 million,
# its largest municipality (横浜市) 3.8 million; ten million per cell is never a real figure.
PEOPLE = IntRange(0, 10_000_000, "人")
AGE = IntRange(0, 130, "歳")
# Minutes of one job or activity: at most one day.
MINUTES = IntRange(1, 1440, "分")
YEN = IntRange(0, 100_000_000, "円")
# 定員 of one resource (a salon, a day service, a hall).
CAPACITY = IntRange(0, 100_000, "人")
# Risks one respondent meets: a rule set has tens of determinations, never a thousand.
RISK_COUNT = IntRange(0, 1000, "件")


def birth_date_problem(value: dt.date, today: dt.date) -> str | None:
    """Why ``value`` cannot be a living resident's birth date, or None when it can.

    Not before 1900-01-01 (a typo such as 0952 for 1952 is caught here) and not after today
    (a future birth date would give a negative age).
    """
    if value < DATE.low:
        return (
            f"生年月日は{DATE.low.isoformat()}以降の日付です"
            f"（入力: {value.isoformat()}。西暦の年を4桁で確かめてください）"
        )
    if value > today:
        return f"生年月日は今日（{today.isoformat()}）までの日付です（入力: {value.isoformat()}）"
    return None
