"""A prefecture's municipalities side by side: the columns, the median, the order and the
tile grid. Pure: no Django. The selector fills the cells; this module decides how they are
compared and drawn.

- **The median** of a column is the median of the municipalities that have a value (an
  even count: the mean of the middle two), to one more decimal than the column shows.
- **Against the median**: a value above it is ▲, below ▼, equal ＝; a municipality
  without a value has no mark. The marks are text, so the table reads without colour.
- **Order**: by any column, ascending or descending; a municipality without a value is
  always last, then ties by code, so the order is the same on every load.
- **Tile grid**: one square per municipality in code order (JIS X 0402 codes run by
  region: 市 first, then 郡 by 郡), ``COLUMNS`` to a row; each tile is shaded by its
  quintile class of the chosen column and carries its name and value. No map, no
  boundaries: nothing to download.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

COLUMNS = 8  # tiles to a row
CLASSES = 5  # quintiles


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    unit: str  # 人, %, 地区 …
    group: str  # the header over a set of columns
    places: int = 1  # decimals shown
    note: str = ""  # what the figure is, for the header's title and the table's notes


@dataclass(frozen=True)
class Cell:
    """One municipality's figure: ``value`` to compare and sort by, and what to show."""

    value: Decimal | None
    text: str = ""  # the value as shown ("—" when there is none)
    detail: str = ""  # a second line: an interval, a count of districts, a year
    suppressed: bool = False  # hidden for small numbers (it has no value to compare)

    @property
    def shown(self) -> str:
        if self.suppressed:
            return "秘匿"
        return self.text or "—"


@dataclass
class Row:
    code: str
    name: str
    cells: dict[str, Cell] = field(default_factory=dict)
    marks: dict[str, str] = field(default_factory=dict)  # column key → ▲ ▼ ＝

    def value(self, key: str) -> Decimal | None:
        cell = self.cells.get(key)
        return cell.value if cell is not None else None


def median(values: Sequence[Decimal | None], places: int = 1) -> Decimal | None:
    """The median of the values given, to one decimal more than the column shows."""
    given = [v for v in values if v is not None]
    if not given:
        return None
    found = Decimal(str(statistics.median(given)))
    return found.quantize(Decimal(1).scaleb(-(places + 1)), rounding=ROUND_HALF_UP)


def shown(value: Decimal, column: Column) -> str:
    """A median as the page writes it: a count with separators, a rate with its unit."""
    if column.places == 0:
        return f"{value:,.1f}".removesuffix(".0") + column.unit
    return f"{value:.{column.places + 1}f}{column.unit}"


def mark(value: Decimal | None, middle: Decimal | None) -> str:
    if value is None or middle is None:
        return ""
    if value > middle:
        return "▲"
    if value < middle:
        return "▼"
    return "＝"


def medians(rows: Sequence[Row], columns: Sequence[Column]) -> dict[str, Decimal | None]:
    """Each column's median, and every row's mark against it (written on the rows)."""
    found = {c.key: median([r.value(c.key) for r in rows], c.places) for c in columns}
    for r in rows:
        r.marks = {c.key: mark(r.value(c.key), found[c.key]) for c in columns}
    return found


def ordered(rows: Sequence[Row], key: str | None, descending: bool = False) -> list[Row]:
    """Rows by ``key`` (None: by code); rows without a value last, ties by code."""
    by_code = sorted(rows, key=lambda r: r.code)
    if key is None:
        return list(reversed(by_code)) if descending else by_code
    have = [r for r in by_code if r.value(key) is not None]
    missing = [r for r in by_code if r.value(key) is None]
    # Sorting is stable with reverse=True too: ties stay in code order both ways.
    have.sort(key=lambda r: r.value(key) or Decimal(0), reverse=descending)
    return have + missing


def quantile_classes(values: dict[str, Decimal | None], k: int = CLASSES) -> dict[str, int]:
    """Each code's class 1..k by rank (ties share the lower class); codes without a value
    are left out. With fewer values than classes, classes spread over the range."""
    given = sorted(((v, c) for c, v in values.items() if v is not None), key=lambda t: t[0])
    n = len(given)
    out: dict[str, int] = {}
    first_rank: dict[Decimal, int] = {}
    for i, (v, _) in enumerate(given):
        first_rank.setdefault(v, i)
    for v, c in given:
        rank = first_rank[v]
        out[c] = 1 + (rank * k // n if n else 0)
    return out


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    x: int
    y: int
    klass: int | None  # None: no value
    text: str


def tiles(rows: Sequence[Row], key: str, columns: int = COLUMNS) -> list[Tile]:
    """The tile grid of ``key``: rows in code order, ``columns`` to a line."""
    by_code = sorted(rows, key=lambda r: r.code)
    classes = quantile_classes({r.code: r.value(key) for r in by_code})
    out = []
    for i, r in enumerate(by_code):
        cell = r.cells.get(key)
        out.append(
            Tile(
                code=r.code,
                name=r.name,
                x=i % columns,
                y=i // columns,
                klass=classes.get(r.code),
                text=cell.shown if cell is not None else "—",
            )
        )
    return out


def extremes(rows: Sequence[Row], key: str) -> tuple[Row, Row] | None:
    """The highest and the lowest row of ``key`` (ties: the first by code), or None when
    fewer than two municipalities have a value."""
    have = [r for r in sorted(rows, key=lambda r: r.code) if r.value(key) is not None]
    if len(have) < 2:
        return None
    hi = max(have, key=lambda r: r.value(key) or Decimal(0))
    lo = min(have, key=lambda r: r.value(key) or Decimal(0))
    return hi, lo
