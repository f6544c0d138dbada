"""The survey imports (answer sheets, mailing lists) as jobs of the import platform."""

from __future__ import annotations

from chiiki.core.tabular import Progress
from chiiki.imports.models import ImportJob, ImportKind
from chiiki.imports.runners import Outcome, cell, runner
from chiiki.surveys import rules
from chiiki.surveys import services as survey_services
from chiiki.surveys.answers import META_LABELS


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
            errors=[cell(e) for e in result.errors],
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


@runner(ImportKind.SURVEY_ANSWERS)
def survey_answers_run(job: ImportJob, data: bytes, progress: Progress) -> Outcome:
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


@runner(ImportKind.SURVEY_MAILING)
def survey_mailing_run(job: ImportJob, data: bytes, progress: Progress) -> Outcome:
    assert job.survey is not None
    result = survey_services.mailing_import(
        user=job.user, survey=job.survey, data=data, filename=job.filename, progress=progress
    )
    return _survey_result(job, result)
