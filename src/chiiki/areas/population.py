"""Population tables: parse an imported file's rows and derive the figures the guide prints.

Pure: no Django. The import service resolves area names to ids and stores the cells.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from chiiki.core import bounds, wareki
from chiiki.core.tabular import PROGRESS_EVERY, Progress, Table

TOP_BAND = 100  # 100歳以上
MAX_ERRORS = 500  # bad cells kept to show; all of them are counted
CHECKING = "検証中"

# Header names a municipality's file may use for each column.
COLUMNS: dict[str, tuple[str, ...]] = {
    "area": ("area", "地区", "地域", "区域", "地区名", "地区コード", "圏域"),
    "date": ("date", "基準日", "年月日", "時点", "年月"),
    "sex": ("sex", "性別", "男女"),
    "age_band": ("age_band", "年齢", "年齢階級", "年齢区分", "年齢（5歳階級）"),
    "count": ("count", "人数", "人口", "人口数"),
}
_LABELS = {"area": "地区", "date": "基準日", "sex": "性別", "age_band": "年齢階級", "count": "人数"}

_SEX = {
    "m": "M",
    "male": "M",
    "男": "M",
    "男性": "M",
    "1": "M",
    "f": "F",
    "female": "F",
    "女": "F",
    "女性": "F",
    "2": "F",
}
_BAND = re.compile(r"^(\d{1,3})\s*(?:歳)?\s*[-~〜～－―ー]\s*(\d{1,3})\s*歳?$")
_TOP = re.compile(r"^(\d{1,3})\s*(?:歳以上|歳~|~|\+|以上)$")


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        shown = f"「{self.value}」" if self.value else "（空欄）"
        return f"{self.row}行目「{self.column}」列: {shown} — {self.expected}"


@dataclass(frozen=True)
class Cell:
    row: int
    area: str
    date: dt.date
    sex: str
    age_from: int
    count: int


class PopulationFileError(ValueError):
    def __init__(self, errors: list[CellError], count: int | None = None) -> None:
        self.errors = errors[:MAX_ERRORS]
        self.count = count if count is not None else len(errors)
        text = "\n".join(str(e) for e in errors[:50])
        if self.count > 50:
            text += f"\nほか {self.count - 50:,} 件"
        super().__init__(text)


@lru_cache(maxsize=4096)  # a file repeats few distinct values over many rows
def parse_age_band(text: str) -> int:
    """'65-69', '65～69歳', '100歳以上', '100+' -> the band's lower bound (65, 100)."""
    value = unicodedata.normalize("NFKC", text).strip()
    if m := _TOP.match(value):
        low = int(m.group(1))
        if low != TOP_BAND:
            raise ValueError(f"上限なしの階級は{TOP_BAND}歳以上だけです")
        return low
    if m := _BAND.match(value):
        low, high = int(m.group(1)), int(m.group(2))
        if low % 5 or high != low + 4 or low >= TOP_BAND:
            raise ValueError("5歳階級（0-4, 5-9, …, 95-99, 100歳以上）")
        return low
    raise ValueError("5歳階級（例: 65-69、65～69歳、100歳以上）")


def band_label(age_from: int) -> str:
    return f"{TOP_BAND}歳以上" if age_from >= TOP_BAND else f"{age_from}〜{age_from + 4}歳"


@lru_cache(maxsize=4096)  # a file repeats few distinct values over many rows
def parse_sex(text: str) -> str:
    value = unicodedata.normalize("NFKC", text).strip().lower()
    try:
        return _SEX[value]
    except KeyError:
        raise ValueError("男 または 女（M/F、1/2 も可）") from None


@lru_cache(maxsize=4096)  # a file repeats few distinct values over many rows
def parse_count(text: str) -> int:
    """'1,234' or '１２３４' -> 1234; refused outside 0 to 10,000,000 (:data:`bounds.PEOPLE`)."""
    value = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    if not re.fullmatch(r"-?\d+", value):
        raise ValueError(bounds.PEOPLE.expected())
    if value.startswith("-"):
        raise ValueError(f"{bounds.PEOPLE.expected()}（負の人数は入力できません）")
    # Compared as text first: a cell of thousands of digits is refused, not converted.
    digits = value.lstrip("0") or "0"
    if len(digits) > len(str(bounds.PEOPLE.high)) or int(digits) > bounds.PEOPLE.high:
        raise ValueError(
            f"{bounds.PEOPLE.expected()}（1つの区分に{bounds.PEOPLE.high:,}人を超える人数はありえません）"
        )
    return int(digits)


