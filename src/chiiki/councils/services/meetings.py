"""Writes for meetings: the record of a meeting, its attendance, decisions and the group work
of 「地域のええとこ・いかんとこ」, which is carried onto the district's resource sheet
(わがまちこんなとこシート). Each call checks that the user runs the meeting's body."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.timezone import localtime
from django.utils.timezone import now as timezone_now

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction, User
from chiiki.core.text import fold
from chiiki.councils.models import Attendance, Body, Decision, GroupWork, Meeting
from chiiki.councils.selectors.meetings import body_districts, lines, members_on
from chiiki.resources.models import DistrictProfile
from chiiki.resources.services import district_profile_store

REFUSED = "この協議体の会議を記録する権限がありません"
MAX_GUESTS = 50
_BULLET = re.compile(r"^[・･\-−*＊●○◯◎■□◆◇※]+\s*")


class StaleError(Exception):
    """Someone else saved the meeting after the editor opened it; nothing was changed."""

    def __init__(self, message: str, current: Meeting) -> None:
        super().__init__(message)
        self.current = current


def _value(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v


def _check_dates(body: Body, held_on: dt.date | None) -> None:
    # Before the founding is Meeting.clean's; after the dissolution is said here.
    if held_on and body.dissolved_on and held_on > body.dissolved_on:
        raise ValidationError(
            {"held_on": f"開催日は協議体の廃止日（{body.dissolved_on:%Y-%m-%d}）以前の日付です"}
        )


@transaction.atomic
def meeting_create(
    *,
    user: User | None,
    body: Body,
    held_on: dt.date,
    place: str = "",
    agenda: str = "",
    minutes: str = "",
) -> Meeting:
    """A meeting of the body: its date (not before the body was founded), place and agenda;
    the minutes usually come later through ``meeting_update``."""
    meeting = Meeting(
        body=body,
        held_on=held_on,
        place=place.strip(),
        agenda=agenda.strip(),
        minutes=minutes.strip(),
        updated_by=user,
    )
    if user is not None:  # None: the system (the demo)
        access.require_would_reach(user, Cap.COUNCILS_MANAGE, meeting, REFUSED)
    meeting.full_clean()
    _check_dates(body, held_on)
    meeting.save()
    if user is not None:
        access.audit_write(
            user,
            AuditAction.CREATE,
            meeting,
            changes={
                "held_on": [None, held_on.isoformat()],
                "place": [None, meeting.place],
                "agenda": [None, meeting.agenda],
            },
        )
    return meeting


def _stale_message(current: Meeting) -> str:
    who = current.updated_by.display_name if current.updated_by else ""
    when = f"{localtime(current.updated_at):%Y-%m-%d %H:%M}" if current.updated_at else ""
    by = f"{who}さんが" if who else "他の人が"
    return (
        f"あなたが開いた後に、{by}{when}にこの会議の記録を先に保存しました。"
        "あなたの入力は保存していません（どちらの内容も上書きしていません）。"
        "下に表示した保存済みの内容と見比べて、まとめてからもう一度保存してください。"
    )


@transaction.atomic
def meeting_update(
    *,
    user: User | None,
    meeting: Meeting,
    held_on: dt.date,
    place: str,
    agenda: str,
    minutes: str,
    version: int,
) -> Meeting:
    """Change a meeting's date, place, agenda and minutes. ``version`` is the one the editor
    loaded: the row is updated only while it still has it (a conditional UPDATE), so of two
    people editing the same minutes the second is told, and nothing is overwritten."""
    if user is not None:
        access.require_reach(user, Cap.COUNCILS_MANAGE, meeting, REFUSED)
    candidate = Meeting(
        pk=meeting.pk,
        body=meeting.body,
        held_on=held_on,
        place=place.strip(),
        agenda=agenda.strip(),
        minutes=minutes.strip(),
        version=version,
    )
    candidate.full_clean(exclude=["updated_by"], validate_unique=False)
    _check_dates(meeting.body, held_on)
    changed = Meeting.objects.filter(pk=meeting.pk, version=version).update(
        held_on=candidate.held_on,
        place=candidate.place,
        agenda=candidate.agenda,
        minutes=candidate.minutes,
        version=F("version") + 1,
        updated_by=user,
        updated_at=timezone_now(),
    )
    if not changed:
        current = Meeting.objects.select_related("updated_by").get(pk=meeting.pk)
        raise StaleError(_stale_message(current), current)
    before = {f: _value(getattr(meeting, f)) for f in ("held_on", "place", "agenda")}
    after = {f: _value(getattr(candidate, f)) for f in ("held_on", "place", "agenda")}
    changes: dict[str, Any] = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if candidate.minutes != meeting.minutes:
        # The minutes themselves stay on the meeting; the trail says that and how much.
        changes["minutes"] = [f"{len(meeting.minutes)}文字", f"{len(candidate.minutes)}文字"]
    if user is not None and changes:
        access.audit_write(user, AuditAction.UPDATE, meeting, changes=changes)
    meeting.refresh_from_db()
    return meeting


@transaction.atomic
def attendance_set(
    *,
    user: User | None,
    meeting: Meeting,
    membership_ids: Iterable[int],
    guests: Sequence[tuple[str, str]] = (),
) -> list[Attendance]:
    """Who came: the members ticked (members of the body on the meeting's day) and guests by
    name and organisation. The whole attendance is replaced by what is given."""
    if user is not None:
        access.require_reach(user, Cap.COUNCILS_MANAGE, meeting, REFUSED)
    chosen = set(membership_ids)
    members = {m.pk: m for m in members_on(meeting.body, meeting.held_on)}
    # A member ticked before who has since left keeps their tick.
    members.update(
        {
            a.membership.pk: a.membership
            for a in meeting.attendance.select_related("membership")
            if a.membership is not None
        }
    )
    if chosen - members.keys():
        raise ValidationError(
            {"members": f"出席者は{meeting.held_on:%Y-%m-%d}時点の構成員から選んでください"}
        )
    if len(guests) > MAX_GUESTS:
        raise ValidationError({"guests": f"来賓・オブザーバーは{MAX_GUESTS}人までです"})
    rows = [Attendance(meeting=meeting, membership=members[pk]) for pk in sorted(chosen)]
    errors: list[str] = []
    for n, (name, organisation) in enumerate(guests, start=1):
        name, organisation = name.strip(), organisation.strip()
        if not name and not organisation:
            continue
        if not name:
            errors.append(
                f"来賓・オブザーバー{n}行目: 氏名を入れてください（所属「{organisation}」）"
            )
            continue
        guest = Attendance(meeting=meeting, guest_name=name, guest_organisation=organisation)
        try:
            guest.full_clean(validate_constraints=False)
        except ValidationError as exc:
            errors += [
                f"来賓・オブザーバー{n}行目: {m}" for ms in exc.message_dict.values() for m in ms
            ]
            continue
        rows.append(guest)
    if errors:
        raise ValidationError({"guests": errors})
    before = meeting.attendance.count()
    meeting.attendance.all().delete()
    Attendance.objects.bulk_create(rows)
    if user is not None:
        access.audit_write(
            user,
            AuditAction.UPDATE,
            meeting,
            changes={"attendance": [before, len(rows)]},
        )
    return rows


@transaction.atomic
def decision_add(
    *,
    user: User | None,
    meeting: Meeting,
    text: str,
    owner: str,
    due_on: dt.date | None = None,
    done_on: dt.date | None = None,
) -> Decision:
    """A decision of the meeting, with who carries it out (required) and by when."""
    if user is not None:
        access.require_reach(user, Cap.COUNCILS_MANAGE, meeting, REFUSED)
    decision = Decision(
        meeting=meeting, text=text.strip(), owner=owner.strip(), due_on=due_on, done_on=done_on
    )
    errors: dict[str, str] = {}
    if not decision.text:
        errors["text"] = "決定事項の内容を入れてください"
    if due_on and due_on < meeting.held_on:
        errors["due_on"] = f"期限は開催日（{meeting.held_on:%Y-%m-%d}）以後の日付です"
    try:
        decision.full_clean()
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            # Model.clean's message (担当) comes after the blank-field one: it names the field.
            errors.setdefault(key, messages[-1])
    if errors:
        raise ValidationError(errors)
    decision.save()
    if user is not None:
        access.audit_write(
            user,
            AuditAction.UPDATE,
            meeting,
            changes={"decision": [None, f"{decision.text[:40]}（担当: {decision.owner}）"]},
        )
    return decision


@transaction.atomic
def decision_done(*, user: User | None, decision: Decision, done_on: dt.date | None) -> Decision:
    """Mark a decision done on ``done_on`` (None: not done after all)."""
    meeting = decision.meeting
    if user is not None:
        access.require_reach(user, Cap.COUNCILS_MANAGE, meeting, REFUSED)
    if done_on and done_on < meeting.held_on:
        raise ValidationError(
            {"done_on": f"完了日は開催日（{meeting.held_on:%Y-%m-%d}）以後の日付です"}
        )
    before = decision.done_on
    decision.done_on = done_on
    decision.full_clean()
    decision.save(update_fields=["done_on"])
    if user is not None:
        access.audit_write(
            user,
            AuditAction.UPDATE,
            meeting,
            changes={"decision_done": [_value(before), _value(done_on)]},
        )
    return decision


# --- group work: 「地域のええとこ・いかんとこ」 onto the district sheet -------------------------


def _key(line: str) -> str:
    """Two lines are the same point when they differ only in width, kana, spaces or a
    leading bullet (「・バスが1日2便」 and 「バスが１日２便」)."""
    return fold(_BULLET.sub("", line.strip()))


def merge_lines(existing: str, added: str) -> str:
    """The sheet's text with the new points appended: lines already there stay as they are
    and in their order, and a point already there (in any width or kana) is not added."""
    kept = (existing or "").rstrip()
    seen = {_key(line) for line in kept.splitlines() if line.strip()}
    new = []
    for line in lines(added):
        key = _key(line)
        if key and key not in seen:
            seen.add(key)
            new.append(line)
    return "\n".join([kept, *new] if kept else new)


@transaction.atomic
def groupwork_apply(*, user: User | None, group_work: GroupWork) -> DistrictProfile:
    """Carry one district's ええとこ・いかんとこ of a meeting onto that district's sheet
    (わがまちこんなとこシート): its lines are added to the sheet's, never twice, and the lines
    already on the sheet stay. Applying again changes nothing."""
    meeting = group_work.meeting
    if user is not None:
        # Running the body is the right to write its area's sheet with the group work.
        access.require_reach(user, Cap.COUNCILS_MANAGE, meeting, REFUSED)
    # Locked, so that two meetings applied at once both keep their lines (PostgreSQL).
    profile = (
        DistrictProfile.objects.select_for_update().filter(district=group_work.district).first()
    )
    good_before = profile.good_points if profile else ""
    problems_before = profile.problems if profile else ""
    good = merge_lines(good_before, group_work.good_points)
    problems = merge_lines(problems_before, group_work.problems)
    if profile is None or (good, problems) != (good_before, problems_before):
        profile = district_profile_store(
            district=group_work.district, good_points=good, problems=problems, user=user
        )
    group_work.applied_at = timezone_now()
    group_work.save(update_fields=["applied_at"])
    return profile


@transaction.atomic
def groupwork_save(
    *,
    user: User | None,
    meeting: Meeting,
    entries: Mapping[int, tuple[str, str]],
    apply: bool = True,
) -> list[GroupWork]:
    """Store the group work of a meeting, district by district (district id → (ええとこ,
    いかんとこ), one point a line), and carry it onto the districts' sheets (``apply``).
    The districts are those of the body's area."""
    if user is not None:
        access.require_reach(user, Cap.COUNCILS_MANAGE, meeting, REFUSED)
    districts = {d.pk: d for d in body_districts(meeting.body)}
    outside = [pk for pk in entries if pk not in districts]
    if outside:
        raise ValidationError({"district": "この協議体の地域の地区を選んでください"})
    existing = {w.district_id: w for w in meeting.group_work.all()}
    saved: list[GroupWork] = []
    errors: dict[str, list[str]] = {}
    for pk, (good, problems) in entries.items():
        good, problems = "\n".join(lines(good)), "\n".join(lines(problems))
        work = existing.get(pk)
        if work is None and not (good or problems):
            continue
        if work is None:
            work = GroupWork(meeting=meeting, district=districts[pk])
        work.good_points, work.problems = good, problems
        try:
            work.full_clean(validate_constraints=False)
        except ValidationError as exc:
            name = districts[pk].name
            for key, messages in exc.message_dict.items():
                label = {"good_points": "ええとこ", "problems": "いかんとこ"}.get(key, key)
                errors[f"{key}_{pk}"] = [f"{name}地区の{label}: {m}" for m in messages]
            continue
        saved.append(work)
    if errors:
        raise ValidationError(errors)
    for work in saved:
        work.save()
    if user is not None and saved:
        access.audit_write(
            user,
            AuditAction.UPDATE,
            meeting,
            changes={"group_work": [None, "、".join(w.district.name for w in saved)]},
        )
    if apply:
        for work in saved:
            if work.good_points or work.problems:
                groupwork_apply(user=user, group_work=work)
    return saved
