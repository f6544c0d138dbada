"""District questionnaires' paper answers as jobs of the import platform."""

from __future__ import annotations

from chiiki.core.tabular import Progress
from chiiki.councils.selectors.questionnaires import questionnaire_for_system
from chiiki.councils.services import questionnaires as services
from chiiki.imports.models import ImportJob, ImportKind
from chiiki.imports.runners import Outcome, cell, failure, runner


@runner(ImportKind.QUESTIONNAIRE)
def questionnaire_answers_run(job: ImportJob, data: bytes, progress: Progress) -> Outcome:
    questionnaire_id = job.params.get("questionnaire_id")
    questionnaire = (
        questionnaire_for_system(
            questionnaire_id=questionnaire_id, municipality_id=job.municipality_id
        )
        if isinstance(questionnaire_id, int)
        else None
    )
    if questionnaire is None:
        return failure("取り込み先の地区アンケートが見つかりません", job.filename)
    inst = services.questionnaire_instrument(questionnaire)
    labels = {"id": "回答者ID", "district": "地区", **{i.id: i.text for i in inst.items}}
    result = services.questionnaire_import(
        user=job.user,
        questionnaire=questionnaire,
        data=data,
        filename=job.filename,
        channel=job.params.get("channel", "web"),
        progress=progress,
    )
    summary = {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "mapping": result.mapping,
        "labels": {t: labels.get(t, "") for t in result.mapping.values()},
        "unused": result.unused,
        "encoding": result.encoding,
        "questionnaire": questionnaire.name,
    }
    if not result.ok:
        return Outcome(
            ok=False,
            summary=summary,
            errors=[cell(e) for e in result.errors],
            error_count=result.error_count,
        )
    summary["message"] = (
        f"「{questionnaire.name}」に取り込みました: 新規 {result.created} 件、"
        f"更新 {result.updated} 件、変更なし {result.unchanged} 件"
    )
    return Outcome(ok=True, summary=summary)
