from __future__ import annotations

from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "chiiki.surveys"
    label = "surveys"
    verbose_name = "ニーズ把握"

    def ready(self) -> None:
        from chiiki.surveys import importers  # noqa: F401  (registers its import runners)
