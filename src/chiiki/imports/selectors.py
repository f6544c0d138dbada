"""Reads of import jobs: a job is seen by the people who may run that import, in its municipality."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.imports.models import ImportJob, ImportKind

# The capability that runs (and so sees) each kind of import.
CAPABILITY = {
    ImportKind.POPULATION: Cap.POPULATION_IMPORT,
    ImportKind.AREA_TREE: Cap.AREAS_IMPORT,
    ImportKind.SURVEY_ANSWERS: Cap.SURVEY_IMPORT,
    ImportKind.SURVEY_MAILING: Cap.SURVEY_IMPORT,
    # A body's questionnaire: the municipality is checked here, the body's area by the
    # councils' import service when the job runs (and by its page before the upload).
    ImportKind.QUESTIONNAIRE: Cap.COUNCILS_MANAGE,
    ImportKind.REGISTER: Cap.PEOPLE_IMPORT,
    ImportKind.CARE_CERTIFICATION: Cap.CARE_IMPORT,
    ImportKind.STAFF: Cap.USERS_MANAGE,
    ImportKind.INSURANCE_YEARS: Cap.INDICATORS_EDIT,
}


def import_allowed(*, user: Any, kind: str, municipality_id: int | None) -> bool:
    """May ``user`` run an import of ``kind`` into that municipality (and so see its jobs)?"""
    cap = CAPABILITY.get(ImportKind(kind)) if kind in ImportKind.values else None
    return bool(
        cap is not None
        and access.can(user, cap)
        and municipality_id is not None
        and access.who(user).municipality_id == municipality_id
    )


def import_job_get_for_user(*, user: Any, job_id: int) -> ImportJob:
    """The job, or PermissionDenied alike for a job that is missing and one that is not yours."""
    job = ImportJob.objects.select_related("municipality", "survey").filter(pk=job_id).first()
    if job is None or not import_allowed(
        user=user, kind=job.kind, municipality_id=job.municipality_id
    ):
        raise access.PermissionDenied("この取り込みを閲覧する権限がありません")
    return job


def import_job_list_for_user(
    *,
    user: Any,
    kind: str,
    survey_id: int | None = None,
    params: dict[str, Any] | None = None,
    limit: int = 5,
) -> QuerySet[ImportJob]:
    """The latest jobs of one kind (and survey, or with these ``params`` such as a
    questionnaire's id) in the user's municipality, if they may run it."""
    municipality_id = access.who(user).municipality_id
    if municipality_id is None or not import_allowed(
        user=user, kind=kind, municipality_id=municipality_id
    ):
        return ImportJob.objects.none()
    jobs = ImportJob.objects.filter(municipality_id=municipality_id, kind=kind)
    if survey_id is not None:
        jobs = jobs.filter(survey_id=survey_id)
    for key, value in (params or {}).items():
        jobs = jobs.filter(**{f"params__{key}": value})
    return jobs[:limit]
