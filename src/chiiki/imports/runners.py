"""What each kind of import does with the bytes of its job, through its app's service.

A runner returns an :class:`Outcome`; it never raises for a bad file (the service's own
errors become the outcome's messages, each with its row and column when the file has one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chiiki.areas import services as area_services
from chiiki.areas.population import PopulationFileError
from chiiki.core.tabular import Progress, TableError, read_table
from chiiki.core.uploads import upload_limits
from chiiki.imports.models import ImportJob, ImportKind
from chiiki.surveys import rules
from chiiki.surveys import services as survey_services
from chiiki.surveys.answers import FILE, META_LABELS, CellError
from chiiki.surveys.answers import file_error as answers_file_error


@dataclass
class Outcome:
    ok: bool
    summary: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0


def failure(message: str, filename: str = "") -> Outcome:
    """A job that could not run at all; the message has the shape of a file's fault."""
    error = CellError(1, FILE, filename, message)
    return Outcome(ok=False, errors=[_cell(error)], error_count=1)


def file_error(filename: str, exc: TableError) -> dict[str, Any]:
    return _cell(answers_file_error(filename, exc))


def _cell(e: CellError) -> dict[str, Any]:
    return {
        "row": e.row,
        "column": e.column,
        "value": e.value,
        "expected": e.expected,
        "message": e.message,
    }


def _population(job: ImportJob, data: bytes, progress: Progress) -> Outcome:
    try:
        table = read_table(data, job.filename, upload_limits(), progress)
        result = area_services.population_import(
            municipality=job.municipality, table=table, user=job.user, progress=progress
        )
    except TableError as exc:
        return Outcome(ok=False, errors=[file_error(job.filename, exc)], error_count=1)
    except PopulationFileError as exc:
        errors = [
            {
                "row": e.row,
                "column": e.column,
                "value": e.value,
                "expected": e.expected,
                "message": str(e),
            }
            for e in exc.errors
        ]
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


def _survey_result(job: ImportJob, result: survey_services.ImportResult) -> Outcome:
    assert job.survey is not None
    labels = {
        **META_LABELS,
        **{i.id: i.text for i in rules.instrument(job.survey.instrument).items},
    }
    summary = {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "unlinked": result.unlinked,
        "mapping": result.mapping,
        "labels": {t: labels.get(t, "") for t in result.mapping.values()},
        "unused": result.unused,
        "encoding": result.encoding,
        "rule_set": job.survey.ruleset_ref,
    }
    if not result.ok:
        return Outcome(
            ok=False,
            summary=summary,
            errors=[_cell(e) for e in result.errors],
            error_count=result.error_count,
        )
    if job.kind == ImportKind.SURVEY_MAILING:
        summary["message"] = (
            f"発送名簿を取り込みました: 新規 {result.created} 件、登録済み {result.unchanged} 件"
        )
    else:
        summary["message"] = (
            f"取り込みました: 新規 {result.created} 件、更新 {result.updated} 件、"
            f"変更なし {result.unchanged} 件"
        )
    return Outcome(ok=True, summary=summary)


def _survey_answers(job: ImportJob, data: bytes, progress: Progress) -> Outcome:
    assert job.survey is not None
    result = survey_services.survey_import(
        user=job.user,
        survey=job.survey,
        data=data,
        filename=job.filename,
        extra_mapping=job.params.get("mapping") or None,
        channel=job.params.get("channel", "web"),
        progress=progress,
    )
    return _survey_result(job, result)


def _survey_mailing(job: ImportJob, data: bytes, progress: Progress) -> Outcome:
    assert job.survey is not None
    result = survey_services.mailing_import(
        user=job.user, survey=job.survey, data=data, filename=job.filename, progress=progress
    )
    return _survey_result(job, result)


RUNNERS: dict[str, Callable[[ImportJob, bytes, Progress], Outcome]] = {
    ImportKind.POPULATION: _population,
    ImportKind.SURVEY_ANSWERS: _survey_answers,
    ImportKind.SURVEY_MAILING: _survey_mailing,
}
