from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ResourcesConfig(AppConfig):
    name = "chiiki.resources"
    label = "resources"
    verbose_name = "地域資源"

    def ready(self) -> None:
        from chiiki.resources.search_index import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self)
