"""The hourly clean-up of import jobs whose worker died, and of their upload files."""

from __future__ import annotations

import datetime as dt
import os

from chiiki.imports.models import ImportJob, ImportKind, ImportStatus
from chiiki.imports.services import STUCK, import_job_path
from chiiki.scheduler.models import RunStatus
from chiiki.scheduler.services import job_run
from chiiki.scheduler.slots import JST

NOW = dt.datetime(2026, 4, 1, 10, 20, tzinfo=JST)


def _job(town, status: str, started: dt.datetime | None, *, file_age: dt.timedelta | None):
    job = ImportJob.objects.create(
        kind=ImportKind.POPULATION,
        municipality=town.municipality,
        filename="pop.csv",
        status=status,
        started_at=started,
    )
    if file_age is not None:
        _file(import_job_path(job), file_age)
    return job


def _file(path, age: dt.timedelta):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    moment = (NOW - age).timestamp()
    os.utime(path, (moment, moment))


def test_jobs_stuck_running_fail_and_files_no_job_needs_are_removed(town, settings):
    hours = dt.timedelta(hours=1)
    stuck = _job(town, ImportStatus.RUNNING, NOW - 7 * hours, file_age=7 * hours)
    running = _job(town, ImportStatus.RUNNING, NOW - 5 * hours, file_age=5 * hours)
    queued = _job(town, ImportStatus.QUEUED, None, file_age=3 * hours)
    done = _job(town, ImportStatus.DONE, NOW - 3 * hours, file_age=3 * hours)
    folder = import_job_path(done).parent
    _file(folder / "job-999999.upload", 2 * hours)  # its job is gone
    _file(folder / "job-999998.upload", dt.timedelta(minutes=5))  # being accepted now
    [run] = job_run(name="imports.reap", as_of=NOW)
    # The stuck job's own file goes with it; "files" counts the others.
    assert (run.status, run.result) == (RunStatus.OK, {"stuck": 1, "files": 2})
    stuck.refresh_from_db()
    assert stuck.status == ImportStatus.FAILED and STUCK in stuck.errors[0]["message"]
    assert stuck.finished_at is not None
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [import_job_path(running).name, import_job_path(queued).name, "job-999998.upload"]
    )
    running.refresh_from_db()
    assert running.status == ImportStatus.RUNNING
    [again] = job_run(name="imports.reap", as_of=NOW)
    assert again.result == {"stuck": 0, "files": 0}


def test_a_previewed_upload_waits_for_its_commit_until_it_expires(town, settings):
    hours = dt.timedelta(hours=1)
    window = settings.CHIIKI_IMPORT_PREVIEW_HOURS * hours
    waiting = _job(town, ImportStatus.DONE, NOW - 2 * hours, file_age=2 * hours)
    expired = _job(town, ImportStatus.DONE, NOW - window - 2 * hours, file_age=window + 2 * hours)
    ImportJob.objects.filter(pk=waiting.pk).update(finished_at=NOW - 2 * hours)
    ImportJob.objects.filter(pk=expired.pk).update(finished_at=NOW - window - hours)
    [run] = job_run(name="imports.reap", as_of=NOW)
    assert run.result == {"stuck": 0, "files": 1}
    assert import_job_path(waiting).exists() and not import_job_path(expired).exists()
