"""Demo data for mutual aid: a ちょい加勢 service in one district of the demo municipality,
about 50 volunteers and a year (年度 2018) of requests and jobs, matched week by week by
the same engine the staff use. Idempotent (skipped when the service is there) and
deterministic from the seed.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from chiiki.areas.models import District, Municipality
from chiiki.mutualaid import matching
from chiiki.mutualaid.models import (
    SLOT_COUNT,
    HelpRequest,
    PointEntry,
    PointKind,
    RequestEvent,
    Service,
    Status,
    VolunteerProfile,
    slot_date,
    slot_label,
)
from chiiki.mutualaid.services import service_create
from chiiki.mutualaid.tariff import Tariff, quote
from chiiki.people.models import CareLevel, Person, Volunteer
from chiiki.people.services import volunteer_register

NAME = "ちょい加勢"
FIRST_WEEK = dt.date(2018, 4, 2)  # the first Monday of 年度 2018
WEEKS = 52
VOLUNTEERS = 50
# Tasks by season: mowing and weeding peak in summer, field work in spring.
TASK_WEIGHTS = {
    "weeding": (6, 10, 4),
    "mowing": (3, 9, 2),
    "tilling": (3, 1, 1),
    "shopping": (8, 8, 10),
    "company": (6, 6, 8),
    "repair": (3, 3, 4),
    "rubbish": (5, 5, 6),
    "field_work": (5, 2, 1),
}
TRAININGS = ["助け合い入門講座", "傾聴研修", "認知症サポーター養成講座", "草刈機の安全講習"]


def _season(week: dt.date) -> int:
    return 0 if week.month in (4, 5) else 1 if week.month in (6, 7, 8, 9) else 2


def _district(municipality: Municipality) -> District:
    """The district of the demo volunteer login, so that their own page has jobs."""
    from chiiki.accounts.models import User

    user = (
        User.objects.filter(username="volunteer", municipality=municipality)
        .select_related("person")
        .first()
    )
    if user is not None and user.person is not None:
        return user.person.district
    return municipality.districts.order_by("-code").first()  # type: ignore[return-value]


def _volunteers(district: District, rng: random.Random) -> list[Volunteer]:
    existing = list(
        Volunteer.objects.filter(person__district=district).select_related("person").order_by("pk")
    )
    needed = VOLUNTEERS - len(existing)
    if needed > 0:
        candidates = list(
            Person.objects.filter(
                district=district, care_level=CareLevel.NONE, birth_date__gt=dt.date(1943, 1, 1)
            )
            .exclude(pk__in=[v.person_id for v in existing])
            .order_by("pk")[:600]
        )
        # Leave most people of the district as residents who can ask for help.
        for person in rng.sample(candidates, min(needed, len(candidates) // 3)):
            registered = FIRST_WEEK - dt.timedelta(days=rng.randint(-300, 400))
            existing.append(volunteer_register(person=person, registered_on=registered))
    return existing


def _profiles(
    service: Service, volunteers: list[Volunteer], covered: list[District], rng: random.Random
) -> None:
    tasks = list(service.tariff.tasks)
    profiles = []
    for v in volunteers:
        tools = [
            t for t, p in (("mower", 0.35), ("tiller", 0.15), ("car", 0.6)) if rng.random() < p
        ]
        skills = set(rng.sample(tasks, rng.randint(2, 5)))
        skills |= {"mowing"} if "mower" in tools else set()
        skills |= {"shopping"} if "car" in tools and rng.random() < 0.7 else set()
        days = rng.sample(range(7), rng.randint(2, 5))
        slots = sorted(
            {d * 2 + h for d in days for h in (0, 1) if rng.random() < 0.7} or {days[0] * 2}
        )
        profiles.append(
            VolunteerProfile(
                volunteer=v,
                service=service,
                skills=[t for t in tasks if t in skills],
                tools=sorted(tools),
                availability=slots,
                max_jobs_per_week=rng.choice([1, 2, 2, 3, 3, 4]),
                trainings=rng.sample(TRAININGS, rng.randint(1, 3)),
            )
        )
    VolunteerProfile.objects.bulk_create(profiles)
    through = VolunteerProfile.districts.through
    through.objects.bulk_create(
        through(volunteerprofile_id=p.pk, district_id=d.pk)
        for p in VolunteerProfile.objects.filter(service=service)
        for d in covered
    )


_Plan = tuple[HelpRequest, matching.Proposal | None, str]


@transaction.atomic
def build(municipality: Municipality, seed: int) -> None:
    """Add this module's demo data unless it is there already."""
    if Service.objects.filter(municipality=municipality, name=NAME).exists():
        return
    rng = random.Random(seed * 7 + 5)
    district = _district(municipality)
    covered = [district, *district.neighbours.all()]
    service = service_create(
        municipality=municipality, district=district, name=NAME, started_on=dt.date(2017, 4, 1)
    )
    volunteers = _volunteers(district, rng)
    _profiles(service, volunteers, covered, rng)
    profiles = {
        p.volunteer_id: p
        for p in VolunteerProfile.objects.filter(service=service).select_related(
            "volunteer__person"
        )
    }
    residents = list(
        Person.objects.filter(district__in=covered)
        .exclude(pk__in=list(profiles))
        .order_by("pk")
        .values_list("pk", "district_id", "address")[:5000]
    )
    regulars = rng.sample(residents, min(180, len(residents)))
    if not regulars:
        return
    neighbours = {d.pk: frozenset(n.pk for n in d.neighbours.all()) for d in covered}
    tariff = service.tariff
    requests: list[HelpRequest] = []
    plans: list[_Plan] = []
    for w in range(WEEKS):
        week = FIRST_WEEK + dt.timedelta(weeks=w)
        week_requests = _week_requests(service, week, regulars, rng)
        plans += _week_plans(
            week,
            tariff,
            week_requests,
            profiles,
            covered,
            neighbours,
            rng,
            last_weeks=w >= WEEKS - 2,
        )
        requests.extend(week_requests)
    _plans_apply(plans, tariff, rng)
    HelpRequest.objects.bulk_create(requests, batch_size=1000)
    _events_store(requests)
    _points_store(requests, tariff, rng)


