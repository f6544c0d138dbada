"""The import platform's periodic job: jobs and files left behind by a worker that died."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chiiki.imports.services import import_jobs_reap
from chiiki.scheduler.registry import periodic
from chiiki.scheduler.slots import Hourly


@periodic(
    "imports.reap",
    label="止まった取り込みの後始末",
    schedule=Hourly(20),
    per_municipality=False,
    description=(
        "6時間たっても実行中のままの取り込み（サーバーの再起動などで止まったもの）を失敗として"
        "記録し、どの取り込みにも使われていないアップロードファイルを消します。"
    ),
    counts={"stuck": "失敗とした取り込み", "files": "消したファイル"},
)
def reap(*, municipality: Any, now: dt.datetime) -> dict[str, int]:
    return import_jobs_reap(now=now)
