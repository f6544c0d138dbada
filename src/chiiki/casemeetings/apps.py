from __future__ import annotations

from django.apps import AppConfig


class CasemeetingsConfig(AppConfig):
    name = "chiiki.casemeetings"
    label = "casemeetings"
    verbose_name = "地域ケア会議"

    def ready(self) -> None:
        from chiiki.casemeetings import importers  # noqa: F401  (registers its import runner)
