"""Writes for watch-over networks (佐々町) and the daily huddle (川上村).

A watch-over network's meeting records the households it discussed (Cap.WATCH: the
coordinators and the center's staff who pass them on); what the support center reports back
is written by the center's health roles only (Cap.WATCH and Cap.HUDDLE). A huddle note is
written by a health role (Cap.HUDDLE) and never edited afterwards. Every write is checked
against the user's reach and, since the records name residents, audited.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction, User
from chiiki.areas.models import District
from chiiki.councils.models import Body, BodyKind, HuddleNote, Meeting, WatchCase
from chiiki.people.models import Person

REFUSED_BODY = "この協議体を運営する権限がありません"
REFUSED_CASE = "この地区の世帯を記録する権限がありません"
REFUSED_PERSON = "この人を記録する権限がありません"
REFUSED_FOLLOWUP = "包括からの報告は、地域包括支援センターの職員（保健・福祉の担当）が記録します"
REFUSED_HUDDLE = "多職種の打ち合わせの記録を書く権限がありません"
STALE = (
    "この世帯の記録は他の人が先に更新しました。画面を読み込み直してください（何も変更していません）"
)


class StaleError(Exception):
    """Someone else changed the case first; nothing was changed by this call."""


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


@transaction.atomic
def watch_meeting_create(
    *,
    user: User | None,
    body: Body,
    held_on: dt.date,
    place: str = "",
    agenda: str = "",
) -> Meeting:
    """A meeting of a watch-over network (the meetings' own pages make the others)."""
    if user is not None:  # None: the system (the demo)
        access.require_reach(user, Cap.COUNCILS_MANAGE, body, REFUSED_BODY)
    if body.kind != BodyKind.WATCH_NETWORK:
        raise ValidationError({"body": "見守りネットワークを選んでください"})
    meeting = Meeting(body=body, held_on=held_on, place=place, agenda=agenda, updated_by=user)
    meeting.full_clean(exclude=["updated_by"])
    meeting.save()
    return meeting


@transaction.atomic
def watch_case_create(
    *,
    user: User | None,
    meeting: Meeting,
    household: str,
    concern: str,
    district: District | None = None,
    person: Person | None = None,
    passed_on: dt.date | None = None,
) -> WatchCase:
    """Record a household discussed at ``meeting``: in ``district`` (the resident's own when
    one is linked), what worries the network, and the day it was passed to the center."""
    if user is not None:
        # The meeting is the municipality's (a town-wide network's, too); the household
        # must lie in the user's areas, checked below on the case itself.
        access.require(user, Cap.WATCH, REFUSED_CASE)
        access.require_reach(user, Cap.COUNCILS_VIEW, meeting, REFUSED_CASE)
        if person is not None:
            access.require_reach(user, Cap.WATCH, person, REFUSED_PERSON)
    if person is not None and district is None:
        district = person.district
    case = WatchCase(
        meeting=meeting,
        district=district,
        person=person,
        household=household.strip(),
        concern=concern.strip(),
        passed_to_center=passed_on is not None,
        passed_on=passed_on,
    )
    case.full_clean(exclude=["followup_by"])
    if user is not None:
        access.require_would_reach(user, Cap.WATCH, case, REFUSED_CASE)
    case.save()
    if user is not None:
        access.audit_write(
            user,
            AuditAction.CREATE,
            case,
            changes={
                "household": [None, case.household],
                "district": [None, case.district_id],
                "person": [None, case.person_id],
                "concern": [None, "（記録）"],
                "passed_on": [None, _iso(passed_on)],
            },
        )
    return case


def _update(case: WatchCase, version: int, fields: dict[str, Any]) -> WatchCase:
    """Check the changed case as a whole, then store it only if nobody changed it since
    the user saw ``version``."""
    candidate = copy.copy(case)
    for name, value in fields.items():
        setattr(candidate, name, value)
    candidate.full_clean(exclude=["followup_by"])
    stored = {k: getattr(candidate, k) for k in fields} | {"version": F("version") + 1}
    changed = WatchCase.objects.filter(pk=case.pk, version=version).update(**stored)
    if not changed:
        raise StaleError(STALE)
    case.refresh_from_db()
    return case


@transaction.atomic
def watch_case_pass(
    *, user: User | None, case: WatchCase, on: dt.date, version: int | None = None
) -> WatchCase:
    """The network passes the household to the support center on ``on``."""
    if user is not None:
        access.require_reach(user, Cap.WATCH, case, REFUSED_CASE)
    if case.passed_to_center:
        raise ValidationError(
            {"passed_on": f"すでに{case.passed_on:%Y-%m-%d}に包括へつないでいます"}
        )
    seen = case.version if version is None else version
    _update(case, seen, {"passed_to_center": True, "passed_on": on})
    if user is not None:
        access.audit_write(
            user, AuditAction.UPDATE, case, changes={"passed_on": [None, on.isoformat()]}
        )
    return case


@transaction.atomic
def watch_case_followup(
    *,
    user: User | None,
    case: WatchCase,
    text: str,
    on: dt.date,
    version: int | None = None,
) -> WatchCase:
    """What the support center reports back about a household it was passed: written by
    the center's health roles (a coordinator records cases, not the center's answer). A
    later report replaces the earlier one only if the writer saw it (``version``)."""
    if user is not None:
        access.require_reach(user, Cap.WATCH, case, REFUSED_FOLLOWUP)
        access.require_reach(user, Cap.HUDDLE, case, REFUSED_FOLLOWUP)
    before = (case.followup_on, bool(case.followup))
    seen = case.version if version is None else version
    _update(case, seen, {"followup": text.strip(), "followup_on": on, "followup_by": user})
    if user is not None:
        access.audit_write(
            user,
            AuditAction.UPDATE,
            case,
            changes={
                "followup_on": [_iso(before[0]), on.isoformat()],
                "followup": ["（変更前）" if before[1] else None, "（記録）"],
            },
        )
    return case


@transaction.atomic
def huddle_note_add(
    *,
    user: User | None,
    body: Body,
    person: Person,
    profession: str,
    text: str,
    written_on: dt.date | None = None,
) -> HuddleNote:
    """Add a line to the huddle's log about a resident. Notes are never edited (the
    database refuses it): a correction is a new note."""
    if user is not None:
        access.require(user, Cap.HUDDLE, REFUSED_HUDDLE)
        access.require_reach(user, Cap.COUNCILS_VIEW, body, REFUSED_HUDDLE)
        access.require_reach(user, Cap.HUDDLE, person, REFUSED_HUDDLE)
    today = timezone.localdate()
    written_on = written_on or today
    note = HuddleNote(
        body=body,
        person=person,
        written_on=written_on,
        profession=profession,
        text=text.strip(),
        author=user,
    )
    note.full_clean(exclude=["author"])
    if written_on > today:
        raise ValidationError({"written_on": f"日付は今日（{today:%Y-%m-%d}）までの日付です"})
    if user is not None:
        access.require_would_reach(user, Cap.HUDDLE, note, REFUSED_HUDDLE)
    note.save()
    if user is not None:
        access.audit_write(
            user,
            AuditAction.CREATE,
            note,
            changes={
                "profession": [None, profession],
                "written_on": [None, written_on.isoformat()],
                "text": [None, "（記録）"],
            },
        )
    return note
