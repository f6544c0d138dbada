from __future__ import annotations

from typing import Annotated, Any

from annotated_types import Ge, Le
from django.core.exceptions import ValidationError
from django.utils.timezone import localdate
from ninja import Router
from ninja.responses import Status

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.core.params import ApiDate, ApiId, ApiText, listed
from chiiki.mutualaid import selectors, services
from chiiki.mutualaid.models import HelpRequest
from chiiki.mutualaid.schemas import (
    MAX_MINUTES,
    TARIFFS,
    TASKS,
    ConfirmIn,
    ErrorOut,
    JobOut,
    QuoteOut,
    RequestIn,
    RequestOut,
    ValidationErrorOut,
)
from chiiki.mutualaid.tariff import TariffError, load_tariff, quote

router = Router(tags=["mutualaid"])


def _request_out(r: HelpRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "service": r.service.name,
        "week": r.week,
        "task": r.task,
        "task_label": r.task_label,
        "district": r.district.name,
        "family_name": r.person.family_name,
        "status": r.status,
        "preferred_slots": r.preferred_slots,
        "volunteer": str(r.volunteer.person) if r.volunteer else None,
        "slot": r.slot,
        "match_reasons": r.match_reasons,
        "fee": r.fee,
        "paid": r.paid,
    }


@router.get(
    "/quote",
    response={200: QuoteOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
)
def quote_get(
    request: AuthedRequest,
    task: Annotated[str, listed(TASKS, blank=False)],
    minutes: Annotated[int, Ge(1), Le(MAX_MINUTES)],
    tariff: Annotated[str, listed(TARIFFS, blank=False)] = "choi-kase",
) -> Any:
    """The fee of a job under a tariff, with its parts; 400 with the reason when refused."""
    if not (
        access.can(request.user, Cap.MUTUALAID_MANAGE)
        or access.can(request.user, Cap.MUTUALAID_OWN_JOBS)
    ):
        raise access.PermissionDenied("料金を見積もる権限がありません")
    try:
        return Status(200, quote(load_tariff(tariff), task, minutes).as_dict())
    except TariffError as exc:
        return Status(400, {"detail": str(exc)})


@router.get(
    "/requests",
    response={200: list[RequestOut], 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
)
def request_list(request: AuthedRequest, status: ApiText = "", week: ApiDate | None = None) -> Any:
    """Requests in the caller's districts (newest week first, at most 500)."""
    found = selectors.request_rows_for_user(user=request.user, status=status, week=week)
    return [_request_out(r) for r in found]


@router.post(
    "/requests",
    response={
        201: RequestOut,
        400: ErrorOut,
        409: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        422: ValidationErrorOut,
    },
)
def request_create(request: AuthedRequest, payload: RequestIn) -> Any:
    """Take a request; 409 with the reason when the service, as it stands, cannot take it
    (a slot it does not offer, a job its tariff lacks)."""
    service = selectors.service_get_for_user(user=request.user, service_id=payload.service_id)
    person = selectors.requester_in_scope(user=request.user, person_id=payload.person_id)
    if person is None:
        raise access.PermissionDenied("この人の依頼を登録する権限がありません")
    try:
        req = services.request_create(
            user=request.user,
            service=service,
            person=person,
            task=payload.task,
            week=payload.week,
            preferred_slots=payload.preferred_slots,
            estimated_minutes=payload.estimated_minutes,
            notes=payload.notes,
        )
    except ValidationError as exc:
        messages = exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]
        return Status(409, {"detail": " ".join(m for ms in messages for m in ms)})
    return Status(201, _request_out(req))


@router.post(
    "/requests/{request_id}/confirm",
    response={
        200: RequestOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        422: ValidationErrorOut,
    },
)
def request_confirm(request: AuthedRequest, request_id: ApiId, payload: ConfirmIn) -> Any:
    """Confirm a proposal. Two confirmations at once: one 200, the other 409 with why."""
    try:
        req = services.proposal_confirm(
            user=request.user, request_id=request_id, volunteer_id=payload.volunteer_id
        )
    except services.ConflictError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, _request_out(req))


@router.get(
    "/my/jobs", response={200: list[JobOut], 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut}
)
def my_jobs(request: AuthedRequest, week: ApiDate | None = None) -> Any:
    """The calling volunteer's jobs of the week."""
    cards = selectors.my_jobs(user=request.user, week=week or localdate())
    return [
        {
            "id": c.id,
            "family_name": c.family_name,
            "address": c.address,
            "task": c.task,
            "date": c.date,
            "slot": c.slot,
            "status": c.status,
            "phone": c.phone,
        }
        for c in cards
    ]
