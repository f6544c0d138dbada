from __future__ import annotations

from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "chiiki.areas"
    label = "areas"
    verbose_name = "地域"
