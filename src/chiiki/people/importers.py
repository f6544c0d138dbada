"""The people imports as jobs of the import platform: the register extract (preview, map
the columns, commit) and the care certification file.

A job with ``params["preview"]`` checks every row and counts what would change (N new,
M changed, K gone) without writing; its upload is kept, so that the page's 「この内容で
取り込む」 commits the same file (``import_job_follow``). A file that lacks a column keeps
its upload too, with its headers in the result, so that the page can offer to map them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chiiki.core.tabular import Progress, TableError, read_table
from chiiki.core.uploads import upload_limits
from chiiki.imports.models import ImportJob, ImportKind
from chiiki.imports.runners import Outcome, cell, file_error, runner
from chiiki.people import care, register
from chiiki.people import services as people_services
from chiiki.people.care_file import CareFileError


@runner(ImportKind.REGISTER)
def register_run(job: ImportJob, data: bytes, progress: Progress) -> Outcome:
    preview = bool(job.params.get("preview"))
    on = dt.date.fromisoformat(job.params["on"]) if job.params.get("on") else None
    mapping = {
        k: str(v)
        for k, v in (job.params.get("mapping") or {}).items()
        if k in register.COLUMNS and v
    }
    try:
        table = read_table(data, job.filename, upload_limits(), progress)
        result = people_services.register_import(
            municipality=job.municipality,
            table=table,
            on=on,
            progress=progress,
            user=job.user,
            mapping=mapping,
            preview=preview,
        )
    except TableError as exc:
        return Outcome(ok=False, errors=[file_error(job.filename, exc)], error_count=1)
    except register.RegisterHeaderError as exc:
        summary: dict[str, Any] = {
            "headers": exc.headers,
            "missing": exc.missing,
            "columns": register.LABELS,
        }
        return Outcome(
            ok=False,
            summary=summary,
            errors=[cell(e, str(e)) for e in exc.errors],
            error_count=exc.count,
            keep_file=bool(exc.missing),
        )
    except register.RegisterFileError as exc:
        return Outcome(
            ok=False, errors=[cell(e, str(e)) for e in exc.errors], error_count=exc.count
        )
    return Outcome(
        ok=True,
        summary={
            "message": f"「{job.filename}」: {result.message()}",
            "preview": preview,
            "rows": result.rows,
            **result.as_json(),
        },
        keep_file=preview,
    )


@runner(ImportKind.CARE_CERTIFICATION)
def care_certification_run(job: ImportJob, data: bytes, progress: Progress) -> Outcome:
    try:
        table = read_table(data, job.filename, upload_limits(), progress)
        result = care.care_import(
            municipality=job.municipality,
            table=table,
            user=job.user,
            progress=progress,
            source=job.filename,
        )
    except TableError as exc:
        return Outcome(ok=False, errors=[file_error(job.filename, exc)], error_count=1)
    except CareFileError as exc:
        return Outcome(
            ok=False, errors=[cell(e, str(e)) for e in exc.errors], error_count=exc.count
        )
    return Outcome(
        ok=True,
        summary={
            "message": f"「{job.filename}」: {result.message()}",
            "rows": result.rows,
            **result.as_json(),
        },
    )
