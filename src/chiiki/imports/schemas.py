from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class ImportAccepted(Schema):
    """A file large enough to import in the background: poll ``status_url`` for the end."""

    job: int
    status: str
    status_url: str


class ImportJobOut(Schema):
    id: int
    kind: str
    status: str
    status_label: str
    stage: str
    progress_done: int
    progress_total: int | None
    filename: str
    size: int
    result: dict[str, Any]
    errors: list[dict[str, Any]]
    error_count: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    page_url: str


class Detail(Schema):
    detail: str