def _week_requests(
    service: Service, week: dt.date, regulars: list[tuple[int, int, str]], rng: random.Random
) -> list[HelpRequest]:
    """The week's requests: 18 to 34 jobs of the season from the regular residents."""
    season = _season(week)
    keys = list(TASK_WEIGHTS)
    weights = [TASK_WEIGHTS[k][season] for k in keys]
    week_requests = []
    for _ in range(rng.randint(18, 34)):
        person_id, district_id, address = rng.choice(regulars)
        task = rng.choices(keys, weights)[0]
        slots = sorted(rng.sample(range(SLOT_COUNT), rng.randint(1, 4)))
        week_requests.append(
            HelpRequest(
                service=service,
                person_id=person_id,
                task=task,
                district_id=district_id,
                address=address,
                week=week,
                preferred_slots=slots,
                estimated_minutes=rng.choice([30, 30, 45, 60]),
                notes="",
                status=Status.REQUESTED,
            )
        )
    return week_requests


def _week_plans(
    week: dt.date,
    tariff: Tariff,
    week_requests: list[HelpRequest],
    profiles: dict[int, VolunteerProfile],
    covered: list[District],
    neighbours: dict[int, frozenset[int]],
    rng: random.Random,
    *,
    last_weeks: bool,
) -> list[_Plan]:
    """Match the week with the engine and decide how far each request got."""
    engine = [
        matching.Request(
            id=i,
            task=r.task,
            district=r.district_id,
            slots=frozenset(r.preferred_slots),
            tools=frozenset(tariff.tasks[r.task].tools),
        )
        for i, r in enumerate(week_requests)
    ]
    away = {vid for vid in profiles if rng.random() < 0.08}  # a few away each week
    vols = [
        matching.Volunteer(
            id=vid,
            skills=frozenset(p.skills),
            tools=frozenset(p.tools),
            districts=frozenset(d.pk for d in covered),
            home=p.volunteer.person.district_id,
            slots=frozenset(p.availability) if vid not in away else frozenset(),
            max_jobs=p.max_jobs_per_week,
        )
        for vid, p in profiles.items()
        if p.volunteer.registered_on <= week + dt.timedelta(days=6)
    ]
    result = matching.match(
        engine,
        vols,
        neighbours,
        task_label=tariff.task_label,
        tool_label=tariff.tool_label,
        slot_label=slot_label,
        district_label=lambda d: next((x.name for x in covered if x.pk == d), str(d)),
    )
    by_request = {p.request: p for p in result.proposals}
    plans: list[_Plan] = []
    for i, r in enumerate(week_requests):
        p = by_request.get(i)
        if p is None:
            plans.append((r, None, Status.REQUESTED if last_weeks else Status.CANCELLED))
        elif last_weeks:
            plans.append((r, p, rng.choice([Status.MATCHED, Status.CONFIRMED, Status.CONFIRMED])))
        else:
            plans.append((r, p, Status.CANCELLED if rng.random() < 0.04 else Status.DONE))
    return plans


