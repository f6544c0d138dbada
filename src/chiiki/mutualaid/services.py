"""Writes for mutual aid: requests and their status, matching, jobs done, fees and points.

Every status change is a conditional UPDATE (``WHERE status = <expected>``): when two
people act on the same request at once, one UPDATE changes the row and the other changes
nothing and is told so, whichever database runs underneath.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils.timezone import localdate
from django.utils.timezone import now as timezone_now

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction
from chiiki.areas.models import District, Municipality
from chiiki.core import bounds
from chiiki.mutualaid import ledger, matching
from chiiki.mutualaid.models import (
    SLOT_COUNT,
    AvailabilityException,
    HelpRequest,
    PointEntry,
    PointKind,
    RequestEvent,
    Service,
    Status,
    VolunteerProfile,
    slot_date,
    slot_label,
    week_start,
)
from chiiki.mutualaid.tariff import TariffError, quote
from chiiki.people.models import Person, Volunteer

ACTIVE = (Status.MATCHED, Status.CONFIRMED)


class ConflictError(Exception):
    """Someone else changed the request first; nothing was changed by this call."""


P = ParamSpec("P")
R = TypeVar("R")


def _refuse_when_locked(func: Callable[P, R]) -> Callable[P, R]:
    """A database that answers "locked" instead of waiting (SQLite's shared cache) is
    another person acting at the same moment: refuse clearly, as for a lost race."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            raise ConflictError(
                "他の人が同時にこの依頼を操作しています。画面を読み込み直して確認してください（何も変更していません）"
            ) from exc

    return wrapper


def _who(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _require_staff(user: Any, district: District | None = None) -> None:
    if user is None:  # the system: commands and demo data
        return
    access.require(user, Cap.MUTUALAID_MANAGE, "助け合いの依頼を扱う権限がありません")
    if district is not None:
        access.require_reach(user, Cap.MUTUALAID_MANAGE, district, "担当外の地区の依頼は扱えません")


def _slots(values: list[Any], field: str) -> list[int]:
    out: list[int] = []
    for v in values:
        try:
            s = int(v)
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                {field: f"時間帯「{v}」は 0〜{SLOT_COUNT - 1} の番号です"}
            ) from exc
        if not 0 <= s < SLOT_COUNT:
            raise ValidationError({field: f"時間帯「{v}」は 0〜{SLOT_COUNT - 1} の番号です"})
        out.append(s)
    return sorted(set(out))


def _in_range(day: dt.date, field: str, label: str) -> dt.date:
    """A date from 1900 to 2100, else a ValidationError on ``field`` (the status updates
    below write with ``update()``, so the model's validators would not see it)."""
    try:
        return bounds.DATE.check(day, label)
    except bounds.OutOfRange as exc:
        raise ValidationError({field: str(exc)}) from exc


# --- services and volunteers -------------------------------------------------------


@transaction.atomic
def service_create(
    *,
    municipality: Municipality,
    district: District,
    name: str,
    started_on: dt.date,
    tariff_key: str = "choi-kase",
) -> Service:
    service = Service(
        municipality=municipality,
        district=district,
        name=name,
        tariff_key=tariff_key,
        started_on=started_on,
    )
    service.full_clean()
    service.save()
    return service


