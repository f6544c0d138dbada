from __future__ import annotations

from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "chiiki.indicators"
    label = "indicators"
    verbose_name = "指標と計画"

    def ready(self) -> None:
        # Registers its import runners.
        from chiiki.indicators import importers  # noqa: F401
