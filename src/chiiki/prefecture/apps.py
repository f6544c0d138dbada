from __future__ import annotations

from django.apps import AppConfig


class PrefectureConfig(AppConfig):
    name = "chiiki.prefecture"
    label = "prefecture"
    verbose_name = "都道府県による市町村支援"
