"""Coverage gaps: districts × categories, and where many older people have none of a kind.

Pure: no Django. The coordinator's question 「どこに何が足りないか」: a district is flagged
for a category when it has no resource of that kind and at least as many residents aged
65+ as the median district of the municipality (the older half of the districts).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class DistrictFigures:
    id: int
    name: str
    life_area: str
    aged_65: int
    aged_75: int
    living_alone: int


@dataclass(frozen=True)
class Cell:
    category: str
    count: int
    gap: bool


@dataclass(frozen=True)
class CoverageRow:
    district: DistrictFigures
    cells: tuple[Cell, ...]

    @property
    def gaps(self) -> int:
        return sum(c.gap for c in self.cells)

    @property
    def total(self) -> int:
        return sum(c.count for c in self.cells)


def coverage(
    districts: Sequence[DistrictFigures],
    categories: Sequence[str],
    counts: Mapping[tuple[int, str], int],
    *,
    threshold: int | None = None,
) -> list[CoverageRow]:
    """One row per district, one cell per category, flags where a kind is missing.

    ``threshold`` is the number of residents aged 65+ from which a missing kind is a gap;
    by default the median over the districts given.
    """
    if threshold is None:
        threshold = int(statistics.median(d.aged_65 for d in districts)) if districts else 0
    rows: list[CoverageRow] = []
    for d in districts:
        cells = []
        for c in categories:
            n = counts.get((d.id, c), 0)
            cells.append(Cell(c, n, gap=n == 0 and d.aged_65 > 0 and d.aged_65 >= threshold))
        rows.append(CoverageRow(d, tuple(cells)))
    return rows
