"""Reads for mutual aid, scoped by the user: staff by district, volunteers by their own jobs."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.paginator import Page
from django.db.models import Count, QuerySet, Sum

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.areas.models import District
from chiiki.mutualaid.models import (
    AvailabilityException,
    HelpRequest,
    PointEntry,
    Service,
    Status,
    VolunteerProfile,
    week_start,
)
from chiiki.people.models import Person, Volunteer
from chiiki.people.selectors import person_in_scope

PAGE_SIZE = 50


def service_list_for_user(*, user: Any) -> QuerySet[Service]:
    return access.visible(
        user,
        Cap.MUTUALAID_MANAGE,
        Service.objects.select_related("district", "municipality"),
        "助け合いサービスを閲覧する権限がありません",
    )


def service_get_for_user(*, user: Any, service_id: int) -> Service:
    service = service_list_for_user(user=user).filter(pk=service_id).first()
    if service is None:
        raise access.PermissionDenied("このサービスを閲覧する権限がありません")
    return service


def _requests(
    *,
    status: str = "",
    week: dt.date | None = None,
    service_id: int | None = None,
    unpaid: bool = False,
) -> QuerySet[HelpRequest]:
    qs = HelpRequest.objects.select_related("service", "person", "district", "volunteer__person")
    if status:
        qs = qs.filter(status=status)
    if week is not None:
        qs = qs.filter(week=week_start(week))
    if service_id is not None:
        qs = qs.filter(service_id=service_id)
    if unpaid:
        qs = qs.filter(status=Status.DONE, paid=False)
    return qs.order_by("-week", "status", "id")


def request_page_for_user(*, user: Any, page: int = 1, **filters: Any) -> Page[HelpRequest]:
    """Requests in the user's districts, newest week first, one page; the residents' family
    names it shows are one audited list read."""
    return access.read_page(
        user,
        Cap.MUTUALAID_MANAGE,
        _requests(**filters),
        number=page,
        size=PAGE_SIZE,
        what="助け合いの依頼一覧",
    )


def request_rows_for_user(*, user: Any, limit: int = 500, **filters: Any) -> list[HelpRequest]:
    """The same list, whole up to ``limit`` (the matching page, the API), audited."""
    return access.read_rows(
        user, Cap.MUTUALAID_MANAGE, _requests(**filters), what="助け合いの依頼一覧", limit=limit
    )


def _reachable_requests(user: Any) -> QuerySet[HelpRequest]:
    """Requests in the user's districts, for counts that name nobody."""
    return access.visible(user, Cap.MUTUALAID_MANAGE, HelpRequest.objects.all())


def status_counts(*, user: Any, week: dt.date | None = None) -> dict[str, int]:
    qs = _reachable_requests(user)
    if week is not None:
        qs = qs.filter(week=week_start(week))
    counts = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {s.value: counts.get(s.value, 0) for s in Status}


def latest_week(*, user: Any, before: dt.date) -> dt.date | None:
    """The latest week up to ``before`` with requests in the user's districts."""
    return (
        _reachable_requests(user)
        .filter(week__lte=before)
        .order_by("-week")
        .values_list("week", flat=True)
        .first()
    )


def latest_fiscal_year(*, user: Any, service: Service) -> int | None:
    """The 年度 of the service's latest done job in the user's districts."""
    last = (
        _reachable_requests(user)
        .filter(service=service, status=Status.DONE)
        .order_by("-done_on")
        .values_list("done_on", flat=True)
        .first()
    )
    return fiscal_year_of(last) if last else None


def request_get_for_user(*, user: Any, request_id: int) -> HelpRequest:
    """One request with the resident's contact details: the read is audited."""
    return access.read_one(
        user,
        Cap.MUTUALAID_MANAGE,
        HelpRequest.objects.select_related(
            "service", "person", "district", "volunteer__person"
        ).prefetch_related("events__user"),
        request_id,
        refuse="この依頼を閲覧する権限がありません",
    )


def volunteer_choices(*, user: Any, request: HelpRequest) -> list[VolunteerProfile]:
    """Volunteers of the request's service who can do its task (for choosing by hand); the
    names shown are an audited list read."""
    rows = access.read_rows(
        user,
        Cap.MUTUALAID_MANAGE,
        VolunteerProfile.objects.filter(service=request.service, volunteer__active=True)
        .select_related("volunteer__person")
        .order_by("volunteer__person__family_kana"),
        what="担当候補のボランティア",
    )
    return [p for p in rows if request.task in p.skills]


def people_for_request(*, user: Any, query: str, limit: int = 20) -> list[Person]:
    """Residents to pick as the requester (the people search, scoped, capped and audited)."""
    from chiiki.people.selectors import person_pick_list

    return person_pick_list(user=user, query=query, cap=Cap.MUTUALAID_MANAGE, limit=limit)


