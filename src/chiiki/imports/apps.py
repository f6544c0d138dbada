from __future__ import annotations

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "chiiki.imports"
    label = "imports"
    verbose_name = "取り込み"
