from __future__ import annotations

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "chiiki.people"
    label = "people"
    verbose_name = "人"

    def ready(self) -> None:
        from chiiki.people import (
            importers,  # noqa: F401  (registers its import runners)
            jobs,  # noqa: F401  (registers its periodic job)
        )
