from __future__ import annotations

from django.apps import AppConfig


class CasemeetingsConfig(AppConfig):
    name = "chiiki.casemeetings"
    label = "casemeetings"
    verbose_name = "地域ケア会議"

    def ready(self) -> None:
        # Registers its import runner and its periodic job.
        from chiiki.casemeetings import importers, jobs  # noqa: F401
