"""Reads of periodic work: each job with its schedule and its last run, for the page and
the command. An administrator sees the runs of their own municipality and those of the
jobs of the whole installation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q, QuerySet

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.scheduler.models import JobRun, JobSlot
from chiiki.scheduler.registry import JOBS, Job
from chiiki.scheduler.slots import due_slot, next_slot

# How long a due slot may wait for the scheduler, then for the worker, before the page
# says that one of them looks stopped.
SCHEDULER_GRACE = dt.timedelta(minutes=10)
WORKER_GRACE = dt.timedelta(minutes=30)


@dataclass
class JobRow:
    job: Job
    next_at: dt.datetime
    last: JobRun | None
    runs: list[JobRun] = field(default_factory=list)  # the latest of each municipality
    waiting_since: dt.datetime | None = None  # enqueued, and not started by the worker
    warning: str = ""

    @property
    def counts(self) -> list[tuple[str, int]]:
        if self.last is None:
            return []
        return [(self.job.count_label(k), v) for k, v in self.last.result.items()]


def _latest(runs: QuerySet[JobRun]) -> list[JobRun]:
    """The latest run of each job and municipality, in two queries."""
    ids = runs.order_by().values("job", "municipality").annotate(last=Max("pk")).values("last")
    return list(JobRun.objects.filter(pk__in=ids).select_related("municipality"))


def _warning(
    job: Job, now: dt.datetime, claimed: dt.datetime | None, waiting: dt.datetime | None
) -> str:
    due = due_slot(job.schedule, now)
    if (claimed is None or claimed < due) and now - due > SCHEDULER_GRACE:
        return (
            "予定の時刻を過ぎても始まっていません。chiiki scheduler が動いているか確かめてください"
        )
    if waiting is not None and now - waiting > WORKER_GRACE:
        return "受け付けたまま始まっていません。chiiki db_worker が動いているか確かめてください"
    return ""


def _rows(runs: QuerySet[JobRun], now: dt.datetime) -> list[JobRow]:
    latest: dict[str, list[JobRun]] = {}
    for run in _latest(runs):
        latest.setdefault(run.job, []).append(run)
    slots = JobSlot.objects.order_by().values("job").annotate(last=Max("due_at"))
    claimed = {s["job"]: s["last"] for s in slots}
    # When the oldest slot of each job still waiting for the worker was enqueued (read
    # newest first, so the oldest is the one kept).
    pending = JobSlot.objects.filter(started_at__isnull=True).order_by("-enqueued_at")
    waiting = {s.job: s.enqueued_at for s in pending}
    rows = []
    for name in sorted(JOBS):
        job = JOBS[name]
        found = sorted(latest.get(name, []), key=lambda r: (r.started_at, r.pk), reverse=True)
        rows.append(
            JobRow(
                job=job,
                next_at=next_slot(job.schedule, now),
                last=found[0] if found else None,
                runs=found,
                waiting_since=waiting.get(name),
                warning=_warning(job, now, claimed.get(name), waiting.get(name)),
            )
        )
    return rows


def job_board(*, user: Any, now: dt.datetime) -> list[JobRow]:
    """Every registered job, its next slot and its last run in the user's municipality (or
    of the whole installation); refused to anyone but an administrator."""
    own = access.visible(
        user, Cap.JOBS_VIEW, JobRun.objects.all(), "定期処理の実行状況は管理者のみ閲覧できます"
    )
    return _rows(own | JobRun.objects.filter(municipality__isnull=True), now)


def job_status(*, now: dt.datetime, municipality: Any = None) -> list[JobRow]:
    """For the operator's command: every job with the latest run of each municipality (or
    of ``municipality`` and the installation's)."""
    runs = JobRun.objects.all()
    if municipality is not None:
        runs = runs.filter(Q(municipality=municipality) | Q(municipality__isnull=True))
    return _rows(runs, now)
