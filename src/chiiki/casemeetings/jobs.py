"""The community care meetings' periodic job: the morning count of follow-ups falling due.

chiiki sends no mail; the count is recorded for the administrators' page, beside the due
board (フォローアップ) that staff read for the cases themselves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.timezone import localdate

from chiiki.casemeetings.selectors import DUE_SOON_DAYS, due_counts
from chiiki.scheduler.registry import periodic
from chiiki.scheduler.slots import Daily


@periodic(
    "casemeetings.due_reviews",
    label="事例のフォローアップ期限",
    schedule=Daily(6, 0),
    per_municipality=True,
    description=(
        "終わっていない事例のうち、次の検討の予定日を過ぎたもの・"
        f"{DUE_SOON_DAYS}日以内のもの・1か月後の目標の確認日を過ぎたものを数えて記録します。"
    ),
    counts={
        "open": "終わっていない事例",
        "overdue": "予定日を過ぎた事例",
        "became_overdue": "うち昨日予定日だった事例",
        "due_soon": f"{DUE_SOON_DAYS}日以内に予定日の事例",
        "behind": "目標の確認日を過ぎた事例",
    },
)
def due_reviews(*, municipality: Any, now: dt.datetime) -> dict[str, int]:
    return due_counts(municipality=municipality, today=localdate(now))
