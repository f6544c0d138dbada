"""Writes of periodic work: claim due slots and enqueue them, run a job, record the run.

`chiiki scheduler` calls :func:`scheduler_tick` every minute; the task it enqueues runs on
`chiiki db_worker` and calls :func:`slot_run`; `chiiki jobs run` calls :func:`job_run`
directly. All three end in the same record, one :class:`JobRun` per municipality.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.timezone import now as timezone_now

from chiiki.scheduler.models import JobRun, JobSlot, RunStatus, Trigger
from chiiki.scheduler.registry import JOBS, Job, JobError, get_job
from chiiki.scheduler.slots import due_slot

logger = logging.getLogger(__name__)

UNEXPECTED = "予期しない問題が起きました（{kind}）。詳しくはサーバーのログを見てください"
BAD_RESULT = "処理の結果が件数（名前と整数）になっていません"


def _municipalities() -> list[Any]:
    # The municipality model through the run's foreign key: the scheduler sits below the
    # areas app and imports none of it (as the import platform does).
    model: Any = JobRun._meta.get_field("municipality").related_model
    return list(model._default_manager.order_by("code"))


def _claim(job: Job, due: dt.datetime, now: dt.datetime) -> JobSlot | None:
    """Claim ``job``'s slot at ``due`` and enqueue its task, or None if already claimed."""
    from chiiki.scheduler.tasks import job_slot_task

    try:
        with transaction.atomic():
            slot = JobSlot.objects.create(job=job.name, due_at=due, enqueued_at=now)
            result = job_slot_task.enqueue(slot_id=slot.pk)
            slot.task_id = str(result.id)
            slot.save(update_fields=["task_id"])
    except IntegrityError:
        return None  # another scheduler (or an earlier tick) claimed it
    return slot


def scheduler_tick(*, now: dt.datetime) -> list[JobSlot]:
    """Enqueue every job whose latest due slot at ``now`` is not claimed yet; the slots
    claimed by this call. Safe to call as often as wanted, from several processes."""
    claimed = []
    for name in sorted(JOBS):
        job = JOBS[name]
        due = due_slot(job.schedule, now)
        if JobSlot.objects.filter(job=name, due_at=due).exists():
            continue
        slot = _claim(job, due, now)
        if slot is not None:
            logger.info("scheduled %s for %s", name, due.isoformat())
            claimed.append(slot)
    return claimed


def slot_run(*, slot_id: int) -> list[JobRun]:
    """Run a claimed slot once (a task delivered twice runs nothing the second time)."""
    started = JobSlot.objects.filter(pk=slot_id, started_at__isnull=True).update(
        started_at=timezone_now()
    )
    if not started:
        return []
    slot = JobSlot.objects.get(pk=slot_id)
    if slot.job not in JOBS:  # removed from the code since it was enqueued
        logger.warning("slot %s: no job %s", slot_id, slot.job)
        return []
    return job_run(name=slot.job, as_of=slot.due_at, trigger=Trigger.SCHEDULE, slot=slot)


def job_run(
    *,
    name: str,
    as_of: dt.datetime,
    trigger: str = Trigger.MANUAL,
    municipality: Any = None,
    slot: JobSlot | None = None,
) -> list[JobRun]:
    """Run job ``name`` as of ``as_of``: once, or once per municipality (only
    ``municipality`` when given); each run is recorded, and one municipality's failure
    does not stop the next."""
    job = get_job(name)
    if not job.per_municipality:
        if municipality is not None:
            raise JobError(f"「{job.label}」は市町村ごとの処理ではありません")
        targets: list[Any] = [None]
    else:
        targets = [municipality] if municipality is not None else _municipalities()
    return [_run_one(job, m, as_of, trigger, slot) for m in targets]


def _counts(result: Any) -> dict[str, int]:
    """The result as counts; anything else is refused, so that no text reaches the record."""
    if not isinstance(result, Mapping):
        raise JobError(BAD_RESULT)
    counts = {}
    for key, value in result.items():
        if not isinstance(key, str) or len(key) > 40:
            raise JobError(BAD_RESULT)
        if not isinstance(value, int) or isinstance(value, bool):
            raise JobError(BAD_RESULT)
        counts[key] = value
    return counts


def _run_one(
    job: Job, municipality: Any, as_of: dt.datetime, trigger: str, slot: JobSlot | None
) -> JobRun:
    run = JobRun(job=job.name, municipality=municipality, slot=slot, trigger=trigger, as_of=as_of)
    run.full_clean()
    run.save()
    try:
        # All or nothing per municipality: a job that fails halfway has written nothing.
        with transaction.atomic():
            run.result = _counts(job.run(municipality=municipality, now=as_of))
        run.status = RunStatus.OK
    except JobError as exc:
        run.status, run.error = RunStatus.FAILED, str(exc)[:500]
    except Exception as exc:
        # The message of an arbitrary exception may quote stored values (a database error
        # names the row), so only its kind is recorded; the traceback goes to the log.
        logger.exception("job %s failed (run %s)", job.name, run.pk)
        run.status, run.error = RunStatus.FAILED, UNEXPECTED.format(kind=type(exc).__name__)
    run.finished_at = timezone_now()
    run.save(update_fields=["status", "result", "error", "finished_at"])
    return run
