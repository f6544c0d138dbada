from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from ninja import File, Router, Schema, Status, UploadedFile

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.areas.selectors import municipality_get_for_user
from chiiki.core.params import ApiDate, ApiId, ApiPage, ApiPageSize, ApiText, ParamError
from chiiki.imports.api import job_out
from chiiki.imports.models import ImportKind
from chiiki.imports.schemas import Detail, ImportJobOut
from chiiki.imports.services import import_job_create
from chiiki.people import selectors
from chiiki.people.models import Person
from chiiki.people.schemas import PersonDetailOut, PersonOut

router = Router(tags=["people"])


class PersonPage(Schema):
    items: list[PersonOut]
    # Without ``cursor``: every match. With it: exact up to 1000, beyond that 1000 with
    # ``count_capped`` true (counting a million on every page is what the cursor avoids).
    count: int
    count_capped: bool = False
    # The ``cursor`` of the next page (the id of this page's last row); null at the end.
    next: int | None = None


def _out(p: Person, *, health: bool, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": p.pk,
        "family_name": p.family_name,
        "given_name": p.given_name,
        "family_kana": p.family_kana,
        "given_kana": p.given_kana,
        "sex": p.sex,
        "birth_date": p.birth_date,
        "district_id": p.district_id,
        "district": p.district.name,
        "life_area": p.district.life_area.name,
        "lives_alone": p.lives_alone,
        "is_volunteer": getattr(p, "is_volunteer", False),
        "care_level": p.care_level if health else None,
        "insured_number": p.insured_number if health else None,
    }
    if detail:
        data |= {"address": p.address, "phone": p.phone}
    return data


@router.get("", response=PersonPage)
def person_list(
    request: AuthedRequest,
    q: ApiText = "",
    district_id: ApiId | None = None,
    page: ApiPage = 1,
    page_size: ApiPageSize = selectors.PAGE_SIZE,
    cursor: ApiId | None = None,
    moved: bool = False,
) -> Any:
    """People in the caller's areas in kana order; `q` matches name or kana ignoring width
    and kana; people marked moved out only with `moved=true`. Walk the list with `cursor`
    (the `next` of the page before), which costs the same at any depth, and `page` is left
    aside; without it, `page` numbers still work (an OFFSET: slower deep in a large list).
    A cursor naming no row the caller reaches is a 404. Each page read is written to the
    audit trail with the ids it returned."""
    health = access.can(request.user, Cap.HEALTH_VIEW)
    query = q[:200]
    if cursor is not None:
        try:
            walked = selectors.person_list_for_user(
                user=request.user,
                query=query,
                district_id=district_id,
                after=cursor,
                size=page_size,
                include_moved=moved,
                params=("cursor", "cursor"),
            )
        except ParamError as exc:  # a cursor naming no row the caller reaches
            if exc.name != "cursor":
                raise
            raise Http404(
                "cursor が示す行はありません（一覧を最初から読み直してください）"
            ) from None
        return {
            "items": [_out(p, health=health) for p in walked.rows],
            "count": walked.count,
            "count_capped": walked.capped,
            "next": walked.after,
        }
    found = selectors.person_page_for_user(
        user=request.user,
        query=query,
        district_id=district_id,
        page=page,
        size=page_size,
        include_moved=moved,
    )
    return {
        "items": [_out(p, health=health) for p in found.rows],
        "count": found.count,
        "next": found.after,
    }


@router.post(
    "/register-import",
    response={200: ImportJobOut, 202: ImportJobOut, 400: Detail, 403: Detail},
)
def register_import(
    request: AuthedRequest,
    file: UploadedFile = File(...),  # noqa: B008
    preview: bool = True,
    on: ApiDate | None = None,
) -> Any:
    """Import the register extract of the caller's municipality (the same file as the web
    page): with ``preview`` (the default) every row is checked and the counts of what would
    change are in ``result`` (``created``, ``updated``, ``unchanged``, ``moved_out``), and
    nothing is stored; ``POST /api/imports/{id}/commit`` then imports that file. With
    ``preview=false`` it imports at once. ``on`` is the day people left out of the file are
    marked moved out (default today). A job that ran in the request answers 200 (its
    ``status`` done or failed, with every bad cell in ``errors``); a large file 202."""
    municipality = municipality_get_for_user(user=request.user, cap=Cap.PEOPLE_IMPORT)
    if on is not None and on > timezone.localdate():
        return Status(400, Detail(detail=f"on は今日までの日付です（入力: {on.isoformat()}）"))
    job = import_job_create(
        user=request.user,
        kind=ImportKind.REGISTER,
        municipality=municipality,
        upload=file,
        params={"preview": preview, "channel": "api", **({"on": on.isoformat()} if on else {})},
    )
    return Status(202 if job.active else 200, job_out(job))


@router.get("/{person_id}", response=PersonDetailOut)
def person_detail(request: AuthedRequest, person_id: ApiId) -> Any:
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    data = _out(person, health=access.can(request.user, Cap.HEALTH_VIEW), detail=True)
    data["is_volunteer"] = selectors.is_volunteer(person)
    return data
