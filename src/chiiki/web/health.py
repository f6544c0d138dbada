"""``GET /healthz``: whether this server can answer, for a load balancer or systemd.

No login and no personal data: the database answers a query, and every migration the code
has is applied. 200 with ``{"status": "ok", ...}``, otherwise 503 naming what failed.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger("chiiki.health")


def unapplied_migrations() -> list[str]:
    """The migrations the code has and the database lacks, as ``app.name``."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def _database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        log.error("healthz: database unreachable: %s", exc)
        return "error"
    return None


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    body: dict[str, object] = {"status": "ok", "database": "ok", "migrations": "ok"}
    if _database():
        body.update(status="error", database="error", migrations="unknown")
        return JsonResponse(body, status=503)
    try:
        missing = unapplied_migrations()
    except DatabaseError as exc:
        log.error("healthz: migrations unreadable: %s", exc)
        body.update(status="error", migrations="error")
        return JsonResponse(body, status=503)
    if missing:
        body.update(status="error", migrations="unapplied", unapplied=missing)
        return JsonResponse(body, status=503)
    return JsonResponse(body)