@transaction.atomic
def volunteer_profile_save(
    *,
    volunteer: Volunteer,
    service: Service,
    skills: list[str],
    tools: list[str] | None = None,
    districts: list[District] | None = None,
    availability: list[int] | None = None,
    max_jobs_per_week: int = 3,
    trainings: list[str] | None = None,
    user: Any = None,
) -> VolunteerProfile:
    """Create or replace a volunteer's profile for a service; skills and tools must be the
    tariff's own keys. The volunteer's home district is always among those covered."""
    _require_staff(user, volunteer.person.district)
    if user is not None:
        _require_staff(user, service.district)
    tariff = service.tariff
    unknown = [s for s in skills if s not in tariff.tasks]
    if unknown:
        raise ValidationError(
            {"skills": f"作業 {', '.join(unknown)} は料金表「{tariff.name}」にありません"}
        )
    tools = tools or []
    bad_tools = [t for t in tools if t not in tariff.tools]
    if bad_tools:
        raise ValidationError(
            {"tools": f"道具 {', '.join(bad_tools)} は料金表「{tariff.name}」にありません"}
        )
    profile = VolunteerProfile.objects.filter(volunteer=volunteer).first() or VolunteerProfile(
        volunteer=volunteer
    )
    profile.service = service
    profile.skills = sorted(set(skills), key=list(tariff.tasks).index)
    profile.tools = sorted(set(tools))
    profile.availability = _slots(availability or [], "availability")
    profile.max_jobs_per_week = max_jobs_per_week
    profile.trainings = list(trainings or [])
    profile.full_clean()
    profile.save()
    covered = {volunteer.person.district_id, *(d.pk for d in districts or [])}
    profile.districts.set(covered)
    return profile


def availability_exception_add(
    *, profile: VolunteerProfile, date: dt.date, note: str = "", user: Any = None
) -> AvailabilityException:
    _require_staff(user, profile.volunteer.person.district if user is not None else None)
    _in_range(date, "date", "休みの日")
    exception, _ = AvailabilityException.objects.get_or_create(
        profile=profile, date=date, defaults={"note": note}
    )
    return exception


# --- the volunteer's own availability (their phone page) ----------------------------

NO_PROFILE = (
    "助け合いのボランティアとしての登録がまだありません。事務局（地域包括支援センター・"
    "生活支援コーディネーター）に連絡してください"
)
# Days away are planned ahead: further than a year is a typing mistake (2206 for 2026).
AWAY_AHEAD = dt.timedelta(days=366)


def _own_profile(user: Any) -> VolunteerProfile:
    """The volunteer's own profile, locked for the change; no id is taken from the request,
    so nobody can name another volunteer's."""
    found = (
        access.visible(
            user,
            Cap.MUTUALAID_OWN_JOBS,
            VolunteerProfile.objects.all(),
            "ボランティア本人のページです",
        )
        .select_for_update()
        .first()
    )
    if found is None:
        raise access.PermissionDenied(NO_PROFILE)
    return found


@transaction.atomic
def own_availability_save(*, user: Any, availability: list[Any]) -> VolunteerProfile:
    """The volunteer sets their own weekly free slots (audited when they change)."""
    profile = _own_profile(user)
    slots = _slots(availability, "availability")
    before = list(profile.availability)
    if slots == before:
        return profile
    profile.availability = slots
    profile.full_clean()
    profile.save(update_fields=["availability"])
    access.audit_write(
        user,
        AuditAction.UPDATE,
        profile,
        changes={"availability": [[slot_label(s) for s in before], [slot_label(s) for s in slots]]},
    )
    return profile


def _away_day(day: dt.date, today: dt.date) -> dt.date:
    _in_range(day, "date", "休みの日")
    if day < today:
        raise ValidationError(
            {
                "date": f"休みの日（{day:%Y-%m-%d}）は今日（{today:%Y-%m-%d}）以降の日付にしてください"
            }
        )
    if day > today + AWAY_AHEAD:
        raise ValidationError(
            {
                "date": f"休みの日（{day:%Y-%m-%d}）は1年先（{today + AWAY_AHEAD:%Y-%m-%d}）"
                "までの日付にしてください"
            }
        )
    return day


@transaction.atomic
def own_day_away_add(*, user: Any, date: dt.date, note: str = "") -> AvailabilityException:
    """The volunteer adds a day away, from today to a year ahead, once (audited)."""
    profile = _own_profile(user)
    day = _away_day(date, localdate())
    if AvailabilityException.objects.filter(profile=profile, date=day).exists():
        raise ValidationError({"date": f"{day:%Y-%m-%d} はもう休みの日に入っています"})
    away = AvailabilityException(profile=profile, date=day, note=note.strip())
    away.full_clean()
    away.save()
    access.audit_write(
        user, AuditAction.CREATE, away, changes={"date": [None, day.isoformat()], "note": note}
    )
    return away


