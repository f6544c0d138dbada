"""Static files outside DEBUG: a clear message, never a 500, before `chiiki collectstatic`.

Outside DEBUG the pages name their static files through the manifest that `collectstatic`
writes under STATIC_ROOT. Without it, whitenoise's storage raises ValueError on the first
``{% static %}`` and every page would answer 500. Here a system check warns (``check
--deploy`` and the WSGI start), and the shell answers a 503 page saying what to run.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning
from django.http import HttpResponse
from whitenoise.storage import CompressedManifestStaticFilesStorage

log = logging.getLogger("chiiki.static")

MESSAGE = "静的ファイルが用意されていません。`chiiki collectstatic` を実行してください"
PAGE = f"""<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>準備中 | chiiki</title></head>
<body><h1>準備中です</h1>
<p>{MESSAGE.replace("`chiiki collectstatic`", "<code>chiiki collectstatic</code>")}
（実行後、サーバーを再起動してください）。</p>
<p>利用者の方は、時間をおいてもう一度お試しください。続く場合は市町村のシステム担当者にご連絡ください。</p>
</body></html>
"""


class StaticFilesMissing(ValueError):
    """A static file the page names is not in the manifest (or there is no manifest)."""


class ManifestStaticStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's compressed manifest storage, whose missing entry the shell recognises."""

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError as exc:
            raise StaticFilesMissing(str(exc)) from exc


def manifest_path() -> Path | None:
    """Where the manifest should be, or None when the storage keeps none (DEBUG, tests)."""
    storage: Any = staticfiles_storage
    if not isinstance(storage, ManifestFilesMixin):
        return None
    return Path(settings.STATIC_ROOT) / storage.manifest_name


def manifest_missing() -> bool:
    """True while the manifest storage has no manifest (read again until one appears)."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return False
    storage: Any = staticfiles_storage
    if storage.hashed_files:
        return False
    storage.hashed_files, storage.manifest_hash = storage.load_manifest()
    return not storage.hashed_files


def unavailable() -> HttpResponse:
    response = HttpResponse(PAGE, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = "60"
    return response


def check_manifest(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    path = manifest_path()
    if path is None or path.is_file():
        return []
    return [
        CheckWarning(
            MESSAGE,
            hint=f"{path} がありません。collectstatic の後、サーバーを再起動してください",
            id="chiiki.W001",
        )
    ]


def register_checks() -> None:
    register(check_manifest, Tags.staticfiles, deploy=True)


def warn_at_start() -> None:
    """Logs the check's warning when the WSGI application starts (gunicorn's log)."""
    for message in check_manifest():
        log.warning("%s（%s）", message.msg, message.hint)
