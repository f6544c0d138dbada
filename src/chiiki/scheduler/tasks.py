"""The task of one due slot, run by `chiiki db_worker` like the import tasks."""

from __future__ import annotations

try:
    from django.tasks import task  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # Django 5.2: the django-tasks backport of the same API
    from django_tasks import task


@task()
def job_slot_task(slot_id: int) -> None:
    """Run the job of a claimed slot (each run records its own outcome)."""
    from chiiki.scheduler.services import slot_run

    slot_run(slot_id=slot_id)
