from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PeopleConfig(AppConfig):
    name = "chiiki.people"
    label = "people"
    verbose_name = "人"

    def ready(self) -> None:
        from chiiki.people import (
            importers,  # noqa: F401  (registers its import runners)
            jobs,  # noqa: F401  (registers its periodic job)
        )
        from chiiki.people.search_index import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self)
