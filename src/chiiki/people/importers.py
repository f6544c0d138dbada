"""The people imports as jobs of the import platform: the care certification file."""

from __future__ import annotations

from chiiki.core.tabular import Progress, TableError, read_table
from chiiki.core.uploads import upload_limits
from chiiki.imports.models import ImportJob, ImportKind
from chiiki.imports.runners import Outcome, cell, file_error, runner
from chiiki.people import care
from chiiki.people.care_file import CareFileError


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
