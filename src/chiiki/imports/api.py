"""JSON API for import jobs: the status of an import that runs in the background."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status

from chiiki.core.params import ApiId
from chiiki.imports import selectors
from chiiki.imports.models import ImportJob
from chiiki.imports.schemas import Detail, ImportAccepted, ImportJobOut
from chiiki.imports.services import FollowRefused, import_job_follow

router = Router(tags=["imports"])


def accepted(job: ImportJob) -> ImportAccepted:
    return ImportAccepted(
        job=job.pk, status=job.status, status_url=reverse("api:import_job", args=[job.pk])
    )


@router.get("/{job_id}", response={200: ImportJobOut, 403: Detail}, url_name="import_job")
def import_job(request: HttpRequest, job_id: ApiId) -> Any:
    """An import's state (queued, running, done, failed), its progress, and its result or
    errors (each with row and column when the file has them). Seen by those who may run
    that import in the job's municipality."""
    job = selectors.import_job_get_for_user(user=request.user, job_id=job_id)
    return job_out(job)


def job_out(job: ImportJob) -> ImportJobOut:
    return ImportJobOut(
        id=job.pk,
        kind=job.kind,
        status=job.status,
        status_label=job.get_status_display(),
        stage=job.stage,
        progress_done=job.progress_done,
        progress_total=job.progress_total,
        filename=job.filename,
        size=job.size,
        result=job.result,
        errors=job.errors,
        error_count=job.error_count,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        page_url=reverse("imports:job", args=[job.pk]),
    )


@router.post(
    "/{job_id}/commit",
    response={200: ImportJobOut, 202: ImportJobOut, 403: Detail, 409: Detail},
    url_name="import_job_commit",
)
def import_job_commit(request: HttpRequest, job_id: ApiId) -> Any:
    """Commit a previewed import (a job whose ``result.preview`` is true): a new job takes
    the previewed file and imports it, answered as ``GET /api/imports/{id}`` answers (202
    while it runs in the background). 409 when the job is no preview, was committed
    already, or its file has expired (upload it again)."""
    job = selectors.import_job_get_for_user(user=request.user, job_id=job_id)
    if job.result.get("preview") is not True:
        return Status(409, Detail(detail="この取り込みは確認（プレビュー）ではありません"))
    try:
        follow = import_job_follow(user=request.user, job=job, params={"preview": False})
    except FollowRefused as exc:
        return Status(409, Detail(detail=str(exc)))
    return Status(202 if follow.active else 200, job_out(follow))
