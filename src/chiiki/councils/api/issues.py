"""JSON API of councils: the register of regional issues.

- ``GET /api/councils/issues``: one page of the register the caller sees, newest status
  first (``page``, ``page_size``; filters ``status``, ``tag``, ``life_area_id``);
- ``GET /api/councils/issues/{issue_id}``: one issue with its dated and signed status
  steps, its evidence and the resources that came of it.

Items have the shape of ``chiiki councils issues --format json`` (``councils.exchange``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Router, Schema

from chiiki.accounts.http import AuthedRequest
from chiiki.core.paging import page_body
from chiiki.core.params import ApiId, ApiPage, ApiPageSize, ApiSlug, listed
from chiiki.councils import exchange
from chiiki.councils.api.common import ERRORS, AreaRef, CodeLabel, CouncilsError, Ref
from chiiki.councils.models import IssueStatus
from chiiki.councils.selectors import exchange as selectors
from chiiki.councils.selectors.issues import issue_get_for_user

router = Router(tags=["councils"])
PAGE_SIZE = 50


class IssueAreas(Schema):
    life_area: AreaRef | None
    district: AreaRef | None


class TagOut(Schema):
    code: str
    name: str


class ResourceOut(Schema):
    service_id: int
    name: str
    started_on: dt.date


class IssueOut(Schema):
    id: int
    title: str
    status: CodeLabel
    status_on: dt.date
    areas: IssueAreas
    tags: list[TagOut]
    body: Ref | None
    evidence_count: int
    resources: list[ResourceOut]


class IssuePage(Schema):
    items: list[IssueOut]
    count: int
    # The next page's number (`page` + 1), or null on the last page.
    next: int | None = None


class EventOut(Schema):
    from_status: CodeLabel | None
    to_status: CodeLabel
    on: dt.date
    reason: str
    signed_by: str


class EvidenceOut(Schema):
    id: int
    kind: CodeLabel
    title: str
    snapshot: dict[str, Any]
    source_model: str
    source_id: int | None
    note: str
    added_on: dt.date


class ResourceDetailOut(ResourceOut):
    district: str | None
    note: str


class IssueDetailOut(IssueOut):
    description: str
    resources: list[ResourceDetailOut]  # type: ignore[assignment]
    events: list[EventOut]
    evidence: list[EvidenceOut]


@router.get("/issues", response={200: IssuePage, 400: CouncilsError, **ERRORS})
def issue_list(
    request: AuthedRequest,
    status: Annotated[str, listed(IssueStatus.values)] = "",
    tag: ApiSlug = "",
    life_area_id: ApiId | None = None,
    page: ApiPage = 1,
    page_size: ApiPageSize = PAGE_SIZE,
) -> Any:
    """The register the caller sees (the municipality's staff: all of it). A ``status``
    outside the list is a 400 naming it, a ``tag`` the register does not know a 404; a page past the end is empty."""
    rows, count, counts = selectors.issue_api_page(
        user=request.user,
        page=page,
        size=page_size,
        status=status,
        tag=tag,
        life_area_id=life_area_id,
    )
    tags = selectors.register_tags(municipality=request.user.municipality)
    items = [exchange.issue_record(r, tags=tags, evidence_count=counts.get(r.pk, 0)) for r in rows]
    return page_body(items, page=page, size=page_size, count=count)


@router.get("/issues/{issue_id}", response={200: IssueDetailOut, **ERRORS})
def issue_detail(request: AuthedRequest, issue_id: ApiId) -> Any:
    """One issue with its history, evidence and resources; 403 alike when it does not
    exist or lies outside the caller's reach."""
    issue = issue_get_for_user(user=request.user, issue_id=issue_id)
    tags = selectors.register_tags(municipality=issue.municipality)
    evidence = list(issue.evidence.all())
    data = exchange.issue_record(issue, tags=tags, evidence_count=len(evidence))
    data["description"] = issue.description
    data["resources"] = [
        {
            "service_id": r.service_id,
            "name": r.service.name,
            "started_on": r.started_on,
            "district": r.service.district.name if r.service.district else None,
            "note": r.note,
        }
        for r in issue.resources.all()
    ]
    data["events"] = [
        {
            "from_status": exchange.status_of(e.from_status) if e.from_status else None,
            "to_status": exchange.status_of(e.to_status),
            "on": e.on,
            "reason": e.reason,
            "signed_by": e.signed_by,
        }
        for e in issue.events.all()
    ]
    data["evidence"] = [
        {
            "id": ev.pk,
            "kind": {"code": ev.kind, "label": ev.get_kind_display()},
            "title": ev.title,
            "snapshot": ev.snapshot or {},
            "source_model": ev.source_model,
            "source_id": ev.source_id,
            "note": ev.note,
            "added_on": ev.added_on,
        }
        for ev in evidence
    ]
    return data