@transaction.atomic
def own_day_away_remove(*, user: Any, away_id: int) -> None:
    """The volunteer takes back a day away of their own, from today on; another's, a missing
    one and a past one are refused alike (audited)."""
    found = (
        access.visible(
            user,
            Cap.MUTUALAID_OWN_JOBS,
            AvailabilityException.objects.filter(pk=away_id, date__gte=localdate()),
            "ボランティア本人のページです",
        )
        .select_for_update()
        .first()
    )
    if found is None:
        raise access.PermissionDenied("この休みの日は取り消せません（見つかりません）")
    access.audit_write(
        user, AuditAction.DELETE, found, changes={"date": [found.date.isoformat(), None]}
    )
    found.delete()


# --- requests ----------------------------------------------------------------------


def _event(req: HelpRequest | int, user: Any, frm: str, to: str, note: str = "") -> None:
    RequestEvent.objects.create(
        request_id=req if isinstance(req, int) else req.pk,
        user=_who(user),
        from_status=frm,
        to_status=to,
        note=note[:300],
    )


@transaction.atomic
def request_create(
    *,
    user: Any,
    service: Service,
    person: Person,
    task: str,
    week: dt.date,
    preferred_slots: list[int],
    estimated_minutes: int = 30,
    notes: str = "",
    address: str = "",
    district: District | None = None,
) -> HelpRequest:
    """Take a request by phone or at the counter. The job must fit the tariff (task and
    minutes) and the resident must name at least one time slot."""
    district = district or person.district
    _require_staff(user, district)
    if user is not None:
        access.require_reach(user, Cap.MUTUALAID_MANAGE, person, "担当外の人の依頼は登録できません")
    try:
        quote(service.tariff, task, estimated_minutes)
    except TariffError as exc:
        raise ValidationError(
            {"task" if task not in service.tariff.tasks else "estimated_minutes": str(exc)}
        ) from exc
    slots = _slots(preferred_slots, "preferred_slots")
    if not slots:
        raise ValidationError({"preferred_slots": "希望の時間帯を1つ以上選んでください"})
    req = HelpRequest(
        service=service,
        person=person,
        task=task,
        district=district,
        address=address or person.address,
        week=week_start(week),
        preferred_slots=slots,
        estimated_minutes=estimated_minutes,
        notes=notes,
        created_by=_who(user),
    )
    req.full_clean()
    req.save()
    _event(req, user, "", Status.REQUESTED, "受付")
    if user is not None:
        access.audit_write(
            user,
            AuditAction.CREATE,
            req,
            changes={"person_id": [None, person.pk], "task": [None, task]},
        )
    return req


def _move(
    *,
    req_id: int,
    frm: tuple[str, ...],
    to: str,
    user: Any,
    note: str,
    extra_q: Q | None = None,
    **fields: Any,
) -> HelpRequest:
    """The one conditional UPDATE every status change goes through."""
    qs = HelpRequest.objects.filter(pk=req_id, status__in=frm)
    if extra_q is not None:
        qs = qs.filter(extra_q)
    if qs.update(status=to, **fields) == 0:
        current = HelpRequest.objects.filter(pk=req_id).values_list("status", flat=True).first()
        if current is None:
            raise ConflictError("依頼が見つかりません")
        raise ConflictError(
            f"依頼{req_id}は既に「{Status(current).label}」になっています。"
            "他の人が先に操作しました。画面を読み込み直して確認してください（何も変更していません）"
        )
    _event(req_id, user, frm[0] if len(frm) == 1 else "", to, note)
    return HelpRequest.objects.select_related(
        "service", "person", "volunteer__person", "district"
    ).get(pk=req_id)


def _staff_request(user: Any, req_id: int) -> HelpRequest:
    """The request, looked up within the user's districts (``user`` None: the system):
    missing and out of reach are refused alike."""
    qs = HelpRequest.objects.select_related("district", "service")
    if user is not None:
        qs = access.visible(user, Cap.MUTUALAID_MANAGE, qs, "この依頼を扱う権限がありません")
    req = qs.filter(pk=req_id).first()
    if req is None:
        raise access.PermissionDenied("この依頼を扱う権限がありません")
    return req


