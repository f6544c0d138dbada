from __future__ import annotations

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "chiiki.imports"
    label = "imports"
    verbose_name = "取り込み"

    def ready(self) -> None:
        from chiiki.imports import jobs  # noqa: F401  (registers its periodic job)
