"""The scheduler's own periodic job: keep its records, and the task queue's, from growing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks_db.models import DBTaskResult

from chiiki.scheduler.models import JobRun, JobSlot, RunStatus
from chiiki.scheduler.registry import periodic
from chiiki.scheduler.slots import Daily

KEEP_RUNS = dt.timedelta(days=90)
# A finished task keeps its arguments and, when it failed, its traceback (which may quote
# what the task read): two weeks is enough to look into a failure.
KEEP_TASKS = dt.timedelta(days=14)
# A run still 実行中 after this long died with its worker (a restart, a crash).
STALE_RUN = dt.timedelta(hours=6)
STALE_MESSAGE = "処理が終わらないまま止まりました（サーバーの再起動など）"


@periodic(
    "scheduler.prune",
    label="実行記録の整理",
    schedule=Daily(4, 30),
    per_municipality=False,
    description=(
        "90日より前の定期処理の記録と、終わってから14日を過ぎたバックグラウンド処理の記録を消します。"
        "6時間たっても実行中のままの定期処理は失敗として記録します。"
    ),
    counts={"runs": "消した実行記録", "tasks": "消した処理記録", "stale": "中断とした実行"},
)
def prune(*, municipality: Any, now: dt.datetime) -> dict[str, int]:
    stale = JobRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=now - STALE_RUN).update(
        status=RunStatus.FAILED, error=STALE_MESSAGE, finished_at=now
    )
    runs, _ = JobRun.objects.filter(started_at__lt=now - KEEP_RUNS).delete()
    JobSlot.objects.filter(due_at__lt=now - KEEP_RUNS).delete()
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=now - KEEP_TASKS).delete()
    return {"runs": runs, "tasks": tasks, "stale": stale}