@_refuse_when_locked
@transaction.atomic
def proposal_confirm(*, user: Any, request_id: int, volunteer_id: int | None = None) -> HelpRequest:
    """Confirm a proposed volunteer. Of two confirmations at once, one wins; the other
    gets ConflictError. ``volunteer_id`` (what the confirming person saw) guards against
    confirming a proposal someone changed in the meantime."""
    _staff_request(user, request_id)
    extra = Q(volunteer_id=volunteer_id) if volunteer_id is not None else None
    return _move(
        req_id=request_id,
        frm=(Status.MATCHED,),
        to=Status.CONFIRMED,
        user=user,
        note="提案を確定",
        extra_q=extra,
        confirmed_at=timezone_now(),
        confirmed_by=_who(user),
    )


@_refuse_when_locked
@transaction.atomic
def proposal_reject(*, user: Any, request_id: int, note: str = "") -> HelpRequest:
    _staff_request(user, request_id)
    return _move(
        req_id=request_id,
        frm=(Status.MATCHED,),
        to=Status.REQUESTED,
        user=user,
        note=f"提案を却下 {note}".strip(),
        volunteer=None,
        slot=None,
        match_reasons=[],
    )


@_refuse_when_locked
@transaction.atomic
def request_cancel(*, user: Any, request_id: int, note: str = "") -> HelpRequest:
    _staff_request(user, request_id)
    return _move(
        req_id=request_id,
        frm=(Status.REQUESTED, Status.MATCHED, Status.CONFIRMED),
        to=Status.CANCELLED,
        user=user,
        note=f"取消 {note}".strip(),
    )


def _free_slots(profile: VolunteerProfile, week: dt.date) -> set[int]:
    away = {e.date for e in profile.exceptions.all()}
    return {s for s in profile.availability if slot_date(week, s) not in away}


