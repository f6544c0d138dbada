"""The import task, on Django's Tasks API (django.tasks from Django 6, the backport before)."""

from __future__ import annotations

try:
    from django.tasks import task  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # Django 5.2: the django-tasks backport of the same API
    from django_tasks import task


@task()
def import_job_task(job_id: int) -> None:
    """Run a queued import job in `chiiki db_worker` (the job records its own outcome)."""
    from chiiki.imports.services import import_job_run

    import_job_run(job_id=job_id)
