"""JSON API of councils: the coordination bodies.

- ``GET /api/councils/bodies``: one page of the municipality's bodies by layer (filters
  ``layer``, ``kind``);
- ``GET /api/councils/bodies/{body_id}``: one body with its members, current and past
  (a membership that has ended stays: the body's history).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.utils import timezone
from ninja import Router, Schema

from chiiki.accounts.http import AuthedRequest
from chiiki.core.paging import page_body
from chiiki.core.params import ApiId, ApiPage, ApiPageSize, ParamError, listed
from chiiki.councils.api.common import ERRORS, AreaRef, CodeLabel, CouncilsError
from chiiki.councils.models import Body, BodyKind, Layer, Membership
from chiiki.councils.selectors import exchange as selectors
from chiiki.councils.selectors.bodies import body_get_for_user

router = Router(tags=["councils"])
PAGE_SIZE = 50


class BodyOut(Schema):
    id: int
    name: str
    layer: CodeLabel
    kind: CodeLabel
    life_area: AreaRef | None
    district: AreaRef | None
    founded_on: dt.date
    dissolved_on: dt.date | None
    coordinator: str | None
    secretariat: str
    member_count: int


class BodyPage(Schema):
    items: list[BodyOut]
    count: int
    # The next page's number (`page` + 1), or null on the last page.
    next: int | None = None


class MemberOut(Schema):
    id: int
    name: str
    organisation_kind: CodeLabel
    organisation_name: str
    role: str
    contact: str
    started_on: dt.date
    ended_on: dt.date | None


class Members(Schema):
    current: list[MemberOut]
    past: list[MemberOut]


class BodyDetailOut(BodyOut):
    notes: str
    members: Members


def _area(area: Any) -> dict[str, Any] | None:
    return None if area is None else {"id": area.pk, "code": area.code, "name": area.name}


def _body(b: Body, members: int) -> dict[str, Any]:
    coordinator = b.coordinator
    return {
        "id": b.pk,
        "name": b.name,
        "layer": {"code": str(b.layer), "label": b.get_layer_display()},
        "kind": {"code": b.kind, "label": b.get_kind_display()},
        "life_area": _area(b.life_area),
        "district": _area(b.district),
        "founded_on": b.founded_on,
        "dissolved_on": b.dissolved_on,
        "coordinator": (coordinator.display_name or coordinator.get_username())
        if coordinator
        else None,
        "secretariat": b.secretariat,
        "member_count": members,
    }


def _member(m: Membership) -> dict[str, Any]:
    return {
        "id": m.pk,
        "name": m.name,
        "organisation_kind": {"code": m.organisation_kind, "label": m.organisation_label},
        "organisation_name": m.organisation_name,
        "role": m.role,
        "contact": m.contact,
        "started_on": m.started_on,
        "ended_on": m.ended_on,
    }


@router.get("/bodies", response={200: BodyPage, 400: CouncilsError, **ERRORS})
def body_list(
    request: AuthedRequest,
    layer: Annotated[int, listed(Layer.values, blank=False)] | None = None,
    kind: Annotated[str, listed(BodyKind.values)] = "",
    page: ApiPage = 1,
    page_size: ApiPageSize = PAGE_SIZE,
) -> Any:
    """The bodies of the caller's municipality, by layer (第1層 → 第3層) and area; a page
    past the end is empty. ``member_count`` counts the current members."""
    if layer is not None and layer not in Layer.values:
        raise ParamError("layer", layer, "1（市町村）、2（圏域）、3（地区）のいずれかです")
    if kind and kind not in BodyKind.values:
        raise ParamError("kind", kind, "次のいずれかです: " + "、".join(BodyKind.values))
    rows, count = selectors.body_api_page(
        user=request.user, page=page, size=page_size, layer=layer, kind=kind
    )
    items = [_body(b, b.members) for b in rows]  # type: ignore[attr-defined]
    return page_body(items, page=page, size=page_size, count=count)


@router.get("/bodies/{body_id}", response={200: BodyDetailOut, **ERRORS})
def body_detail(request: AuthedRequest, body_id: ApiId) -> Any:
    """One body with its members: current (no end, or an end still to come) and past."""
    body = body_get_for_user(user=request.user, body_id=body_id)
    today = timezone.localdate()
    members = list(body.memberships.all())
    current = [m for m in members if m.ended_on is None or m.ended_on > today]
    past = [m for m in members if m.ended_on is not None and m.ended_on <= today]
    data = _body(body, len([m for m in current if m.ended_on is None]))
    data["notes"] = body.notes
    data["members"] = {
        "current": [_member(m) for m in current],
        "past": [_member(m) for m in sorted(past, key=lambda m: (m.ended_on, m.pk), reverse=True)],
    }
    return data