def _profiles() -> QuerySet[VolunteerProfile]:
    return (
        VolunteerProfile.objects.select_related("volunteer__person__district", "service")
        .annotate(balance=Sum("volunteer__point_entries__points"))
        .order_by("volunteer__person__family_kana", "volunteer__person__given_kana")
    )


def volunteer_list_for_user(*, user: Any, service_id: int | None = None) -> list[VolunteerProfile]:
    """The volunteers of the user's services, with their points (an audited list read)."""
    qs = _profiles() if service_id is None else _profiles().filter(service_id=service_id)
    return access.read_rows(user, Cap.MUTUALAID_MANAGE, qs, what="ボランティアの一覧")


def volunteer_get_for_user(*, user: Any, volunteer_id: int) -> VolunteerProfile:
    return access.read_one(
        user,
        Cap.MUTUALAID_MANAGE,
        _profiles().filter(volunteer_id=volunteer_id),
        None,
        refuse="このボランティアを閲覧する権限がありません",
    )


def volunteer_role_get_for_user(*, user: Any, volunteer_id: int) -> Volunteer:
    """A registered volunteer living in the user's districts (to set up their profile)."""
    return access.read_one(
        user,
        Cap.MUTUALAID_MANAGE,
        Volunteer.objects.select_related("person__district"),
        volunteer_id,
        refuse="このボランティアを扱う権限がありません",
    )


def volunteers_without_profile(*, user: Any) -> list[Volunteer]:
    """Registered volunteers in the user's districts who have no mutual-aid profile yet."""
    return access.read_rows(
        user,
        Cap.MUTUALAID_MANAGE,
        Volunteer.objects.filter(active=True, mutualaid_profile__isnull=True)
        .select_related("person__district")
        .order_by("person__family_kana", "person__given_kana"),
        what="未登録のボランティア",
    )


def district_choices(*, user: Any) -> list[District]:
    from chiiki.areas.selectors import district_list_for_user

    return list(district_list_for_user(user=user, cap=Cap.MUTUALAID_MANAGE))


@dataclass(frozen=True)
class Statement:
    month: dt.date
    jobs: list[HelpRequest]
    minutes: int
    fees: int
    entries: list[PointEntry]
    opening: int
    closing: int


def volunteer_statement(*, user: Any, volunteer: Volunteer, month: dt.date) -> Statement:
    """A volunteer's month: jobs done, minutes, fees collected, point movements, balances.
    The residents it names are one audited list read (``user`` None: the CLI)."""
    start = month.replace(day=1)
    end = start + relativedelta(months=1)
    jobs = list(
        HelpRequest.objects.filter(
            volunteer=volunteer, status=Status.DONE, done_on__gte=start, done_on__lt=end
        )
        .select_related("service", "person")
        .order_by("done_on", "id")
    )
    access.audit_listed(user, jobs, what="ボランティアの月次明細", note={"month": f"{start:%Y-%m}"})
    ledger = PointEntry.objects.filter(volunteer=volunteer)
    opening = ledger.filter(on__lt=start).aggregate(s=Sum("points"))["s"] or 0
    entries = list(ledger.filter(on__gte=start, on__lt=end).order_by("on", "id"))
    return Statement(
        month=start,
        jobs=jobs,
        minutes=sum(j.actual_minutes or 0 for j in jobs),
        fees=sum(j.fee or 0 for j in jobs),
        entries=entries,
        opening=opening,
        closing=opening + sum(e.points for e in entries),
    )


@dataclass(frozen=True)
class JobCard:
    """What a volunteer sees of a job: no health data, no phone until it is confirmed."""

    id: int
    family_name: str
    address: str
    task: str
    date: dt.date | None
    slot: str
    status: str
    status_label: str
    phone: str | None
    minutes: int | None


def my_jobs(*, user: Any, week: dt.date) -> list[JobCard]:
    """The volunteer's own jobs of the week (matched, confirmed, done). Each resident shown
    is an audited read."""
    access.require(user, Cap.MUTUALAID_OWN_JOBS, "ボランティア本人のページです")
    qs = (
        HelpRequest.objects.filter(
            week=week_start(week),
            status__in=[Status.MATCHED, Status.CONFIRMED, Status.DONE],
        )
        .select_related("service", "person")
        .order_by("slot", "id")
    )
    cards = []
    # The jobs given to this volunteer, whose residents' names and addresses are one list read.
    for r in access.read_rows(user, Cap.MUTUALAID_OWN_JOBS, qs, what="わたしの活動"):
        cards.append(
            JobCard(
                id=r.pk,
                family_name=r.person.family_name,
                address=r.address,
                task=r.task_label,
                date=r.date,
                slot=r.slot_label,
                status=r.status,
                status_label=r.get_status_display(),
                phone=r.person.phone if r.status in (Status.CONFIRMED, Status.DONE) else None,
                minutes=r.actual_minutes,
            )
        )
    return cards


