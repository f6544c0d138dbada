"""Reads for watch-over networks and the daily huddle, all through the read door.

Watch cases and huddle notes name residents: every list is one audited list read
(``read_rows`` / ``read_page``) and every record one audited read (``read_one``). Cases are
scoped by the household's district (Cap.WATCH), notes by the resident's (Cap.HUDDLE: health
roles only). Meetings and bodies name nobody and are only narrowed (``visible``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Page
from django.db.models import Max, Min, Q, QuerySet

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.areas.models import District
from chiiki.councils.models import Body, BodyKind, HuddleNote, Meeting, WatchCase

REFUSED_MEETING = "この見守りネットワークの会議を閲覧する権限がありません"
REFUSED_CASE = "この世帯の記録を閲覧する権限がありません"
REFUSED_HUDDLE = "この多職種の打ち合わせを閲覧する権限がありません"
PAGE_SIZE = 50


def _cases() -> QuerySet[WatchCase]:
    return WatchCase.objects.select_related(
        "district", "district__life_area", "person", "meeting", "meeting__body", "followup_by"
    )


def _notes() -> QuerySet[HuddleNote]:
    return HuddleNote.objects.select_related(
        "person", "person__district", "body", "author"
    ).order_by("-written_on", "-id")


# --- watch-over networks -------------------------------------------------------------------


def _watch_meetings(user: Any) -> QuerySet[Meeting]:
    """The municipality's watch-over meetings, for a user who handles households. A meeting
    names nobody: it is one of the municipality's working papers (Cap.COUNCILS_VIEW), so
    that the center's nurse of 北部 opens the town-wide network's meeting; the households
    on it are narrowed to her areas (Cap.WATCH) when they are read."""
    access.require(user, Cap.WATCH, REFUSED_MEETING)
    qs = Meeting.objects.select_related(
        "body", "body__life_area", "body__district", "body__municipality"
    ).filter(body__kind=BodyKind.WATCH_NETWORK)
    return access.visible(user, Cap.COUNCILS_VIEW, qs, REFUSED_MEETING)


def watch_meeting_get_for_user(*, user: Any, meeting_id: int) -> Meeting:
    """A meeting of a watch-over network (refused alike when missing, of another
    municipality, or the meeting of another kind of body)."""
    found = _watch_meetings(user).filter(pk=meeting_id).first()
    if found is None:
        raise access.PermissionDenied(REFUSED_MEETING)
    return found


def watch_meetings_for_user(*, user: Any, limit: int = 24) -> list[Meeting]:
    """The latest meetings of the municipality's watch-over networks (names nobody)."""
    return list(_watch_meetings(user).order_by("-held_on", "-id")[:limit])


def watch_case_districts(*, user: Any, body: Body) -> list[District]:
    """The districts where the user may record a household for ``body``: those the body
    covers, within the user's reach."""
    qs = District.objects.select_related("life_area").filter(municipality=body.municipality_id)
    if body.district_id:
        qs = qs.filter(pk=body.district_id)
    elif body.life_area_id:
        qs = qs.filter(life_area=body.life_area_id)
    return list(access.visible(user, Cap.WATCH, qs).order_by("life_area__order", "order", "code"))


def watch_districts_for_user(*, user: Any) -> list[District]:
    qs = District.objects.select_related("life_area").order_by("life_area__order", "order")
    return list(access.visible(user, Cap.WATCH, qs))


def watch_cases_of_meeting(*, user: Any, meeting: Meeting) -> list[WatchCase]:
    """The households discussed at a meeting, those of the user's areas; one list read."""
    return access.read_rows(
        user,
        Cap.WATCH,
        _cases().filter(meeting=meeting),
        what="見守りネットワーク会議の世帯",
        note={"meeting": meeting.pk},
    )


def watch_case_get_for_user(*, user: Any, case_id: int) -> WatchCase:
    """One household's record: refused alike when missing or outside the user's areas."""
    return access.read_one(user, Cap.WATCH, _cases(), case_id, refuse=REFUSED_CASE)


