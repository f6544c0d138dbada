"""The spans of the guide's structures in a municipality's districts, read from the records
the other apps keep (councils, mutual aid, the resource directory), for the progress table.

- 協議体: a 第2層 body reaches every district of its life area, a 第3層 body its district,
  from its 設置日 to its 廃止日.
- 助け合い: a running service reaches its own district from its 開始日, the districts its
  active volunteers work in from the later of the 開始日 and the volunteer's 登録日, and any
  district where it has done a job from the first 実施日.
- 通いの場: a directory entry of category ``kayoi`` that is 実施中 and opens (or holds an
  event) every week (FREQ=WEEKLY, interval 1) reaches its district from the earliest
  dtstart/valid_from of those weekly schedules, until the latest until/valid_to when every
  one of them ends.

What the records cannot say is counted as the page states: a service, volunteer or
gathering place that has stopped has no end date, so it is counted in no year; a weekly
schedule without a start date is counted from the current fiscal year only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min, QuerySet

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.areas.models import District
from chiiki.councils.models import Body, Layer
from chiiki.indicators import spread as engine
from chiiki.mutualaid.models import HelpRequest, Status, VolunteerProfile
from chiiki.mutualaid.models import Service as AidService
from chiiki.resources.models import Schedule, ScheduleKind
from chiiki.resources.models import Service as ResourceService

REFUSED = "指標を見る権限がありません"
KAYOI = "kayoi"
WEEKLY_KINDS = (ScheduleKind.OPEN, ScheduleKind.EVENT)


@dataclass
class Gaps:
    """Records left out or counted by a rule of their own, for the page to say so."""

    stopped_aid: list[str] = field(default_factory=list)  # 運営中でない: no end date
    inactive_volunteers: int = 0  # 活動中でない volunteers: their districts not counted
    stopped_kayoi: list[str] = field(default_factory=list)  # 実施中でない and no end date
    undated_kayoi: list[str] = field(default_factory=list)  # no start date: this year only
    kayoi_without_district: list[str] = field(default_factory=list)
    not_weekly_kayoi: int = 0  # gathering places that meet less often than weekly


@dataclass(frozen=True)
class Spread:
    on: dt.date
    districts: list[District]
    spans: dict[str, list[engine.Span]]
    years: list[engine.YearRow]
    rows: list[engine.DistrictRow]
    gaps: Gaps
    recorded: dict[str, int]  # per structure, records found (bodies, services, places)


# The door a read goes through: the user's scope for the capability the page needs.
Scope = Callable[[QuerySet[Any]], QuerySet[Any]]


def _door(user: Any, cap: Cap) -> Scope:
    return lambda qs: access.visible(user, cap, qs)


def _among(ids: list[int]) -> Scope:
    """For a command, which has no user: the rows of these municipalities."""

    def scope(qs: QuerySet[Any]) -> QuerySet[Any]:
        path = access.paths_of(qs.model).municipality_id()
        return qs.filter(**{f"{path}__in": ids})

    return scope


def _council_spans(scope: Scope, districts: list[District]) -> tuple[list[engine.Span], int]:
    bodies = list(
        scope(Body.objects.filter(layer__in=[Layer.LIFE_AREA, Layer.DISTRICT])).order_by(
            "founded_on", "pk"
        )
    )
    spans = []
    for b in bodies:
        for d in districts:
            reaches = (b.layer == Layer.LIFE_AREA and b.life_area_id == d.life_area_id) or (
                b.layer == Layer.DISTRICT and b.district_id == d.pk
            )
            if reaches:
                spans.append(engine.Span(d.pk, b.founded_on, b.dissolved_on, b.name))
    return spans, len(bodies)


def _aid_spans(scope: Scope, gaps: Gaps) -> tuple[list[engine.Span], int]:
    services = list(scope(AidService.objects.order_by("pk")))
    running = {s.pk: s for s in services if s.active}
    gaps.stopped_aid = [s.name for s in services if not s.active]
    spans = [engine.Span(s.district_id, s.started_on, None, s.name) for s in running.values()]
    profiles = scope(VolunteerProfile.objects.filter(service_id__in=running)).select_related(
        "volunteer"
    )
    through = VolunteerProfile.districts.through.objects.filter(
        volunteerprofile_id__in=profiles.filter(volunteer__active=True).values("pk")
    ).values_list("volunteerprofile_id", "district_id")
    by_profile = {p.pk: p for p in profiles}
    gaps.inactive_volunteers = sum(1 for p in by_profile.values() if not p.volunteer.active)
    for profile_id, district_id in through:
        p = by_profile[profile_id]
        service = running[p.service_id]
        start = max(service.started_on, p.volunteer.registered_on)
        spans.append(engine.Span(district_id, start, None, service.name))
    jobs = (
        scope(
            HelpRequest.objects.filter(
                service_id__in=running, status=Status.DONE, done_on__isnull=False
            )
        )
        .values("service_id", "district_id")
        .annotate(first=Min("done_on"))
        .order_by()
    )
    for j in jobs:
        spans.append(engine.Span(j["district_id"], j["first"], None, running[j["service_id"]].name))
    return spans, len(services)


def _weekly(s: Schedule) -> bool:
    return s.kind in WEEKLY_KINDS and s.freq == "WEEKLY" and (s.interval or 1) == 1


def _kayoi_spans(scope: Scope, gaps: Gaps) -> tuple[list[engine.Span], int]:
    places = list(
        scope(ResourceService.objects.filter(category_codes__contains=f"|{KAYOI}|")).order_by("pk")
    )
    weekly: dict[int, list[Schedule]] = {}
    for s in scope(Schedule.objects.filter(service_id__in=[p.pk for p in places])).order_by(
        "service_id", "order", "pk"
    ):
        if _weekly(s):
            weekly.setdefault(s.service_id, []).append(s)
    spans = []
    for p in places:
        found = weekly.get(p.pk)
        if not found:
            gaps.not_weekly_kayoi += 1
            continue
        starts = [d for s in found if (d := s.dtstart or s.valid_from) is not None]
        ends = [e for s in found if (e := s.until or s.valid_to) is not None]
        # The day after the last meeting: a span's end is exclusive.
        end = max(ends) + dt.timedelta(days=1) if len(ends) == len(found) else None
        if p.status != "active" and end is None:
            gaps.stopped_kayoi.append(p.name)
            continue
        if p.district_id is None:
            gaps.kayoi_without_district.append(p.name)
            continue
        if not starts:
            gaps.undated_kayoi.append(p.name)
        spans.append(engine.Span(p.district_id, min(starts) if starts else None, end, p.name))
    return spans, len(places)


def spread_for_user(*, user: Any, on: dt.date, since: int | None = None) -> Spread:
    """The progress table of 協議体, 助け合い and 毎週の通いの場 over the municipality's
    districts, by fiscal year from ``since`` (default: the first recorded start) to ``on``."""
    access.require(user, Cap.INDICATORS_VIEW, REFUSED)
    districts = list(
        access.visible(
            user,
            Cap.INDICATORS_VIEW,
            District.objects.select_related("life_area").order_by(
                "life_area__order", "order", "code"
            ),
        )
    )
    gaps = Gaps()
    spans, recorded = _spans(_door(user, Cap.INDICATORS_VIEW), districts, gaps)
    ids = [d.pk for d in districts]
    return Spread(
        on=on,
        districts=districts,
        spans=spans,
        years=engine.progress(spans, ids, on=on, since=since),
        rows=engine.by_district(spans, ids, on=on),
        gaps=gaps,
        recorded=recorded,
    )


def _spans(
    scope: Scope, districts: list[District], gaps: Gaps
) -> tuple[dict[str, list[engine.Span]], dict[str, int]]:
    council, n_bodies = _council_spans(scope, districts)
    aid, n_aid = _aid_spans(scope, gaps)
    kayoi, n_kayoi = _kayoi_spans(scope, gaps)
    spans = {"council": council, "mutualaid": aid, "kayoi": kayoi}
    return spans, {"council": n_bodies, "mutualaid": n_aid, "kayoi": n_kayoi}


def coverage_by_municipality(
    *,
    user: Any = None,
    cap: Cap | None = None,
    municipality_ids: list[int] | None = None,
    on: dt.date,
) -> dict[int, dict[str, tuple[int, int]]]:
    """For each municipality, per structure the districts that have it on ``on`` and the
    districts there are: the spread table's last row, municipality by municipality, in one
    pass over the records. Either the municipalities the user reaches with ``cap`` (a
    prefecture's viewer) or, for a command, the ``municipality_ids`` given."""
    scope: Scope
    if municipality_ids is not None:
        scope = _among(list(municipality_ids))
    else:
        if cap is None:
            raise TypeError("a user's coverage needs the capability it is read with")
        scope = _door(user, cap)
    districts = list(scope(District.objects.order_by("pk")))
    spans, _ = _spans(scope, districts, Gaps())
    by_municipality: dict[int, set[int]] = {}
    for d in districts:
        by_municipality.setdefault(d.municipality_id, set()).add(d.pk)
    have = {k: engine.covered(found, on, today=on) for k, found in spans.items()}
    return {
        m: {k: (len(have[k] & mine), len(mine)) for k in spans}
        for m, mine in by_municipality.items()
    }