@lru_cache(maxsize=4096)  # a file repeats few distinct values over many rows
def parse_date(text: str) -> dt.date:
    """A reference date (a month alone is its first day), from 1900 to 2100."""
    value = wareki.parse(text)
    day = dt.date(value.year, value.month, 1) if isinstance(value, wareki.YearMonth) else value
    if day not in bounds.DATE:
        raise ValueError(bounds.DATE.expected())
    return day


def map_headers(headers: list[str]) -> dict[str, str]:
    """Map our column keys to the file's header names; raise naming what is missing."""
    folded = {unicodedata.normalize("NFKC", h).strip().lower(): h for h in headers}
    mapping: dict[str, str] = {}
    missing: list[CellError] = []
    for key, names in COLUMNS.items():
        found = next((folded[n.lower()] for n in names if n.lower() in folded), None)
        if found is None:
            missing.append(
                CellError(
                    1,
                    _LABELS[key],
                    "",
                    f"見出し「{'」「'.join(names[:3])}」のいずれかの列が必要です",
                )
            )
        else:
            mapping[key] = found
    if missing:
        raise PopulationFileError(missing)
    return mapping


def parse_table(
    table: Table, known_areas: Iterable[str], progress: Progress | None = None
) -> list[Cell]:
    """Validate every row of a population file; raise with every bad cell at once."""
    mapping = map_headers(table.headers)
    areas = set(known_areas)
    cells: list[Cell] = []
    errors: list[CellError] = []
    faults = 0
    seen: dict[tuple[str, dt.date, str, int], int] = {}
    for index, row in enumerate(table, start=1):
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(CHECKING, index, len(table))
        v = {key: row.values[col] for key, col in mapping.items()}
        ok = True

        def bad(
            key: str, exc: ValueError, row_number: int = row.number, values: dict[str, str] = v
        ) -> None:
            nonlocal ok, faults
            ok = False
            faults += 1
            if len(errors) < MAX_ERRORS:
                errors.append(CellError(row_number, mapping[key], values[key], str(exc)))

        date = sex = band = count = None
        try:
            date = parse_date(v["date"])
        except ValueError as exc:
            bad("date", exc)
        try:
            sex = parse_sex(v["sex"])
        except ValueError as exc:
            bad("sex", exc)
        try:
            band = parse_age_band(v["age_band"])
        except ValueError as exc:
            bad("age_band", exc)
        try:
            count = parse_count(v["count"])
        except ValueError as exc:
            bad("count", exc)
        area = unicodedata.normalize("NFKC", v["area"]).strip()
        if area not in areas:
            bad("area", ValueError("登録済みの地区名・地区コード、または市町村名"))
        if not ok or date is None or sex is None or band is None or count is None:
            continue
        key = (area, date, sex, band)
        if key in seen:
            bad("age_band", ValueError(f"{seen[key]}行目と同じ区分が重複しています"))
            continue
        seen[key] = row.number
        cells.append(Cell(row.number, area, date, sex, band, count))
    if not len(table):
        errors.append(CellError(2, "", "", "データ行がありません"))
        faults += 1
    if errors:
        raise PopulationFileError(errors, faults)
    return cells


@dataclass(frozen=True)
class PopulationSummary:
    """The derived figures of one area at one date."""

    date: dt.date | None
    total: int
    aged_65: int
    aged_75: int
    by_band: Mapping[int, int]

    @property
    def aging_rate(self) -> Decimal | None:
        return percent(self.aged_65, self.total)

    @property
    def late_aging_rate(self) -> Decimal | None:
        return percent(self.aged_75, self.total)

    def sentence(self) -> str:
        """「総人口48,234人。うち、65歳以上高齢者人口19,977人(41.4%)、75歳以上高齢者人口10,766人(22.3%)」"""
        if not self.total:
            return "人口データがありません"
        return (
            f"総人口{self.total:,}人。うち、65歳以上高齢者人口{self.aged_65:,}人({self.aging_rate}%)、"
            f"75歳以上高齢者人口{self.aged_75:,}人({self.late_aging_rate}%)"
        )


def percent(part: int, whole: int) -> Decimal | None:
    """A share in percent to one decimal place, rounded half up as published figures are."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def summarize(date: dt.date | None, counts: Iterable[tuple[int, int]]) -> PopulationSummary:
    """Summarise (age_from, count) pairs of one area at one date."""
    by_band: dict[int, int] = {}
    for age_from, count in counts:
        by_band[age_from] = by_band.get(age_from, 0) + count
    total = sum(by_band.values())
    return PopulationSummary(
        date=date,
        total=total,
        aged_65=sum(c for a, c in by_band.items() if a >= 65),
        aged_75=sum(c for a, c in by_band.items() if a >= 75),
        by_band=dict(sorted(by_band.items())),
    )