def watch_case_in_scope(*, user: Any, case_id: int) -> WatchCase:
    """The case a form posts to, for the write (its page's opening was the audited read)."""
    return access.read_one(
        user, Cap.WATCH, _cases(), case_id, refuse=REFUSED_CASE, audit_read=False
    )


def watch_open_page_for_user(
    *, user: Any, district_id: int | None = None, page: int = 1, size: int = PAGE_SIZE
) -> Page[WatchCase]:
    """Households passed to the center that it has not reported back on yet, by district,
    the longest waiting first."""
    qs = _cases().filter(passed_to_center=True, followup_on__isnull=True)
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    qs = qs.order_by("district__life_area__order", "district__order", "passed_on", "id")
    note = {"district": district_id} if district_id is not None else None
    return access.read_page(
        user,
        Cap.WATCH,
        qs,
        number=page,
        size=size,
        what="包括につないだ世帯（報告待ち）",
        note=note,
    )


def watch_cases_of_person(*, user: Any, person: Any) -> list[WatchCase]:
    """A resident's cases, newest meeting first; one list read."""
    qs = _cases().filter(person=person).order_by("-meeting__held_on", "-id")
    return access.read_rows(
        user, Cap.WATCH, qs, what="住民の見守りの記録", note={"person": person.pk}
    )


# --- the daily huddle ----------------------------------------------------------------------


def _huddles(user: Any) -> QuerySet[Body]:
    """The municipality's huddles, for a health role (a body names nobody; its notes are
    narrowed to the user's areas when they are read)."""
    access.require(user, Cap.HUDDLE, REFUSED_HUDDLE)
    qs = Body.objects.select_related("district", "life_area").filter(kind=BodyKind.DAILY_HUDDLE)
    return access.visible(user, Cap.COUNCILS_VIEW, qs, REFUSED_HUDDLE)


def huddle_body_get_for_user(*, user: Any, body_id: int) -> Body:
    found = _huddles(user).filter(pk=body_id).first()
    if found is None:
        raise access.PermissionDenied(REFUSED_HUDDLE)
    return found


def huddle_bodies_for_person(*, user: Any, person: Any, on: dt.date) -> list[Body]:
    """The huddles active on ``on`` whose area holds the resident, for the note form."""
    district = person.district
    covers = (
        Q(district=district.pk)
        | Q(district__isnull=True, life_area=district.life_area_id)
        | Q(district__isnull=True, life_area__isnull=True)
    )
    qs = (
        _huddles(user)
        .filter(covers, municipality=person.municipality_id, founded_on__lte=on)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on))
    )
    return list(qs.order_by("layer", "name", "id"))


def huddle_notes_of_person(
    *, user: Any, person: Any, page: int = 1, size: int = PAGE_SIZE
) -> Page[HuddleNote]:
    """A resident's huddle log, newest first; one audited list read per page."""
    return access.read_page(
        user,
        Cap.HUDDLE,
        _notes().filter(person=person),
        number=page,
        size=size,
        what="多職種の打ち合わせ記録（住民）",
        note={"person": person.pk},
    )


def huddle_notes_of_day(*, user: Any, body: Body, on: dt.date) -> list[HuddleNote]:
    """One day's notes of a huddle, grouped by resident; one audited list read."""
    qs = (
        _notes()
        .filter(body=body, written_on=on)
        .order_by("person__family_kana", "person__given_kana", "person_id", "id")
    )
    return access.read_rows(
        user,
        Cap.HUDDLE,
        qs,
        what="多職種の打ち合わせ記録（日）",
        note={"body": body.pk, "on": on.isoformat()},
    )


def huddle_days_around(
    *, user: Any, body: Body, on: dt.date
) -> tuple[dt.date | None, dt.date | None]:
    """The nearest earlier and later days with notes the user reaches (dates only)."""
    qs = access.visible(user, Cap.HUDDLE, HuddleNote.objects.filter(body=body))
    before = qs.filter(written_on__lt=on).aggregate(day=Max("written_on"))["day"]
    after = qs.filter(written_on__gt=on).aggregate(day=Min("written_on"))["day"]
    return before, after
