from __future__ import annotations

from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "chiiki.councils"
    label = "councils"
    verbose_name = "協議体と地域課題"

    def ready(self) -> None:
        from chiiki.councils import importers  # noqa: F401  (registers its import runner)
