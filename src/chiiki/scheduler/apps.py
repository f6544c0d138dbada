from __future__ import annotations

from django.apps import AppConfig


class SchedulerConfig(AppConfig):
    name = "chiiki.scheduler"
    label = "scheduler"
    verbose_name = "定期処理"

    def ready(self) -> None:
        from chiiki.scheduler import housekeeping  # noqa: F401  (registers its own jobs)
