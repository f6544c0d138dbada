"""Reads for meetings: the municipality's staff read every body's meetings (they name no
resident, so the door scopes them and no read is audited); those who run a body may change
its meetings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.areas.models import District
from chiiki.core import wareki
from chiiki.councils.models import Attendance, Body, Decision, GroupWork, Meeting, Membership
from chiiki.councils.selectors.bodies import body_districts, body_get_for_user

REFUSED = "この会議を閲覧する権限がありません"
REFUSED_MANAGE = "この協議体の会議を記録する権限がありません"
PAGE_SIZE = 50


def members_on(body: Body, day: dt.date) -> QuerySet[Membership]:
    """The body's members on ``day``: joined on or before it and not yet gone (the day of
    leaving, 退任日, is the last day in office)."""
    return Membership.objects.filter(body=body, started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    )


def _meetings(user: Any, cap: Cap = Cap.COUNCILS_VIEW) -> QuerySet[Meeting]:
    return access.visible(
        user,
        cap,
        Meeting.objects.select_related("body", "body__life_area", "body__district"),
        REFUSED if cap == Cap.COUNCILS_VIEW else REFUSED_MANAGE,
    )


def _counted(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return qs.annotate(
        attendee_count=Count("attendance", distinct=True),
        decision_count=Count("decisions", distinct=True),
        open_decision_count=Count(
            "decisions", filter=Q(decisions__done_on__isnull=True), distinct=True
        ),
        group_work_count=Count("group_work", distinct=True),
    )


def meeting_list_for_body(*, user: Any, body_id: int) -> tuple[Body, list[Meeting]]:
    """A body and its meetings, newest first, with counts of attendance and decisions."""
    body = body_get_for_user(user=user, body_id=body_id)
    meetings = list(_counted(_meetings(user).filter(body=body)).order_by("-held_on", "-id"))
    return body, meetings


def meeting_rows_for_user(
    *,
    user: Any,
    body_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Meeting]:
    """The meetings the user reads (the API's list), newest first."""
    qs = _meetings(user)
    if body_id is not None:
        qs = qs.filter(body_id=body_id)
    if since is not None:
        qs = qs.filter(held_on__gte=since)
    if until is not None:
        qs = qs.filter(held_on__lte=until)
    return _counted(qs).order_by("-held_on", "-id")


def meeting_get_for_user(*, user: Any, meeting_id: int, cap: Cap = Cap.COUNCILS_VIEW) -> Meeting:
    """One meeting with its attendance, decisions and group work; refused alike when it is
    missing or out of reach (``cap``: COUNCILS_MANAGE for the pages that change it)."""
    found = (
        _meetings(user, cap)
        .select_related("body__municipality", "body__coordinator", "updated_by")
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("membership").order_by(
                    "membership__organisation_kind", "membership__name", "guest_name", "id"
                ),
            ),
            Prefetch("decisions", queryset=Decision.objects.order_by("due_on", "id")),
            Prefetch(
                "group_work",
                queryset=GroupWork.objects.select_related("district").order_by(
                    "district__order", "district__code"
                ),
            ),
        )
        .filter(pk=meeting_id)
        .first()
    )
    if found is None:
        raise access.PermissionDenied(REFUSED if cap == Cap.COUNCILS_VIEW else REFUSED_MANAGE)
    return found


def decision_get_for_user(*, user: Any, meeting: Meeting, decision_id: int) -> Decision:
    """A decision of a meeting already opened for managing."""
    found = Decision.objects.filter(meeting=meeting, pk=decision_id).first()
    if found is None:
        raise access.PermissionDenied("この決定事項を更新する権限がありません")
    return found


def can_manage(*, user: Any, obj: Body | Meeting) -> bool:
    return access.reaches(user, Cap.COUNCILS_MANAGE, obj)


@dataclass(frozen=True)
class MemberLine:
    membership: Membership
    present: bool


@dataclass(frozen=True)
class DistrictWork:
    district: District
    work: GroupWork | None

    @property
    def good_lines(self) -> list[str]:
        return lines(self.work.good_points) if self.work else []

    @property
    def problem_lines(self) -> list[str]:
        return lines(self.work.problems) if self.work else []


