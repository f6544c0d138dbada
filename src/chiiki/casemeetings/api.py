"""JSON API of community care meetings under /api/casemeetings/.

- ``GET /api/casemeetings/rollup?from=YYYY-MM&to=YYYY-MM``: the cases behind each issue
  seed, district by district, most cases first; the figures of ``chiiki casemeetings
  rollup`` (whole months; ``casemeetings.rollup``);
- ``GET /api/casemeetings/cases``: one page of the cases the caller sees, newest first, as
  ``selectors.CaseCard``s;
- ``GET /api/casemeetings/cases/{case_id}``: one case's card and its reviews.

A case is shown anonymised (number, 5-year age band, sex, district, care level) unless the
caller identifies its resident: only then do ``name``, ``address``, ``phone`` and
``insured_number`` appear (absent, not null, otherwise). An outside professional sees the
cases of the meetings they are invited to, never identified. Every list and every case is
read through the read door and audited. A case that is missing, of another municipality or
out of the caller's reach is a 404 alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Query, Router, Schema
from ninja.responses import Status

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.casemeetings import rollup, selectors
from chiiki.casemeetings.models import Stage
from chiiki.casemeetings.selectors import CaseCard
from chiiki.core.paging import page_body
from chiiki.core.params import (
    ApiId,
    ApiMonthOrEmpty,
    ApiPage,
    ApiPageSize,
    ApiSlug,
    ParamError,
    parse_month,
)
from chiiki.councils.services.issues import known_tags

router = Router(tags=["casemeetings"])
PAGE_SIZE = 50
IDENTITY = ("name", "address", "phone", "insured_number")


class ErrorOut(Schema):
    detail: str


class ParamErrorOut(Schema):
    detail: str
    param: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


class RollOut(Schema):
    tag: str
    cases: int
    districts: dict[str, int]


class CaseOut(Schema):
    """A case as the caller may see it; the last four only when ``identified``."""

    id: int
    number: str
    age_band: str
    sex: str
    district: str
    life_area: str
    care_level: str
    goal: str
    outcome: str
    closed_on: dt.date | None
    next_stage: str
    next_due_on: dt.date | None
    identified: bool
    name: str | None = None
    address: str | None = None
    phone: str | None = None
    insured_number: str | None = None


class CasePage(Schema):
    items: list[CaseOut]
    count: int
    # The next page's number (`page` + 1), or null on the last page.
    next: int | None = None


class TagOut(Schema):
    code: str
    name: str


class ReviewOut(Schema):
    id: int
    stage: str
    held_on: dt.date
    goal: str
    real_issue: str
    tags: list[TagOut]
    no_seed: bool
    result: str


class CaseDetailOut(CaseOut):
    reviews: list[ReviewOut]


ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut}


def card_out(card: CaseCard) -> dict[str, Any]:
    """The card's fields; the resident's only when the caller identifies them (the keys
    are left out, so that an anonymised answer does not even name them)."""
    data = {
        "id": card.pk,
        "number": card.number,
        "age_band": card.age_band,
        "sex": card.sex,
        "district": card.district,
        "life_area": card.life_area,
        "care_level": card.care_level,
        "goal": card.goal,
        "outcome": card.outcome,
        "closed_on": card.closed_on,
        "next_stage": card.next_stage,
        "next_due_on": card.next_due_on,
        "identified": card.identified,
    }
    if card.identified:
        data.update({k: getattr(card, k) for k in IDENTITY})
    return data


def _month(raw: str, name: str) -> tuple[int, int] | None:
    return parse_month(raw, name=name) if raw.strip() else None


@router.get(
    "/rollup",
    response={200: list[RollOut], 400: ParamErrorOut, **ERRORS},
    url_name="casemeetings_rollup",
)
def rollup_view(
    request: AuthedRequest,
    start: ApiMonthOrEmpty = Query("", alias="from"),  # noqa: B008 (ninja's parameter marker)
    end: ApiMonthOrEmpty = Query("", alias="to"),  # noqa: B008
) -> Any:
    """Cases per issue seed and district over whole months (``from``/``to`` as YYYY-MM,
    either may be left out), most cases first; ``from`` after ``to`` is an empty span,
    so an empty list."""
    access.require(request.user, Cap.CASES_ROLLUP, "事例の課題を集計する権限がありません")
    first_month, last_month = _month(start, "from"), _month(end, "to")
    if first_month and last_month and first_month > last_month:
        return []  # an empty span: no case was opened in it
    try:
        first, last = rollup.months(first_month, last_month)
    except ValueError as exc:
        raise ParamError("from", start, str(exc)) from exc
    rolls = selectors.rollup_for_user(user=request.user, start=first, end=last)
    return [r.as_json() for r in rolls]


@router.get(
    "/cases",
    response={200: CasePage, 400: ParamErrorOut, **ERRORS},
    exclude_unset=True,
    url_name="casemeetings_cases",
)
def case_list(
    request: AuthedRequest,
    tag: ApiSlug = "",
    page: ApiPage = 1,
    page_size: ApiPageSize = PAGE_SIZE,
) -> Any:
    """The cases the caller sees, newest opened first (``tag``: those with this issue seed,
    by its code). A page past the end is empty; 404 for a tag not registered."""
    found, count = selectors.case_page_for_user(
        user=request.user, page=page, size=page_size, tag=tag.strip()
    )
    return page_body([card_out(c) for c in found], page=page, size=page_size, count=count)


@router.get(
    "/cases/{case_id}",
    response={200: CaseDetailOut, 404: ErrorOut, **ERRORS},
    exclude_unset=True,
    url_name="casemeetings_case",
)
def case_detail(request: AuthedRequest, case_id: ApiId) -> Any:
    """One case's card and its reviews in order (stage, day, goal, real issue, tags). 403
    for a role that reads no cases; 404 alike for a case that is missing or not the
    caller's to see."""
    access.require(request.user, Cap.CASES_VIEW, selectors.CASE_REFUSED)
    try:
        view = selectors.case_get_for_user(user=request.user, case_id=case_id)
    except access.PermissionDenied:
        return Status(404, {"detail": f"事例（id {case_id}）は見つかりません"})
    names = known_tags(view.case.municipality)
    reviews = [
        {
            "id": r.pk,
            "stage": Stage(r.stage).label,
            "held_on": r.held_on,
            "goal": r.goal,
            "real_issue": r.real_issue,
            "tags": [{"code": t, "name": names.get(t, t)} for t in r.tags],
            "no_seed": r.no_seed,
            "result": r.get_result_display() if r.result else "",
        }
        for r in view.reviews
    ]
    return card_out(view.card) | {"reviews": reviews}
