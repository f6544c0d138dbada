from __future__ import annotations

from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "chiiki.resources"
    label = "resources"
    verbose_name = "地域資源"