@dataclass(frozen=True)
class MeetingSheet:
    """Everything a meeting's page and its two PDFs show."""

    meeting: Meeting
    members: list[MemberLine]
    guests: list[Attendance]
    decisions: list[Decision]
    districts: list[DistrictWork]

    @property
    def members_present(self) -> int:
        return sum(1 for m in self.members if m.present)

    @property
    def present_count(self) -> int:
        return self.members_present + len(self.guests)

    @property
    def has_group_work(self) -> bool:
        return any(d.work and (d.work.good_points or d.work.problems) for d in self.districts)


def lines(text: str) -> list[str]:
    """The points of a group-work box: one a line, blank lines dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def meeting_sheet(*, meeting: Meeting) -> MeetingSheet:
    """The meeting as its page and prints show it: the members expected that day (ticked
    when present; a member who came but has since left the body is still shown), guests,
    decisions and the group work of each district of the body's area."""
    attendance = list(meeting.attendance.all())
    present = {a.membership_id for a in attendance if a.membership_id}
    expected = list(members_on(meeting.body, meeting.held_on).order_by("organisation_kind", "name"))
    seen = {m.pk for m in expected}
    expected += [a.membership for a in attendance if a.membership and a.membership_id not in seen]
    by_district = {w.district_id: w for w in meeting.group_work.all()}
    return MeetingSheet(
        meeting=meeting,
        members=[MemberLine(m, m.pk in present) for m in expected],
        guests=[a for a in attendance if a.membership_id is None],
        decisions=list(meeting.decisions.all()),
        districts=[DistrictWork(d, by_district.get(d.pk)) for d in body_districts(meeting.body)],
    )


# --- the members' attendance over a fiscal year (出席状況) ----------------------------------


@dataclass(frozen=True)
class AttendanceRow:
    membership: Membership
    marks: list[str]  # per meeting: "○" present, "×" absent, "" not a member that day
    present: int
    expected: int

    @property
    def rate(self) -> int | None:
        return round(100 * self.present / self.expected) if self.expected else None


@dataclass(frozen=True)
class AttendanceGrid:
    body: Body
    fiscal_year: int
    years: list[int]
    meetings: list[Meeting]
    rows: list[AttendanceRow]
    guests: list[int]  # guests per meeting
    totals: list[int]  # members present per meeting


def body_attendance_for_user(
    *, user: Any, body_id: int, fiscal_year: int | None = None
) -> AttendanceGrid:
    """Each member's attendance at the body's meetings of one fiscal year (the latest with
    a meeting when none is given): the members' page prints it."""
    body = body_get_for_user(user=user, body_id=body_id)
    all_meetings = _meetings(user).filter(body=body)
    days = list(all_meetings.values_list("held_on", flat=True))
    years = sorted({wareki.fiscal_year(d) for d in days}, reverse=True)
    year = fiscal_year if fiscal_year is not None else (years[0] if years else None)
    if year is None:
        year = wareki.fiscal_year(timezone.localdate())
    start, end = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    meetings = list(
        all_meetings.filter(held_on__range=(start, end))
        .prefetch_related("attendance")
        .order_by("held_on", "id")
    )
    members = list(
        Membership.objects.filter(body=body, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .order_by("organisation_kind", "name", "id")
    )
    came = {m.pk: {a.membership_id for a in m.attendance.all()} for m in meetings}
    rows = []
    for member in members:
        marks = []
        for m in meetings:
            on_roll = member.started_on <= m.held_on and (
                member.ended_on is None or member.ended_on >= m.held_on
            )
            present = member.pk in came[m.pk]
            marks.append("○" if present else ("×" if on_roll else ""))
        rows.append(
            AttendanceRow(
                membership=member,
                marks=marks,
                present=marks.count("○"),
                expected=sum(1 for x in marks if x),
            )
        )
    return AttendanceGrid(
        body=body,
        fiscal_year=year,
        years=years,
        meetings=meetings,
        rows=rows,
        guests=[sum(1 for a in m.attendance.all() if a.membership_id is None) for m in meetings],
        totals=[len(came[m.pk] - {None}) for m in meetings],
    )
