"""JSON API of councils: meetings, with their attendance, decisions and group work.

Meetings are the municipality's working papers and name no resident: every staff member of
the municipality reads them (403 for a role that does not), and a meeting that is missing or
belongs to another municipality is a 404 alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema
from ninja.responses import Status

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.core.paging import page_body
from chiiki.core.params import ApiDate, ApiId, ApiPage, ApiPageSize
from chiiki.councils.models import Meeting
from chiiki.councils.selectors import meetings as selectors

router = Router(tags=["councils"])


class ErrorOut(Schema):
    detail: str


class ParamErrorOut(Schema):
    detail: str
    param: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


class MeetingOut(Schema):
    id: int
    body_id: int
    body: str
    layer: int
    held_on: dt.date
    place: str
    agenda: str
    attendee_count: int
    decision_count: int
    open_decision_count: int
    group_work_count: int
    version: int


class MeetingPage(Schema):
    items: list[MeetingOut]
    count: int
    # The next page's number (`page` + 1), or null on the last page.
    next: int | None = None


class AttendeeOut(Schema):
    membership_id: int | None  # None: a guest
    name: str
    organisation_kind: str | None
    organisation: str
    role: str
    guest: bool


class DecisionOut(Schema):
    id: int
    text: str
    owner: str
    due_on: dt.date | None
    done_on: dt.date | None


class GroupWorkOut(Schema):
    district_id: int
    district: str
    good_points: list[str]
    problems: list[str]
    applied_at: dt.datetime | None


class MeetingDetailOut(MeetingOut):
    minutes: str
    updated_at: dt.datetime
    attendance: list[AttendeeOut]
    decisions: list[DecisionOut]
    group_work: list[GroupWorkOut]


def _out(m: Meeting, counts: tuple[int, int, int, int] | None = None) -> dict[str, Any]:
    """A meeting; ``counts`` (attendees, decisions, open ones, districts of group work) are
    the list query's annotations unless given."""
    names = ("attendee_count", "decision_count", "open_decision_count", "group_work_count")
    values = counts or tuple(getattr(m, n) for n in names)
    return dict(zip(names, values, strict=True)) | {
        "id": m.pk,
        "body_id": m.body_id,
        "body": m.body.name,
        "layer": m.body.layer,
        "held_on": m.held_on,
        "place": m.place,
        "agenda": m.agenda,
        "version": m.version,
    }


LIST_RESPONSES = {
    200: MeetingPage,
    400: ParamErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    422: ValidationErrorOut,
}
DETAIL_RESPONSES = {
    200: MeetingDetailOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}


@router.get("/meetings", response=LIST_RESPONSES)
def meeting_list(
    request: AuthedRequest,
    body_id: ApiId | None = None,
    since: ApiDate | None = None,
    until: ApiDate | None = None,
    page: ApiPage = 1,
    page_size: ApiPageSize = selectors.PAGE_SIZE,
) -> Any:
    """The municipality's meetings, newest first: optionally one body's (`body_id`), held
    from `since` to `until` (both included; `since` after `until` is an empty span, so an
    empty page). A page past the end is empty."""
    rows = selectors.meeting_rows_for_user(
        user=request.user, body_id=body_id, since=since, until=until
    )
    start = (page - 1) * page_size  # a page past the end is empty, as core.paging's
    items = [_out(m) for m in rows[start : start + page_size]]
    return page_body(items, page=page, size=page_size, count=rows.count())


@router.get("/meetings/{meeting_id}", response=DETAIL_RESPONSES)
def meeting_detail(request: AuthedRequest, meeting_id: ApiId) -> Any:
    """One meeting with its attendance (members and guests), decisions (owner, due date,
    done date) and group work by district (one point a line, and when it was carried onto
    the district's resource sheet)."""
    access.require(request.user, Cap.COUNCILS_VIEW, "会議を閲覧する権限がありません")
    try:
        m = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    except access.PermissionDenied:
        return Status(404, {"detail": f"会議（id {meeting_id}）は見つかりません"})
    sheet = selectors.meeting_sheet(meeting=m)
    data = _out(
        m,
        (
            sheet.present_count,
            len(sheet.decisions),
            sum(1 for d in sheet.decisions if d.done_on is None),
            sum(1 for d in sheet.districts if d.work),
        ),
    )
    attendance = [
        {
            "membership_id": line.membership.pk,
            "name": line.membership.name,
            "organisation_kind": line.membership.organisation_kind,
            "organisation": line.membership.organisation_name,
            "role": line.membership.role,
            "guest": False,
        }
        for line in sheet.members
        if line.present
    ] + [
        {
            "membership_id": None,
            "name": g.guest_name,
            "organisation_kind": None,
            "organisation": g.guest_organisation,
            "role": "",
            "guest": True,
        }
        for g in sheet.guests
    ]
    return data | {
        "minutes": m.minutes,
        "updated_at": m.updated_at,
        "attendance": attendance,
        "decisions": [
            {"id": d.pk, "text": d.text, "owner": d.owner, "due_on": d.due_on, "done_on": d.done_on}
            for d in sheet.decisions
        ],
        "group_work": [
            {
                "district_id": d.district.pk,
                "district": d.district.name,
                "good_points": d.good_lines,
                "problems": d.problem_lines,
                "applied_at": d.work.applied_at,
            }
            for d in sheet.districts
            if d.work is not None
        ],
    }
