from __future__ import annotations

from django.apps import AppConfig


class MutualaidConfig(AppConfig):
    name = "chiiki.mutualaid"
    label = "mutualaid"
    verbose_name = "助け合い"

    def ready(self) -> None:
        from chiiki.mutualaid import jobs  # noqa: F401  (registers its periodic job)
