"""Small-cell suppression for published count tables: primary and complementary.

Pure: no Django. A table is a set of cells (any hashable key) with counts, and the margins
that are published with it: each margin is a sum of member cells, published either as a
cell of the same table (the 全体 row, a life area's row) or elsewhere (a life area's figure
on another page).

1. Primary: a cell with a count above 0 and under the threshold is hidden.
2. Complementary: a margin with exactly one hidden cell among its members and its total
   gives that cell away (the total minus the visible members, or the members summed). Its
   smallest visible cell with a count above 0 is hidden as well (a zero only when there is
   no other, the total last), and this repeats until no margin has a lone hidden cell.

A margin of one member whose total is published elsewhere publishes that member as it is:
hiding the member protects nothing there, so it is never chosen to protect another cell,
and a member under the threshold must be hidden where that total is published.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

THRESHOLD = 10


@dataclass(frozen=True)
class Margin(Generic[K]):
    """A published sum: ``total`` is its cell in the table, or None when it is published
    elsewhere (then it is known to every reader and cannot be hidden here)."""

    members: tuple[K, ...]
    total: K | None = None


def suppressed(
    counts: Mapping[K, int], margins: Iterable[Margin[K]], threshold: int = THRESHOLD
) -> set[K]:
    """The cells to hide so that no hidden cell can be worked out from the visible ones.

    ``counts`` names every cell of the table (members and in-table totals); its order
    breaks ties between cells of the same count. Margins are checked in the order given.
    """
    order = {k: i for i, k in enumerate(counts)}
    hidden = {k for k, n in counts.items() if 0 < n < threshold}
    pinned = {m.members[0] for m in margins if m.total is None and len(m.members) == 1}
    lines = [
        (m.members + ((m.total,) if m.total is not None else ()), m.total)
        for m in margins
        if m.total is not None or len(m.members) > 1
    ]

    def cost(cell: K, total: K | None) -> tuple[bool, int, bool, int]:
        n = counts[cell]
        return (n <= 0, n, cell == total, order[cell])

    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            if sum(c in hidden for c in cells) != 1:
                continue
            candidates = [c for c in cells if c not in hidden and c not in pinned]
            if candidates:
                hidden.add(min(candidates, key=lambda c: cost(c, total)))
                changed = True
    return hidden


def lone_hidden(hidden: set[K], margins: Iterable[Margin[K]]) -> list[Margin[K]]:
    """The margins that still give a hidden cell away (for tests and checks): exactly one
    hidden cell among the members and the total."""
    found = []
    for m in margins:
        cells = m.members + ((m.total,) if m.total is not None else ())
        if sum(c in hidden for c in cells) == 1 and not (m.total is None and len(cells) == 1):
            found.append(m)
    return found
