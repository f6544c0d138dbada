from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """The shell around the apps: navigation, the base command, the demo, error pages."""

    name = "chiiki.web"
    label = "web"
    verbose_name = "画面と共通コマンド"

    def ready(self) -> None:
        from chiiki.web import importers  # noqa: F401  (registers the staff file's runner)
        from chiiki.web.staticfiles import register_checks

        register_checks()
