"""The mutual-aid service's periodic job: points past the tariff's expiry period lapse."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.timezone import localdate

from chiiki.mutualaid import services
from chiiki.scheduler.registry import periodic
from chiiki.scheduler.slots import Daily


@periodic(
    "mutualaid.expire_points",
    label="ポイントの失効",
    schedule=Daily(3, 0),
    per_municipality=True,
    description="料金表の有効期限を過ぎて使われていないボランティアポイントを失効させます。",
    counts={"volunteers": "失効したボランティア（人）", "points": "失効したポイント"},
)
def expire_points(*, municipality: Any, now: dt.datetime) -> dict[str, int]:
    # The day of the slot, not of the run: a run delayed past midnight expires its own day.
    # Expiring a day twice expires nothing more (the ledger counts what lapsed already).
    return services.points_expire(municipality=municipality, today=localdate(now))
