"""A table of figures as a download: CSV (UTF-8 with a BOM, so that Excel reads Japanese)
or an XLSX workbook, every text cell guarded against formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

from chiiki.core.tabular import safe_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    return safe_cell(value)


def csv_bytes(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([_cell(c) for c in columns])
    writer.writerows([[_cell(c) for c in row] for row in rows])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "表"
    ws.append([_cell(c) for c in columns])
    for row in rows:
        ws.append([_cell(c) for c in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def download(
    fmt: str, filename: str, title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> HttpResponse:
    """``fmt`` is csv or xlsx; ``filename`` has no suffix (ASCII, with a UTF-8 name beside)."""
    if fmt == "xlsx":
        content, kind = xlsx_bytes(title, columns, rows), XLSX
    else:
        content, kind = csv_bytes(columns, rows), "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=kind)
    name = f"{filename}.{fmt}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    )
    return response