def my_points(*, user: Any) -> int | None:
    """The volunteer's own points balance (None when they are not a registered volunteer)."""
    access.require(user, Cap.MUTUALAID_OWN_JOBS, "ボランティア本人のページです")
    volunteer = Volunteer.objects.filter(person_id=user.person_id).first()
    if volunteer is None:
        return None
    return int(PointEntry.objects.filter(volunteer=volunteer).aggregate(s=Sum("points"))["s"] or 0)


def my_profile(*, user: Any) -> VolunteerProfile | None:
    """The volunteer's own mutual-aid profile (None before staff have set one up)."""
    return access.visible(
        user, Cap.MUTUALAID_OWN_JOBS, VolunteerProfile.objects.all(), "ボランティア本人のページです"
    ).first()


def my_days_away(*, user: Any, today: dt.date) -> list[AvailabilityException]:
    """The volunteer's own days away from today on, the nearest first."""
    return list(
        access.visible(
            user,
            Cap.MUTUALAID_OWN_JOBS,
            AvailabilityException.objects.filter(date__gte=today),
            "ボランティア本人のページです",
        ).order_by("date")
    )


def my_nearest_active_week(*, user: Any, week: dt.date) -> dt.date | None:
    """The week nearest to ``week`` in which the volunteer has a job still to do."""
    access.require(user, Cap.MUTUALAID_OWN_JOBS, "ボランティア本人のページです")
    weeks = set(
        HelpRequest.objects.filter(
            volunteer__person_id=user.person_id, status__in=[Status.MATCHED, Status.CONFIRMED]
        ).values_list("week", flat=True)
    )
    return min(weeks, key=lambda w: (abs((w - week).days), w)) if weeks else None


def fiscal_year_of(day: dt.date) -> int:
    """年度: April to March."""
    return day.year if day.month >= 4 else day.year - 1


def year_report(*, user: Any, service: Service, fiscal_year: int) -> dict[str, Any]:
    """Jobs by task, hours, residents served, volunteers active and new, for one 年度."""
    start, end = dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 4, 1)
    done = HelpRequest.objects.filter(
        access.scope_q(user, Cap.MUTUALAID_MANAGE, HelpRequest),
        service=service,
        status=Status.DONE,
        done_on__gte=start,
        done_on__lt=end,
    )
    tariff = service.tariff
    by_task = {
        row["task"]: row
        for row in done.values("task").annotate(
            jobs=Count("id"), minutes=Sum("actual_minutes"), fees=Sum("fee")
        )
    }
    rows = [
        {
            "task": key,
            "label": task.label,
            "jobs": by_task.get(key, {}).get("jobs", 0),
            "hours": round((by_task.get(key, {}).get("minutes") or 0) / 60, 1),
            "fees": by_task.get(key, {}).get("fees") or 0,
        }
        for key, task in tariff.tasks.items()
    ]
    monthly: dict[str, Counter[int]] = {k: Counter() for k in tariff.tasks}
    for task, on in done.values_list("task", "done_on"):
        if on is None:  # a done job always has a date; keeps the type checker honest
            continue
        monthly[task][(on.year - start.year) * 12 + on.month - 4] += 1
    active = set(done.values_list("volunteer_id", flat=True))
    new = VolunteerProfile.objects.filter(
        service=service, volunteer__registered_on__gte=start, volunteer__registered_on__lt=end
    ).count()
    return {
        "fiscal_year": fiscal_year,
        "rows": rows,
        "jobs": sum(r["jobs"] for r in rows),
        "hours": round(sum((by_task.get(k, {}).get("minutes") or 0) for k in tariff.tasks) / 60, 1),
        "fees": sum(r["fees"] for r in rows),
        "residents": done.values("person_id").distinct().count(),
        "volunteers_active": len(active),
        "volunteers_new": new,
        "months": [f"{(start + relativedelta(months=i)).month}月" for i in range(12)],
        "monthly": {
            tariff.task_label(t): [c[i] for i in range(12)] for t, c in monthly.items() if c
        },
    }


def volunteer_for_system(*, volunteer_id: int) -> Volunteer | None:
    """A volunteer by id, for the commands the operator runs on the server."""
    return Volunteer.objects.select_related("person").filter(pk=volunteer_id).first()


def requester_in_scope(*, user: Any, person_id: int) -> Person | None:
    """The resident a request is taken for, when within the user's districts (the request's
    creation is audited; the pick list that found them was)."""
    try:
        return person_in_scope(user=user, person_id=person_id, cap=Cap.MUTUALAID_MANAGE)
    except access.PermissionDenied:
        return None


def volunteer_of_users_services(*, user: Any, volunteer_id: int) -> Volunteer | None:
    """A volunteer registered with a service the user runs (None for anybody else)."""
    return (
        Volunteer.objects.filter(
            pk=volunteer_id, mutualaid_profile__service__in=service_list_for_user(user=user)
        )
        .select_related("person")
        .first()
    )
