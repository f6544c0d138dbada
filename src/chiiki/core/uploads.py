"""The deployed limits of an uploaded or imported file, from the settings (see settings.py)."""

from __future__ import annotations

from django.conf import settings

from chiiki.core.tabular import Limits


def upload_limits() -> Limits:
    return Limits(
        max_bytes=settings.CHIIKI_UPLOAD_MAX_BYTES,
        max_rows=settings.CHIIKI_UPLOAD_MAX_ROWS,
        max_columns=settings.CHIIKI_UPLOAD_MAX_COLUMNS,
        max_expanded_bytes=settings.CHIIKI_UPLOAD_MAX_XLSX_EXPANDED_BYTES,
    )
