"""JSON API for surveys: list, area results (always suppressed), import, KCL scoring of a file."""

from __future__ import annotations

from typing import Any

from ninja import File, Router, Status, UploadedFile

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.core.params import ApiId, ApiText
from chiiki.core.tabular import TableError
from chiiki.surveys import answers, rules, scoring, selectors, services
from chiiki.surveys.schemas import AggregateOut, Detail, ImportErrorOut, ImportOut, SurveyOut

router = Router(tags=["surveys"])


def _errors(errors: list[answers.CellError], count: int) -> dict[str, Any]:
    return {
        "detail": f"{count} 件の誤りがあります（何も取り込んでいません）",
        "error_count": count,
        "errors": [
            {
                "row": e.row,
                "column": e.column,
                "value": e.value,
                "expected": e.expected,
                "message": e.message,
            }
            for e in errors
        ],
    }


@router.get("", response={200: list[SurveyOut], 403: Detail})
def survey_list(request: AuthedRequest) -> Any:
    return [
        {
            "id": s.pk,
            "name": s.name,
            "municipality": str(s.municipality),
            "fiscal_year": s.fiscal_year,
            "instrument": s.instrument,
            "rule_set": s.ruleset_ref,
        }
        for s in selectors.survey_list_for_user(user=request.user)
    ]


@router.get("/{survey_id}/aggregate", response={200: AggregateOut, 403: Detail})
def survey_aggregate(request: AuthedRequest, survey_id: ApiId, by: ApiText = "life_area") -> Any:
    """Rates with Wilson 95% intervals by life_area, district, sex or age_band, or two of them
    (``by=life_area,sex``; the group reads 「北部 / 女」); cells under 10 respondents suppressed."""
    survey = selectors.survey_get_for_user(user=request.user, survey_id=survey_id)
    first, _, second = by.partition(",")
    table = selectors.survey_results(user=request.user, survey=survey, by=first, then=second)
    labels = dict(table.risks)
    rows = [
        {
            "group": " / ".join(str(r[d]) for d in table.dims),
            "label": labels.get(r["risk"], r["risk"]),
            **{
                k: r[k]
                for k in (
                    "risk",
                    "respondents",
                    "determined",
                    "positive",
                    "undetermined",
                    "rate",
                    "ci_low",
                    "ci_high",
                    "above",
                    "suppressed",
                )
            },
        }
        for r in (table.long.iter_rows(named=True) if not table.long.is_empty() else [])
    ]
    return {
        "survey": survey.pk,
        "by": ",".join(table.dims),
        "rule_set": table.ruleset_ref,
        "suppress_below": selectors.SUPPRESS,
        "rows": rows,
    }


@router.post("/{survey_id}/import", response={200: ImportOut, 400: ImportErrorOut, 403: Detail})
def survey_import(request: AuthedRequest, survey_id: ApiId, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    """Import answers (same files as the web upload); all or nothing, idempotent."""
    survey = selectors.survey_get_for_user(
        user=request.user, survey_id=survey_id, cap=Cap.SURVEY_IMPORT
    )
    result = services.survey_import(
        user=request.user,
        survey=survey,
        data=file.read(),
        filename=file.name or "",
        channel="api",
        request=request,
    )
    if not result.ok:
        return Status(400, _errors(result.errors, result.error_count))
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "unlinked": result.unlinked,
        "mapping": result.mapping,
        "rule_set": survey.ruleset_ref,
    }


@router.post("/kcl/score", response={200: list[dict[str, Any]], 400: ImportErrorOut, 403: Detail})
def kcl_score(request: AuthedRequest, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    """Score a file of checklists exactly like `chiiki kcl score` (nothing is stored)."""
    access.require(request.user, Cap.KCL_SCREEN, "基本チェックリストを採点する権限がありません")
    ruleset = rules.builtin_ruleset(rules.KCL)
    inst = rules.instrument("kcl")
    try:
        frame, _ = answers.read_frame(file.read(), file.name or "")
    except TableError as exc:
        return Status(
            400, _errors([answers.CellError(1, "ファイル", file.name or "", str(exc))], 1)
        )
    prepared = answers.prepare(frame, answers.auto_mapping(frame.columns, inst), inst)
    if not prepared.ok:
        return Status(400, _errors(prepared.errors, prepared.error_count))
    out = scoring.kcl_score(prepared.frame, ruleset)
    rows = out.to_dicts()
    for row in rows:
        for k, v in row.items():
            if v is None:
                row[k] = scoring.UNDETERMINED
        row["rule_set"] = ruleset.ref
    return rows


@router.post("/{survey_id}/mailing", response={200: ImportOut, 400: ImportErrorOut, 403: Detail})
def survey_mailing(request: AuthedRequest, survey_id: ApiId, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    """Import the mailing list (a column 被保険者番号); all or nothing, idempotent."""
    survey = selectors.survey_get_for_user(
        user=request.user, survey_id=survey_id, cap=Cap.SURVEY_IMPORT
    )
    result = services.mailing_import(
        user=request.user, survey=survey, data=file.read(), filename=file.name or ""
    )
    if not result.ok:
        return Status(400, _errors(result.errors, result.error_count))
    return {
        "created": result.created,
        "updated": 0,
        "unchanged": result.unchanged,
        "unlinked": 0,
        "mapping": {},
        "rule_set": survey.ruleset_ref,
    }
