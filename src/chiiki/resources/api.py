"""JSON API of the directory: ``/api/resources/`` (ours) and ``/api/hsds/`` (read-only,
following the Open Referral HSDS 3.0 API profile: pages of full objects, ``page`` and
``per_page`` parameters)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from chiiki.accounts import permissions
from chiiki.resources import calendar, hsds, selectors, taxonomy
from chiiki.resources.models import Organization, Service
from chiiki.resources.schemas import ErrorOut, MonthOut, ServiceOut

router = Router(tags=["resources"])
hsds_router = Router(tags=["hsds"])


@router.get("/services", response=list[ServiceOut])
@paginate(PageNumberPagination, page_size=50)
def service_list(
    request: HttpRequest,
    q: str = "",
    category: str = "",
    district_id: int | None = None,
    weekday: str = "",
    time: str = "",
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
    return [selectors.service_summary(s) for s in qs[:1000]]


@router.get(
    "/services/{service_id}/calendar", response={200: MonthOut, 400: ErrorOut, 403: ErrorOut}
)
def service_calendar(request: HttpRequest, service_id: int, month: str) -> Any:
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


def _municipality_ids(request: HttpRequest) -> list[int]:
    permissions.require(permissions.can_view_resources(request.user))
    from chiiki.areas.models import Municipality

    return list(
        Municipality.objects.filter(permissions.municipality_filter(request.user)).values_list(
            "pk", flat=True
        )
    )


def _paging(page: int, per_page: int) -> tuple[int, int]:
    if page < 1 or not 1 <= per_page <= 500:
        raise HttpError(400, "page は1以上、per_page は1〜500です")
    return page, per_page


@hsds_router.get("/")
def hsds_meta(request: HttpRequest) -> dict[str, Any]:
    """Information about this API and its relationship with HSDS."""
    return {
        "version": hsds.HSDS_VERSION,
        "profile": "https://openreferral.org/",
        "openapi_url": request.build_absolute_uri("/api/openapi.json"),
    }


@hsds_router.get("/services")
def hsds_services(
    request: HttpRequest,
    page: int = 1,
    per_page: int = 50,
    search: str = "",
    taxonomy_term_id: str = "",
    organization_id: str = "",
) -> dict[str, Any]:
    """A page of full service objects, as ``/services/{id}`` returns each."""
    page, per_page = _paging(page, per_page)
    ids = _municipality_ids(request)
    base = Service.objects.filter(municipality_id__in=ids)
    if taxonomy_term_id:
        term = taxonomy.term_by_uuid(taxonomy_term_id)
        if term is None or term.taxonomy != "category":
            return hsds.page([], total=0, number=page, size=per_page)
        base = base.filter(category_codes__contains=f"|{term.code}|")
    if organization_id:
        base = base.filter(organization__uuid=organization_id)
    qs = selectors.service_filter(base, query=search)
    total = qs.count()
    chosen = [s.pk for s in qs[(page - 1) * per_page : page * per_page]]
    # By primary key, not HSDS id: two municipalities the user sees may hold the same id.
    # service_records answers in primary-key order; the page keeps the search order.
    records = selectors.service_records(municipality_ids=ids, service_ids=chosen)
    by_pk = dict(zip(sorted(chosen), records, strict=True))
    items = [hsds.service_to_hsds(by_pk[pk]) for pk in chosen]
    return hsds.page(items, total=total, number=page, size=per_page)


@hsds_router.get("/services/{service_id}")
def hsds_service(request: HttpRequest, service_id: str) -> dict[str, Any]:
    ids = _municipality_ids(request)
    # An HSDS id is unique per municipality: a prefecture user who sees several gets the
    # first municipality's (by code) that holds it.
    service = (
        Service.objects.filter(municipality_id__in=ids, uuid=_uuid(service_id))
        .order_by("municipality__code", "pk")
        .first()
    )
    if service is None:
        raise HttpError(404, "サービスが見つかりません")
    (record,) = selectors.service_records(municipality_ids=ids, service_ids=[service.pk])
    return hsds.service_to_hsds(record)


@hsds_router.get("/organizations")
def hsds_organizations(request: HttpRequest, page: int = 1, per_page: int = 50) -> dict[str, Any]:
    page, per_page = _paging(page, per_page)
    qs = Organization.objects.filter(municipality_id__in=_municipality_ids(request)).order_by("id")
    items = [
        hsds.organization_to_hsds(selectors.organization_record(o))
        for o in qs[(page - 1) * per_page : page * per_page]
    ]
    return hsds.page(items, total=qs.count(), number=page, size=per_page)


@hsds_router.get("/organizations/{organization_id}")
def hsds_organization(request: HttpRequest, organization_id: str) -> dict[str, Any]:
    org = (
        Organization.objects.filter(
            municipality_id__in=_municipality_ids(request), uuid=_uuid(organization_id)
        )
        .order_by("municipality__code", "pk")
        .first()
    )
    if org is None:
        raise HttpError(404, "提供団体が見つかりません")
    data = hsds.organization_to_hsds(selectors.organization_record(org))
    data["services"] = [
        {"id": str(u), "name": n} for u, n in org.services.values_list("uuid", "name")
    ]
    return data


@hsds_router.get("/taxonomies")
def hsds_taxonomies(request: HttpRequest, page: int = 1, per_page: int = 50) -> dict[str, Any]:
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
def hsds_taxonomy_terms(request: HttpRequest, page: int = 1, per_page: int = 50) -> dict[str, Any]:
    page, per_page = _paging(page, per_page)
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