def _week_jobs(
    volunteer_ids: list[int], week: dt.date, exclude: int | None = None
) -> dict[int, list[tuple[int, int]]]:
    """(slot, request id) of each volunteer's matched or confirmed jobs of the week."""
    qs = HelpRequest.objects.filter(
        volunteer_id__in=volunteer_ids, week=week, status__in=ACTIVE, slot__isnull=False
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    out: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for vid, slot, pk in qs.values_list("volunteer_id", "slot", "pk"):
        if vid is not None and slot is not None:
            out[vid].append((slot, pk))
    return out


@_refuse_when_locked
@transaction.atomic
def proposal_change(*, user: Any, request_id: int, volunteer: Volunteer, slot: int) -> HelpRequest:
    """Staff choose the volunteer and slot themselves. The hard constraints still hold:
    skills, tools, districts covered, the volunteer free in that slot and not double-booked,
    and the weekly maximum."""
    req = _staff_request(user, request_id)
    profile = VolunteerProfile.objects.filter(volunteer=volunteer, service=req.service).first()
    if profile is None:
        # No name here: the id may be anybody's, and naming them would tell who they are.
        raise ValidationError("選んだボランティアはこのサービスに登録されていません")
    name = str(volunteer.person)
    tariff = req.service.tariff
    problems: list[str] = []
    if req.task not in profile.skills:
        problems.append(f"作業「{tariff.task_label(req.task)}」を登録していません")
    missing = [tariff.tool_label(t) for t in tariff.tasks[req.task].tools if t not in profile.tools]
    if missing:
        problems.append(f"道具（{'・'.join(missing)}）がありません")
    if not profile.districts.filter(pk=req.district_id).exists():
        problems.append(f"{req.district.name}地区は活動地区ではありません")
    if slot not in _free_slots(profile, req.week):
        problems.append(f"{slot_label(slot)} は空いていません")
    jobs = _week_jobs([volunteer.pk], req.week, exclude=req.pk).get(volunteer.pk, [])
    clash = [pk for s, pk in jobs if s == slot]
    if clash:
        problems.append(
            f"{slot_label(slot)} に別の依頼（依頼{clash[0]}）が入っています（二重予約）"
        )
    if len(jobs) >= profile.max_jobs_per_week:
        problems.append(
            f"今週は既に{len(jobs)}件で、週の上限{profile.max_jobs_per_week}件に達しています"
        )
    if problems:
        raise ValidationError(f"{name}さんには割り当てられません: " + "、".join(problems))
    return _move(
        req_id=request_id,
        frm=(Status.REQUESTED, Status.MATCHED),
        to=Status.MATCHED,
        user=user,
        note=f"職員が担当を選択: {name} {slot_label(slot)}",
        volunteer=volunteer,
        slot=slot,
        match_reasons=[
            "職員が選択",
            f"空き時間: {slot_label(slot)}",
            f"今週{len(jobs) + 1}件目（上限{profile.max_jobs_per_week}件）",
        ],
    )


def _neighbours(municipality_id: int) -> dict[int, frozenset[int]]:
    through = District.neighbours.through
    pairs = through.objects.filter(from_district__municipality_id=municipality_id).values_list(
        "from_district_id", "to_district_id"
    )
    out: dict[int, set[int]] = defaultdict(set)
    for a, b in pairs:
        out[a].add(b)
        out[b].add(a)
    return {k: frozenset(v) for k, v in out.items()}


@transaction.atomic
def matching_run(
    *, municipality: Municipality, week: dt.date, user: Any = None, service: Service | None = None
) -> dict[str, Any]:
    """Propose volunteers for the week's open requests (status 受付) of a municipality's
    services, with the optimiser; each proposal is stored with its reasons (status 提案中)."""
    week = week_start(week)
    services = (
        [service]
        if service is not None
        else list(Service.objects.filter(municipality=municipality, active=True))
    )
    if user is not None:
        for s in services:
            _require_staff(user, s.district)
    summary: dict[str, Any] = {
        "week": week.isoformat(),
        "open": 0,
        "served": 0,
        "proposals": [],
        "unserved": [],
    }
    districts = {d.pk: d.name for d in District.objects.filter(municipality=municipality)}
    neighbours = _neighbours(municipality.pk)
    for svc in services:
        _match_service(svc, week, user, districts, neighbours, summary)
    return summary


def _match_service(
    svc: Service,
    week: dt.date,
    user: Any,
    districts: dict[int, str],
    neighbours: dict[int, frozenset[int]],
    summary: dict[str, Any],
) -> None:
    """Match one service's open requests of the week and add the outcome to ``summary``."""
    tariff = svc.tariff
    open_qs = HelpRequest.objects.filter(service=svc, week=week, status=Status.REQUESTED)
    if user is not None:
        open_qs = access.visible(user, Cap.MUTUALAID_MANAGE, open_qs)
    open_requests = list(open_qs.order_by("created_at", "id"))
    profiles = list(
        VolunteerProfile.objects.filter(service=svc, volunteer__active=True)
        .select_related("volunteer__person")
        .prefetch_related("districts", "exceptions")
    )
    result = matching.match(
        [
            matching.Request(
                id=r.pk,
                task=r.task,
                district=r.district_id,
                slots=frozenset(r.preferred_slots),
                tools=frozenset(tariff.tasks[r.task].tools),
            )
            for r in open_requests
        ],
        _engine_volunteers(profiles, week),
        neighbours,
        task_label=tariff.task_label,
        tool_label=tariff.tool_label,
        district_label=lambda d: districts.get(d, str(d)),
        slot_label=slot_label,
    )
    names = {p.volunteer_id: str(p.volunteer.person) for p in profiles}
    summary["open"] += len(open_requests)
    _proposals_store(result, names, user, summary)
    summary["unserved"] += [{"request": rid, "reason": why} for rid, why in result.unserved.items()]


def _engine_volunteers(profiles: list[VolunteerProfile], week: dt.date) -> list[matching.Volunteer]:
    jobs = _week_jobs([p.volunteer_id for p in profiles], week)
    return [
        matching.Volunteer(
            id=p.volunteer_id,
            skills=frozenset(p.skills),
            tools=frozenset(p.tools),
            districts=frozenset(d.pk for d in p.districts.all()),
            home=p.volunteer.person.district_id,
            slots=frozenset(_free_slots(p, week)),
            max_jobs=p.max_jobs_per_week,
            booked=frozenset(s for s, _ in jobs.get(p.volunteer_id, [])),
            load=len(jobs.get(p.volunteer_id, [])),
        )
        for p in profiles
    ]


def _proposals_store(
    result: matching.MatchResult, names: dict[int, str], user: Any, summary: dict[str, Any]
) -> None:
    """Store each proposal (status 提案中) with its reasons, unless taken by hand meanwhile."""
    events: list[RequestEvent] = []
    for p in result.proposals:
        changed = HelpRequest.objects.filter(pk=p.request, status=Status.REQUESTED).update(
            status=Status.MATCHED,
            volunteer_id=p.volunteer,
            slot=p.slot,
            match_reasons=list(p.reasons),
        )
        if not changed:  # taken by hand in the meantime: leave it as the person set it
            continue
        events.append(
            RequestEvent(
                request_id=p.request,
                user=_who(user),
                from_status=Status.REQUESTED,
                to_status=Status.MATCHED,
                note=f"自動提案: {names[p.volunteer]}",
            )
        )
        summary["served"] += 1
        summary["proposals"].append(
            {
                "request": p.request,
                "volunteer_id": p.volunteer,
                "volunteer": names[p.volunteer],
                "slot": slot_label(p.slot),
                "reasons": list(p.reasons),
            }
        )
    RequestEvent.objects.bulk_create(events, batch_size=1000)


@_refuse_when_locked
@transaction.atomic
def request_done(
    *, user: Any, request_id: int, actual_minutes: int, done_on: dt.date | None = None
) -> HelpRequest:
    """Record the job as done: the fee from the tariff and the volunteer's points, once.

    Staff of the district or the volunteer who did the job may record it. Minutes beyond
    the tariff's maximum, or zero, are refused and nothing changes. The day done is today
    when the volunteer records it; only staff may give ``done_on`` (by default the job's
    slot, or today if that is still ahead), and never after today nor before the request's
    week: the points earned expire counting from that day.
    """
    own_job = (
        user is not None
        and access.can(user, Cap.MUTUALAID_OWN_JOBS)
        and access.visible(
            user, Cap.MUTUALAID_OWN_JOBS, HelpRequest.objects.filter(pk=request_id)
        ).exists()
    )
    if own_job:
        req = HelpRequest.objects.select_related("service", "district", "volunteer").get(
            pk=request_id
        )
    else:
        req = _staff_request(user, request_id)
    if own_job and done_on is not None:
        raise access.PermissionDenied(
            "実施日を指定できるのは職員だけです（ご本人の記録は今日の日付になります）"
        )
    try:
        q = quote(req.service.tariff, req.task, actual_minutes)
    except TariffError as exc:
        raise ValidationError({"actual_minutes": str(exc)}) from exc
    done_on = _done_on(req, done_on, own_job=own_job)
    req = _move(
        req_id=request_id,
        frm=(Status.CONFIRMED,),
        to=Status.DONE,
        user=user,
        note=f"完了 {actual_minutes}分",
        actual_minutes=actual_minutes,
        done_on=done_on,
        fee=q.fee,
        fee_parts=[{"key": p.key, "label": p.label, "amount": p.amount} for p in q.parts],
    )
    points_earn(request=req)
    return req


def _done_on(req: HelpRequest, given: dt.date | None, *, own_job: bool) -> dt.date:
    today = localdate()
    done_on = today if own_job else (given or min(req.date or today, today))
    if done_on > today:
        raise ValidationError(
            {
                "done_on": f"実施日（{done_on:%Y-%m-%d}）は今日（{today:%Y-%m-%d}）より後にはできません"
            }
        )
    if done_on < req.week:
        raise ValidationError(
            {
                "done_on": f"実施日（{done_on:%Y-%m-%d}）は依頼の週"
                f"（{req.week:%Y-%m-%d}から）より前にはできません"
            }
        )
    return done_on


@_refuse_when_locked
@transaction.atomic
def request_paid(*, user: Any, request_id: int, paid_on: dt.date | None = None) -> HelpRequest:
    _staff_request(user, request_id)
    paid_on = _in_range(paid_on or localdate(), "paid_on", "支払日")
    qs = HelpRequest.objects.filter(pk=request_id, status=Status.DONE, paid=False)
    if qs.update(paid=True, paid_on=paid_on) == 0:
        raise ConflictError(
            f"依頼{request_id}は完了していないか、既に支払済です（何も変更していません）"
        )
    _event(request_id, user, Status.DONE, Status.DONE, "利用料を受領")
    return HelpRequest.objects.select_related("service", "person", "volunteer__person").get(
        pk=request_id
    )


# --- points ------------------------------------------------------------------------


def _entries(volunteer_id: int) -> list[ledger.Entry]:
    return [
        ledger.Entry(kind, points, on)
        for kind, points, on in PointEntry.objects.filter(volunteer_id=volunteer_id).values_list(
            "kind", "points", "on"
        )
    ]


def _lock(volunteer_id: int) -> None:
    # Serialise ledger writes per volunteer (a row lock on PostgreSQL; SQLite locks the
    # whole database for the transaction anyway).
    list(Volunteer.objects.select_for_update().filter(pk=volunteer_id).values_list("pk"))


def points_earn(*, request: HelpRequest) -> PointEntry | None:
    """The points a done job earns under the service's rule; a job never earns twice."""
    if request.volunteer_id is None or not request.actual_minutes:
        return None
    points = request.service.tariff.points.points_for(request.actual_minutes)
    if points <= 0:
        return None
    if PointEntry.objects.filter(request=request, kind=PointKind.EARN).exists():
        raise ValidationError(f"依頼{request.pk}のポイントは既に付与されています")
    try:
        with transaction.atomic():
            return PointEntry.objects.create(
                volunteer_id=request.volunteer_id,
                kind=PointKind.EARN,
                points=points,
                on=request.done_on or localdate(),
                request=request,
                note=f"依頼{request.pk} {request.task_label} {request.actual_minutes}分",
            )
    except IntegrityError as exc:  # the unique constraint, when two calls race
        raise ValidationError(f"依頼{request.pk}のポイントは既に付与されています") from exc


@transaction.atomic
def points_redeem(
    *, user: Any, volunteer: Volunteer, points: int, on: dt.date | None = None, note: str = ""
) -> PointEntry:
    """Exchange points; refused (nothing written) beyond the balance."""
    _require_staff(user, volunteer.person.district if user is not None else None)
    _lock(volunteer.pk)
    on = _in_range(on or localdate(), "on", "交換日")
    try:
        entry = ledger.redeem(_entries(volunteer.pk), points, on)
    except ledger.LedgerError as exc:
        raise ValidationError({"points": str(exc)}) from exc
    return PointEntry.objects.create(
        volunteer=volunteer, kind=PointKind.REDEEM, points=entry.points, on=on, note=note
    )


@transaction.atomic
def points_expire(*, municipality: Municipality, today: dt.date) -> dict[str, int]:
    """Expire, for every volunteer of the municipality's services, the points older than
    the tariff's expiry period that are still unused."""
    _in_range(today, "today", "失効の基準日")
    done = {"volunteers": 0, "points": 0}
    profiles = VolunteerProfile.objects.filter(service__municipality=municipality).select_related(
        "service"
    )
    for profile in profiles:
        _lock(profile.volunteer_id)
        entry = ledger.expire(
            _entries(profile.volunteer_id), today, profile.service.tariff.points.expiry_months
        )
        if entry is None:
            continue
        PointEntry.objects.create(
            volunteer_id=profile.volunteer_id,
            kind=PointKind.EXPIRE,
            points=entry.points,
            on=today,
            note=f"{profile.service.tariff.points.expiry_months}か月を過ぎたポイントの失効",
        )
        done["volunteers"] += 1
        done["points"] -= entry.points
    return done


def points_balance(volunteer_id: int) -> int:
    return ledger.balance(_entries(volunteer_id))
