"""JSON API of the directory: ``/api/resources/`` (ours) and ``/api/hsds/`` (read-only,
following the Open Referral HSDS 3.0 API profile: pages of full objects, ``page`` and
``per_page`` parameters)."""

from __future__ import annotations

from typing import Any

from ninja import Router
from ninja.errors import HttpError

from chiiki.accounts.http import AuthedRequest
from chiiki.core.paging import api_page
from chiiki.core.params import ApiId, ApiMonth, ApiPage, ApiPageSize, ApiText, ApiTimeOrEmpty
from chiiki.resources import calendar, hsds, selectors, taxonomy
from chiiki.resources.schemas import ErrorOut, MonthOut, ServicePage

router = Router(tags=["resources"])
hsds_router = Router(tags=["hsds"])


@router.get("/services", response=ServicePage)
def service_list(
    request: AuthedRequest,
    page: ApiPage = 1,
    page_size: ApiPageSize = 50,
    q: ApiText = "",
    category: ApiText = "",
    district_id: ApiId | None = None,
    weekday: ApiText = "",
    time: ApiTimeOrEmpty = "",
    pickup: bool = False,
    free: bool = False,
) -> Any:
    """Search the directory (width and kana ignored; one- and two-character words too),
    best match first."""
    at = None
    if time:
        try:
            at = calendar.parse_time(time, "time")
        except calendar.ScheduleError as exc:
            raise HttpError(400, str(exc)) from exc
    qs = selectors.service_search(
        user=request.user,
        query=q,
        category=category,
        district_id=district_id,
        weekday=weekday,
        time=at,
        pickup=pickup,
        free=free,
    )
    return api_page(qs, page=page, size=page_size, out=selectors.service_summary)


@router.get(
    "/services/{service_id}/calendar", response={200: MonthOut, 400: ErrorOut, 403: ErrorOut}
)
def service_calendar(request: AuthedRequest, service_id: ApiId, month: ApiMonth) -> Any:
    """One entry for every day of ``month`` (YYYY-MM): open, reason, hours, events."""
    try:
        year, number = calendar.parse_month(month)
    except calendar.ScheduleError as exc:
        raise HttpError(400, str(exc)) from exc
    service = selectors.service_get_for_user(user=request.user, service_id=service_id)
    days = selectors.service_month(service=service, year=year, month=number)
    return {
        "service": service.pk,
        "month": f"{year:04d}-{number:02d}",
        "days": [d.as_dict() for d in days],
    }


# --- HSDS ---------------------------------------------------------------------------------


def _municipality_ids(request: AuthedRequest) -> list[int]:
    return selectors.municipality_ids_for_user(user=request.user)


@hsds_router.get("/")
def hsds_meta(request: AuthedRequest) -> dict[str, Any]:
    """Information about this API and its relationship with HSDS."""
    _municipality_ids(request)
    return {
        "version": hsds.HSDS_VERSION,
        "profile": "https://openreferral.org/",
        "openapi_url": request.build_absolute_uri("/api/openapi.json"),
    }


@hsds_router.get("/services")
def hsds_services(
    request: AuthedRequest,
    page: ApiPage = 1,
    per_page: ApiPageSize = 50,
    search: ApiText = "",
    taxonomy_term_id: ApiText = "",
    organization_id: ApiText = "",
) -> dict[str, Any]:
    """A page of full service objects, as ``/services/{id}`` returns each."""
    ids = _municipality_ids(request)
    category = ""
    if taxonomy_term_id:
        term = taxonomy.term_by_uuid(taxonomy_term_id)
        if term is None or term.taxonomy != "category":
            return hsds.page([], total=0, number=page, size=per_page)
        category = term.code
    records, total = selectors.hsds_service_page(
        municipality_ids=ids,
        page=page,
        per_page=per_page,
        search=search[:200],
        category=category,
        organization_id=_uuid(organization_id) if organization_id else "",
    )
    items = [hsds.service_to_hsds(r) for r in records]
    return hsds.page(items, total=total, number=page, size=per_page)


@hsds_router.get("/services/{service_id}")
def hsds_service(request: AuthedRequest, service_id: str) -> dict[str, Any]:
    record = selectors.hsds_service_get(
        municipality_ids=_municipality_ids(request), uuid=_uuid(service_id)
    )
    if record is None:
        raise HttpError(404, "サービスが見つかりません")
    return hsds.service_to_hsds(record)


@hsds_router.get("/organizations")
def hsds_organizations(
    request: AuthedRequest, page: ApiPage = 1, per_page: ApiPageSize = 50
) -> dict[str, Any]:
    records, total = selectors.hsds_organization_page(
        municipality_ids=_municipality_ids(request), page=page, per_page=per_page
    )
    items = [hsds.organization_to_hsds(r) for r in records]
    return hsds.page(items, total=total, number=page, size=per_page)


@hsds_router.get("/organizations/{organization_id}")
def hsds_organization(request: AuthedRequest, organization_id: str) -> dict[str, Any]:
    found = selectors.hsds_organization_get(
        municipality_ids=_municipality_ids(request), uuid=_uuid(organization_id)
    )
    if found is None:
        raise HttpError(404, "提供団体が見つかりません")
    record, services = found
    data = hsds.organization_to_hsds(record)
    data["services"] = [{"id": u, "name": n} for u, n in services]
    return data


@hsds_router.get("/taxonomies")
def hsds_taxonomies(
    request: AuthedRequest, page: ApiPage = 1, per_page: ApiPageSize = 50
) -> dict[str, Any]:
    _municipality_ids(request)
    items = [
        {
            "id": str(t.uuid),
            "name": t.hsds_name,
            "description": t.description,
            "version": str(t.version),
        }
        for t in taxonomy.load().values()
    ]
    return hsds.page(items, total=len(items), number=1, size=max(1, len(items)))


@hsds_router.get("/taxonomy_terms")
def hsds_taxonomy_terms(
    request: AuthedRequest, page: ApiPage = 1, per_page: ApiPageSize = 50
) -> dict[str, Any]:
    _municipality_ids(request)
    terms = [
        {
            "id": str(term.uuid),
            "code": term.code,
            "name": term.name,
            "description": term.description,
            "taxonomy": t.hsds_name,
            "taxonomy_id": str(t.uuid),
            "language": "ja",
        }
        for t in taxonomy.load().values()
        for term in t.terms
    ]
    chosen = terms[(page - 1) * per_page : page * per_page]
    return hsds.page(chosen, total=len(terms), number=page, size=per_page)


def _uuid(value: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise HttpError(404, "id が正しくありません") from None
