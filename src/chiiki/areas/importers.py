"""The area imports as jobs of the import platform: population tables and the area tree."""

from __future__ import annotations

from chiiki.areas import services as area_services
from chiiki.areas.area_tree import AreaFileError
from chiiki.areas.population import PopulationFileError
from chiiki.core.tabular import Progress, TableError, read_table
from chiiki.core.uploads import upload_limits
from chiiki.imports.models import ImportJob, ImportKind
from chiiki.imports.runners import Outcome, cell, file_error, runner


@runner(ImportKind.POPULATION)
def population_run(job: ImportJob, data: bytes, progress: Progress) -> Outcome:
    try:
        table = read_table(data, job.filename, upload_limits(), progress)
        result = area_services.population_import(
            municipality=job.municipality, table=table, user=job.user, progress=progress
        )
    except TableError as exc:
        return Outcome(ok=False, errors=[file_error(job.filename, exc)], error_count=1)
    except PopulationFileError as exc:
        errors = [cell(e, str(e)) for e in exc.errors]
        return Outcome(ok=False, errors=errors, error_count=exc.count)
    return Outcome(
        ok=True,
        summary={
            "message": f"「{job.filename}」: {result.message()}",
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )


@runner(ImportKind.AREA_TREE)
def area_tree_run(job: ImportJob, data: bytes, progress: Progress) -> Outcome:
    try:
        table = read_table(data, job.filename, upload_limits(), progress)
        result = area_services.area_tree_import(
            table=table, user=job.user, municipality=job.municipality, progress=progress
        )
    except TableError as exc:
        return Outcome(ok=False, errors=[file_error(job.filename, exc)], error_count=1)
    except AreaFileError as exc:
        return Outcome(
            ok=False, errors=[cell(e, str(e)) for e in exc.errors], error_count=exc.count
        )
    return Outcome(
        ok=True, summary={"message": f"「{job.filename}」: {result.message()}", **result.as_json()}
    )
