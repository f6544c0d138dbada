"""Writes of import jobs: accept an upload, run it (in the request or as a task), record the end.

Both ways go through :func:`import_job_run`, so a small file and a large one give the same
job and the same result page. The import itself stays all or nothing and idempotent: the
runner calls the app's own import service, which checks every row before its one
transaction writes anything.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils.timezone import now as timezone_now

from chiiki.accounts import access
from chiiki.core.tabular import TableError, check_size, inspect_xlsx, is_xlsx
from chiiki.core.uploads import upload_limits
from chiiki.imports.models import ImportJob, ImportKind, ImportStatus
from chiiki.imports.runners import RUNNERS, Outcome, failure, file_error
from chiiki.imports.selectors import import_allowed

if TYPE_CHECKING:  # names only: the import platform sits below the apps that use it
    from chiiki.areas.models import Municipality
    from chiiki.surveys.models import Survey

logger = logging.getLogger(__name__)

QUEUED = "待機中"
READING = "読み込み中"
UNEXPECTED = (
    "取り込みの途中で予期しない問題が起きました。何も保存していません。"
    "もう一度試しても同じときは、管理者に連絡してください"
)


def import_job_path(job: ImportJob) -> Path:
    return Path(settings.CHIIKI_IMPORT_DIR) / f"job-{job.pk}.upload"


def _store(job: ImportJob, upload: UploadedFile) -> Path:
    """Copy the upload (in memory, or Django's temporary file) to the job's file, in chunks."""
    path = import_job_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    path.chmod(0o600)  # answers are special-care personal information
    return path


def _work(path: Path, filename: str) -> int:
    """How much the import will read: the bytes, or an XLSX's expanded bytes (checked here)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        if not is_xlsx(fh.read(2), filename):
            return size
        fh.seek(0)
        return max(size, inspect_xlsx(fh, upload_limits()).expanded_bytes)


def import_job_create(
    *,
    user: Any,
    kind: str,
    municipality: Municipality,
    upload: UploadedFile,
    survey: Survey | None = None,
    params: dict[str, Any] | None = None,
) -> ImportJob:
    """Accept an upload for import; run it now if it is small, else queue it as a task.

    A file over a limit (its size; an XLSX's declared expanded size or dimension) is refused
    before it is parsed: the job ends at once as 失敗 with the limit in its message.
    """
    if not import_allowed(user=user, kind=kind, municipality_id=municipality.pk):
        raise access.PermissionDenied("この取り込みを行う権限がありません")
    if survey is not None and survey.municipality_id != municipality.pk:
        raise access.PermissionDenied("この取り込みを行う権限がありません")
    filename = Path(upload.name or "upload").name[-255:]
    job = ImportJob(
        kind=kind,
        municipality=municipality,
        user=user,
        survey=survey,
        params=params or {},
        filename=filename,
        size=upload.size or 0,
        stage=QUEUED,
    )
    job.full_clean()
    job.save()
    try:
        check_size(job.size, upload_limits())
        path = _store(job, upload)
        work = _work(path, filename)
    except TableError as exc:
        import_job_path(job).unlink(missing_ok=True)
        return _finish(job, Outcome(ok=False, errors=[file_error(filename, exc)], error_count=1))
    return _dispatch(job, work)


def _dispatch(job: ImportJob, work: int) -> ImportJob:
    """Run the job now if the file is small, else queue it as a task."""
    if work <= settings.CHIIKI_IMPORT_INLINE_BYTES:
        return import_job_run(job_id=job.pk)
    from chiiki.imports.tasks import import_job_task

    task_result = import_job_task.enqueue(job_id=job.pk)
    job.task_id = str(task_result.id)
    job.save(update_fields=["task_id"])
    return job


class _Reporter:
    """Writes progress to the job row, about once per hundredth (at least every 1,000 rows).

    Each write is its own autocommit update outside the import's transaction, so the page
    polling from another connection sees it (SQLite: the import's write comes later).
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.stage = ""
        self.done = -1

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        step = max((total or 0) // 100, 1000)
        if stage == self.stage and done - self.done < step and done != total:
            return
        self.stage, self.done = stage, done
        ImportJob.objects.filter(pk=self.job_id).update(
            stage=stage, progress_done=done, progress_total=total
        )


def _finish(job: ImportJob, outcome: Outcome) -> ImportJob:
    job.status = ImportStatus.DONE if outcome.ok else ImportStatus.FAILED
    job.stage = job.get_status_display()
    job.result = outcome.summary
    job.errors = outcome.errors
    job.error_count = outcome.error_count
    job.finished_at = timezone_now()
    if outcome.ok and job.progress_total:
        job.progress_done = job.progress_total
    job.save(
        update_fields=[
            "status",
            "stage",
            "result",
            "errors",
            "error_count",
            "finished_at",
            "progress_done",
        ]
    )
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued job once: claim it, import its file, record the outcome, remove the file.

    Whatever happens, the job ends as 完了 or 失敗 with messages a person can act on; an
    unexpected fault is logged with its traceback, and the import's transaction has rolled
    back, so nothing is half-stored.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone_now(), stage=READING
    )
    job = ImportJob.objects.select_related("municipality", "survey", "user").get(pk=job_id)
    if not claimed:
        return job  # already run (a task delivered twice, or a job refused at once)
    path = import_job_path(job)
    try:
        if job.user is None or not import_allowed(
            user=job.user, kind=job.kind, municipality_id=job.municipality_id
        ):
            outcome = failure(
                "この取り込みを行う権限がなくなったため、取り込んでいません", job.filename
            )
        else:
            outcome = RUNNERS[ImportKind(job.kind)](job, path.read_bytes(), _Reporter(job.pk))
    except access.PermissionDenied as exc:
        outcome = failure(str(exc) or "この取り込みを行う権限がありません", job.filename)
    except FileNotFoundError:
        outcome = failure(
            "取り込むファイルが見つかりません。もう一度アップロードしてください", job.filename
        )
    except Exception:
        logger.exception("import job %s failed", job_id)
        outcome = failure(UNEXPECTED, job.filename)
    if not outcome.keep_file:
        path.unlink(missing_ok=True)
    job.refresh_from_db(fields=["stage", "progress_done", "progress_total"])
    return _finish(job, outcome)


def import_job_follow(*, user: Any, job: ImportJob, params: dict[str, Any]) -> ImportJob:
    """The next step of a job whose upload was kept: commit a preview, or try again with
    the columns mapped. A new job of the same kind takes the file (moved, so a job is
    followed once) with ``params`` over the first job's, and runs as any job does.

    Refused when the user may not run this import, when the job kept no file (followed
    already, or not a preview) and when the preview is older than
    ``CHIIKI_IMPORT_PREVIEW_HOURS``: then the file is removed and must be uploaded again.
    """
    if not import_allowed(user=user, kind=job.kind, municipality_id=job.municipality_id):
        raise access.PermissionDenied("この取り込みを行う権限がありません")
    path = import_job_path(job)
    age = timezone_now() - (job.finished_at or job.created_at)
    if job.active or not path.exists():
        raise FollowRefused(
            "この取り込みは続けられません（確定済み、または確認用のファイルがありません）。"
            "もう一度アップロードしてください"
        )
    if age.total_seconds() > settings.CHIIKI_IMPORT_PREVIEW_HOURS * 3600:
        path.unlink(missing_ok=True)
        raise FollowRefused(
            f"確認から{settings.CHIIKI_IMPORT_PREVIEW_HOURS}時間を過ぎたため、ファイルを"
            "消しました。もう一度アップロードしてください"
        )
    follow = ImportJob(
        kind=job.kind,
        municipality_id=job.municipality_id,
        user=user,
        survey=job.survey,
        params={**job.params, **params, "after": job.pk},
        filename=job.filename,
        size=job.size,
        stage=QUEUED,
    )
    follow.full_clean()
    follow.save()
    try:
        path.rename(import_job_path(follow))
    except FileNotFoundError:  # another request followed it first
        follow.delete()
        raise FollowRefused(
            "この取り込みはすでに確定されています。結果は取り込みの一覧で確かめてください"
        ) from None
    ImportJob.objects.filter(pk=job.pk).update(result={**job.result, "followed_by": follow.pk})
    return _dispatch(follow, _work(import_job_path(follow), follow.filename))


class FollowRefused(Exception):
    """A kept upload that cannot be taken further; the message says what to do."""


# A job still 実行中 after this long lost its worker (a restart, a crash): the import's
# transaction rolled back with it, so the job only needs saying so.
STUCK_AFTER = dt.timedelta(hours=6)
# An upload file younger than this may belong to a job being accepted right now.
ORPHAN_AFTER = dt.timedelta(hours=1)
STUCK = (
    "取り込みが途中で止まりました（サーバーの再起動など）。何も保存していません。"
    "もう一度アップロードしてください"
)


def import_jobs_reap(*, now: dt.datetime) -> dict[str, int]:
    """End the jobs stuck 実行中 since before ``now`` − 6 hours as 失敗, and remove the
    upload files no waiting or running job needs (a job's file is removed when it ends,
    but not when its worker died). Counts of each."""
    stuck = list(
        ImportJob.objects.filter(status=ImportStatus.RUNNING, started_at__lt=now - STUCK_AFTER)
    )
    for job in stuck:
        _finish(job, failure(STUCK, job.filename))
        import_job_path(job).unlink(missing_ok=True)
    folder = Path(settings.CHIIKI_IMPORT_DIR)
    files = {}
    for path in folder.glob("job-*.upload"):  # none when the folder is not there yet
        number = path.name.removeprefix("job-").removesuffix(".upload")
        if number.isdigit():
            files[int(number)] = path
    # A previewed upload waits for its commit (see import_job_follow) until it expires.
    kept_since = now - dt.timedelta(hours=settings.CHIIKI_IMPORT_PREVIEW_HOURS)
    active = set(
        ImportJob.objects.filter(
            Q(status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING))
            | Q(finished_at__gte=kept_since),
            pk__in=files,
        ).values_list("pk", flat=True)
    )
    removed = 0
    for pk, path in files.items():
        if pk in active:
            continue
        try:
            if path.stat().st_mtime > (now - ORPHAN_AFTER).timestamp():
                continue
            path.unlink()
        except FileNotFoundError:
            continue  # removed meanwhile by the job that ended
        removed += 1
    return {"stuck": len(stuck), "files": removed}
