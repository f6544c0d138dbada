"""The people app's periodic job: current care levels follow their certification periods."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.timezone import localdate

from chiiki.people import care
from chiiki.scheduler.registry import periodic
from chiiki.scheduler.slots import Daily


@periodic(
    "people.care_levels",
    label="要介護度の更新（認定期間）",
    schedule=Daily(2, 30),
    per_municipality=True,
    description="認定有効期間が始まった・終わった人の現在の要介護度を、取り込んだ認定の履歴から更新します。",
    counts={"people": "認定の履歴がある人", "changed": "要介護度が変わった人"},
)
def care_levels(*, municipality: Any, now: dt.datetime) -> dict[str, int]:
    return care.care_levels_refresh(municipality=municipality, today=localdate(now))