def _plans_apply(plans: list[_Plan], tariff: Tariff, rng: random.Random) -> None:
    for r, p, status in plans:
        r.status = status
        if p is not None and status != Status.CANCELLED:
            r.volunteer_id, r.slot, r.match_reasons = p.volunteer, p.slot, list(p.reasons)
        if status == Status.DONE:
            minutes = max(10, min(tariff.max_minutes, r.estimated_minutes + rng.randint(-15, 10)))
            q = quote(tariff, r.task, minutes)
            r.actual_minutes, r.done_on, r.fee = minutes, slot_date(r.week, r.slot or 0), q.fee
            r.fee_parts = [{"key": x.key, "label": x.label, "amount": x.amount} for x in q.parts]
            r.paid = rng.random() < 0.97
            r.paid_on = r.done_on if r.paid else None


def _events_store(requests: list[HelpRequest]) -> None:
    flow = {
        Status.REQUESTED: [Status.REQUESTED],
        Status.MATCHED: [Status.REQUESTED, Status.MATCHED],
        Status.CONFIRMED: [Status.REQUESTED, Status.MATCHED, Status.CONFIRMED],
        Status.DONE: [Status.REQUESTED, Status.MATCHED, Status.CONFIRMED, Status.DONE],
        Status.CANCELLED: [Status.REQUESTED, Status.CANCELLED],
    }
    events = []
    for r in requests:
        steps = flow[Status(r.status)]
        for before, after in zip(["", *steps[:-1]], steps, strict=True):
            events.append(
                RequestEvent(request=r, from_status=before, to_status=after, note="デモデータ")
            )
    RequestEvent.objects.bulk_create(events, batch_size=2000)


def _points_store(requests: list[HelpRequest], tariff: Tariff, rng: random.Random) -> None:
    entries = []
    earned: dict[int, int] = {}
    for r in requests:
        if (
            r.status == Status.DONE
            and r.volunteer_id is not None
            and r.actual_minutes
            and r.done_on
        ):
            pts = tariff.points.points_for(r.actual_minutes)
            earned[r.volunteer_id] = earned.get(r.volunteer_id, 0) + pts
            entries.append(
                PointEntry(
                    volunteer_id=r.volunteer_id,
                    kind=PointKind.EARN,
                    points=pts,
                    on=r.done_on,
                    request=r,
                    note=f"依頼{r.pk} {tariff.task_label(r.task)} {r.actual_minutes}分",
                )
            )
    for vid, total in sorted(earned.items()):
        if total >= 20 and rng.random() < 0.5:  # some exchange points for goods at the year's end
            entries.append(
                PointEntry(
                    volunteer_id=vid,
                    kind=PointKind.REDEEM,
                    points=-(total // 2),
                    on=dt.date(2019, 3, 20),
                    note="地域商品券と交換",
                )
            )
    PointEntry.objects.bulk_create(entries, batch_size=2000)
