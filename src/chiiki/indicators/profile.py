"""The municipality's profile in the guide's words. Pure: no Django.

The guide opens each municipality's pages with one paragraph of counts:

    平成30年4月時点で総人口48,234人。うち、65歳以上高齢者人口19,977人(41.4%)、
    75歳以上高齢者人口10,766人(22.3%)。第7期第1号保険料5,190円。
    地域包括支援センターは直営で2カ所設置。

and the case-meeting pages use a shorter block (豊明市, 生駒市):

    人口 68,728人 (30.4)
    高齢者人口 17,484人
    高齢化率 25.4%

Both are made here from counts; the rates are rounded half up to one decimal place, as
published figures are (:func:`chiiki.areas.population.percent`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chiiki.areas.population import percent
from chiiki.core import wareki

FIRST_PERIOD_YEAR = 2000  # 第1期 is FY2000–2002; every plan period is three fiscal years


def plan_period(fiscal_year: int) -> int:
    """The 介護保険事業計画's period (期) a fiscal year belongs to: 2018–2020 is 第7期."""
    if fiscal_year < FIRST_PERIOD_YEAR:
        raise ValueError(f"{fiscal_year}年度は介護保険の制度開始（2000年度）より前です")
    return (fiscal_year - FIRST_PERIOD_YEAR) // 3 + 1


def period_years(period: int) -> tuple[int, int]:
    """The first and last fiscal years of a plan period: 第7期 is (2018, 2020)."""
    if period < 1:
        raise ValueError("計画期間は第1期からです")
    first = FIRST_PERIOD_YEAR + 3 * (period - 1)
    return first, first + 2


@dataclass(frozen=True)
class Centers:
    """The 地域包括支援センター: how many run by the municipality (直営) and commissioned."""

    direct: int = 0
    commissioned: int = 0
    note: str = ""

    def phrase(self) -> str:
        """「直営で2カ所設置」「委託で5カ所設置」「直営で1カ所・委託で4カ所設置」"""
        parts = []
        if self.direct:
            parts.append(f"直営で{self.direct}カ所")
        if self.commissioned:
            parts.append(f"委託で{self.commissioned}カ所")
        if not parts:
            return ""
        note = f"（{self.note}）" if self.note else ""
        return "・".join(parts) + "設置" + note


@dataclass(frozen=True)
class Profile:
    """What the paragraph is made of: the population table's date and counts, the plan
    period's premium, and the support centers (each may be missing)."""

    as_of: dt.date
    total: int
    aged_65: int
    aged_75: int
    premium: int | None = None  # 第1号保険料, the standard monthly amount in yen
    period: int | None = None
    centers: Centers | None = None

    @property
    def aging_rate(self) -> object:
        return percent(self.aged_65, self.total)

    def month(self) -> str:
        """「平成30年4月」: the table's month in the era it falls in."""
        return wareki.to_wareki(wareki.YearMonth(self.as_of.year, self.as_of.month))

    def sentence(self) -> str:
        """The guide's paragraph, each clause only when its figures are there."""
        if not self.total:
            return f"{self.month()}時点の人口データがありません。"
        parts = [
            f"{self.month()}時点で総人口{self.total:,}人。"
            f"うち、65歳以上高齢者人口{self.aged_65:,}人({percent(self.aged_65, self.total)}%)、"
            f"75歳以上高齢者人口{self.aged_75:,}人({percent(self.aged_75, self.total)}%)。"
        ]
        if self.premium is not None and self.period is not None:
            parts.append(f"第{self.period}期第1号保険料{self.premium:,}円。")
        if self.centers is not None and self.centers.phrase():
            parts.append(f"地域包括支援センターは{self.centers.phrase()}。")
        return "".join(parts)

    def short(self) -> str:
        """The case-meeting pages' block: 「人口 68,728人 (30.4)」 with the era year and month."""
        era_year = wareki.to_wareki(
            wareki.YearMonth(self.as_of.year, self.as_of.month), style="short"
        )
        return (
            f"人口 {self.total:,}人 ({_era_year_dot_month(era_year)})\n"
            f"高齢者人口 {self.aged_65:,}人\n"
            f"高齢化率 {percent(self.aged_65, self.total)}%"
        )


def _era_year_dot_month(short: str) -> str:
    """「H30.4」 → 「30.4」: the guide's block leaves the era to the reader."""
    return short.lstrip("MTSHRmtshr")
