"""The insurer's yearly figures as jobs of the import platform (the page's upload)."""

from __future__ import annotations

from chiiki.areas.models import Municipality
from chiiki.core.tabular import Progress, TableError, read_table
from chiiki.core.uploads import upload_limits
from chiiki.imports.models import ImportJob, ImportKind
from chiiki.imports.runners import Outcome, failure, file_error, runner
from chiiki.indicators.services.insurance import insurance_import


@runner(ImportKind.INSURANCE_YEARS)
def insurance_years_run(job: ImportJob, data: bytes, progress: Progress) -> Outcome:
    municipality = Municipality.objects.filter(pk=job.municipality_id).first()
    if municipality is None:
        return failure("取り込み先の市町村が見つかりません", job.filename)
    try:
        table = read_table(data, job.filename, upload_limits(), progress)
    except TableError as exc:
        return Outcome(ok=False, errors=[file_error(job.filename, exc)], error_count=1)
    result = insurance_import(user=job.user, municipality=municipality, table=table)
    summary = result.as_json()
    del summary["errors"]
    if not result.ok:
        return Outcome(
            ok=False, summary=summary, errors=result.errors, error_count=result.error_count
        )
    summary["message"] = result.message()
    return Outcome(ok=True, summary=summary)
