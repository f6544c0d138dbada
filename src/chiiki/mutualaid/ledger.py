"""The volunteer points ledger as plain data: balance, redemption and expiry. Pure.

Entries are only appended. Earnings are positive; redemptions and expiries negative.
Points are spent oldest first, so the points that expire on a day are those earned
before the cut-off date that redemptions and earlier expiries have not used up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

EARN, REDEEM, EXPIRE = "earn", "redeem", "expire"


class LedgerError(ValueError):
    """An entry the ledger refuses (a redemption beyond the balance, a bad amount)."""


@dataclass(frozen=True)
class Entry:
    kind: str
    points: int
    on: dt.date


def balance(entries: Iterable[Entry]) -> int:
    """The sum of the entries."""
    return sum(e.points for e in entries)


def redeem(entries: list[Entry], points: int, on: dt.date) -> Entry:
    """The redemption entry for ``points``; refused if not positive or beyond the balance."""
    if points <= 0:
        raise LedgerError(f"交換するポイントは1以上で指定してください（指定: {points}）")
    have = balance(entries)
    if points > have:
        raise LedgerError(f"残高 {have}ポイント を超える {points}ポイント は交換できません")
    return Entry(REDEEM, -points, on)


def expiring(entries: Iterable[Entry], today: dt.date, months: int) -> int:
    """Points to expire on ``today``: earned on or before ``today − months`` and not yet used.

    1. Old = points earned on or before the cut-off.
    2. Used = everything already redeemed or expired (spent oldest first, so it came out
       of the old points first).
    3. What expires is old − used, when positive; it never exceeds the balance, because
       the balance is all earnings − used ≥ old − used.
    """
    cutoff = today - relativedelta(months=months)
    old = used = 0
    for e in entries:
        if e.kind == EARN and e.on <= cutoff:
            old += e.points
        elif e.kind != EARN:
            used -= e.points
    return max(0, old - used)


def expire(entries: list[Entry], today: dt.date, months: int) -> Entry | None:
    """The expiry entry for ``today``, or None when nothing expires."""
    points = expiring(entries, today, months)
    return Entry(EXPIRE, -points, today) if points else None
