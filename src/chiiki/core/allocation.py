"""Split a whole number in proportion to weights so that the parts add up exactly."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction


def largest_remainder(total: int, weights: Sequence[float | int | Fraction]) -> list[int]:
    """Hamilton's method: floor each exact share, then give the leftover units to the largest
    remainders (ties to the earlier position). The parts always sum to ``total``."""
    if total < 0:
        raise ValueError("total must not be negative")
    exact = [Fraction(w) for w in weights]
    if any(w < 0 for w in exact):
        raise ValueError("weights must not be negative")
    whole = sum(exact)
    if whole == 0:
        if total:
            raise ValueError("cannot split a positive total over zero weights")
        return [0] * len(exact)
    shares = [total * w / whole for w in exact]
    parts = [int(s) for s in shares]
    leftover = total - sum(parts)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[:leftover]:
        parts[i] += 1
    return parts
