from __future__ import annotations

from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "chiiki.areas"
    label = "areas"
    verbose_name = "地域"

    def ready(self) -> None:
        from chiiki.areas import importers  # noqa: F401  (registers its import runners)
