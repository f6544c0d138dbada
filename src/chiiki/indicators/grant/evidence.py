"""The chiiki records that can evidence an answer: for a municipality and a fiscal year,
the candidates of each kind, so that staff pick from what was recorded instead of typing.

- ``meeting``: a council meeting (chiiki.councils) held in the year;
- ``issue``: a regional issue of the register whose status was set or stepped in the year;
- ``resource``: a directory entry (chiiki.resources) that started in the year. The directory
  keeps no start date of its own, so the start is the date the register records the entry
  as coming of an issue (IssueResource.started_on), else the first day of its opening hours
  (the earliest open schedule's ``valid_from`` or ``dtstart``); an entry with neither has no
  known start and is not proposed;
- ``mutualaid_service``: a mutual-aid service (chiiki.mutualaid) started in the year;
- ``volunteer``: a mutual-aid volunteer registered in the year who has taken a training
  (the trainings themselves are kept undated). Shown without the volunteer's name: the
  assessment counts what was built, not who.

The same functions check a posted pick: a record is accepted only when it is a candidate
of that municipality and year, so another municipality's id is refused like one that does
not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max, Min, Q
from django.db.models.functions import Coalesce

from chiiki.councils.models import (
    IssueEvent,
    IssueResource,
    IssueStatus,
    Meeting,
    RegionalIssue,
)
from chiiki.indicators.grant.catalog import EVIDENCE_KINDS
from chiiki.mutualaid.models import Service as AidService
from chiiki.mutualaid.models import VolunteerProfile
from chiiki.resources.models import Schedule, ScheduleKind, Service

PICK_LIMIT = 500  # candidates of one kind shown for a year; more are summed up, not listed


@dataclass(frozen=True)
class Candidate:
    kind: str
    record_id: int
    label: str
    on: dt.date | None

    @property
    def key(self) -> str:
        """The value a form posts: ``kind:id``."""
        return f"{self.kind}:{self.record_id}"


def fiscal_year_span(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """年度: from 1 April to 31 March of the next year."""
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def _meetings(m: int, span: tuple[dt.date, dt.date], ids: list[int] | None) -> list[Candidate]:
    qs = Meeting.objects.filter(body__municipality_id=m, held_on__range=span)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    rows = qs.order_by("held_on", "id").values_list("pk", "body__name", "held_on")
    return [Candidate("meeting", pk, name, on) for pk, name, on in rows[:PICK_LIMIT]]


def _issues(m: int, span: tuple[dt.date, dt.date], ids: list[int] | None) -> list[Candidate]:
    events = IssueEvent.objects.filter(issue__municipality_id=m, on__range=span)
    qs = RegionalIssue.objects.filter(municipality_id=m).filter(
        Q(status_on__range=span) | Q(pk__in=events.values("issue_id"))
    )
    if ids is not None:
        qs, events = qs.filter(pk__in=ids), events.filter(issue_id__in=ids)
    rows = list(qs.order_by("id").values_list("pk", "title", "status", "status_on")[:PICK_LIMIT])
    last = dict(
        events.filter(issue_id__in=[r[0] for r in rows])
        .values("issue_id")
        .annotate(last=Max("on"))
        .values_list("issue_id", "last")
    )
    labels = dict(IssueStatus.choices)
    found = [
        Candidate("issue", pk, f"{title}（{labels.get(status, status)}）", last.get(pk, status_on))
        for pk, title, status, status_on in rows
    ]
    return sorted(found, key=lambda c: (c.on or span[0], c.record_id))


def resource_starts(
    m: int, span: tuple[dt.date, dt.date], ids: list[int] | None = None
) -> dict[int, dt.date]:
    """Directory entries of the municipality that started within ``span``: id → start."""
    linked = IssueResource.objects.filter(service__municipality_id=m)
    opening = Schedule.objects.filter(service__municipality_id=m, kind=ScheduleKind.OPEN).exclude(
        service_id__in=IssueResource.objects.filter(service__municipality_id=m).values("service_id")
    )
    if ids is not None:
        linked, opening = linked.filter(service_id__in=ids), opening.filter(service_id__in=ids)
    starts: dict[int, dt.date] = {}
    for sid, start in (
        linked.values("service_id")
        .annotate(start=Min("started_on"))
        .filter(start__range=span)
        .values_list("service_id", "start")
    ):
        starts[sid] = start
    for sid, start in (
        opening.values("service_id")
        .annotate(start=Min(Coalesce("valid_from", "dtstart")))
        .filter(start__range=span)
        .values_list("service_id", "start")
    ):
        starts[sid] = start
    return starts


def _resources(m: int, span: tuple[dt.date, dt.date], ids: list[int] | None) -> list[Candidate]:
    starts = resource_starts(m, span, ids)
    rows = (
        Service.objects.filter(municipality_id=m, pk__in=list(starts))
        .values_list("pk", "name", "organization__name", "district__name")
        .order_by("id")
    )
    found = [
        Candidate("resource", pk, f"{name}（{org}{'・' + d if d else ''}）", starts[pk])
        for pk, name, org, d in rows
    ]
    return sorted(found, key=lambda c: (c.on or span[0], c.record_id))[:PICK_LIMIT]


def _aid_services(m: int, span: tuple[dt.date, dt.date], ids: list[int] | None) -> list[Candidate]:
    qs = AidService.objects.filter(municipality_id=m, started_on__range=span)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    rows = qs.order_by("started_on", "id").values_list("pk", "name", "district__name", "started_on")
    return [
        Candidate("mutualaid_service", pk, f"{name}（{district}）", on)
        for pk, name, district, on in rows[:PICK_LIMIT]
    ]


def _volunteers(m: int, span: tuple[dt.date, dt.date], ids: list[int] | None) -> list[Candidate]:
    qs = VolunteerProfile.objects.filter(
        service__municipality_id=m, volunteer__registered_on__range=span
    )
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    rows = qs.order_by("volunteer__registered_on", "id").values_list(
        "pk",
        "service__name",
        "volunteer__registered_on",
        "trainings",
    )
    out: list[Candidate] = []
    for pk, service, on, trainings in rows:
        taken = [str(t) for t in trainings or [] if str(t).strip()]
        if taken:  # registered without a training is not "trained"
            # No name and no district: in a small district the two could point to one person.
            label = f"{service}のボランティア（受講: {'・'.join(taken)}）"
            out.append(Candidate("volunteer", pk, label[:300], on))
        if len(out) >= PICK_LIMIT:
            break
    return out


_FINDERS = {
    "meeting": _meetings,
    "issue": _issues,
    "resource": _resources,
    "mutualaid_service": _aid_services,
    "volunteer": _volunteers,
}
assert set(_FINDERS) == set(EVIDENCE_KINDS)


def candidates(
    *, municipality_id: int, fiscal_year: int, kinds: Iterable[str]
) -> dict[str, list[Candidate]]:
    """The records of each kind that the year's answers can point to."""
    span = fiscal_year_span(fiscal_year)
    return {k: _FINDERS[k](municipality_id, span, None) for k in dict.fromkeys(kinds)}


def resolve(
    *, municipality_id: int, fiscal_year: int, picks: Iterable[tuple[str, int]]
) -> tuple[list[Candidate], list[tuple[str, int]]]:
    """The picked records that are candidates of that municipality and year, and those that
    are not (another municipality's, another year's, or none at all: alike)."""
    span = fiscal_year_span(fiscal_year)
    wanted: dict[str, list[int]] = {}
    for kind, rid in dict.fromkeys(picks):
        wanted.setdefault(kind, []).append(rid)
    found: list[Candidate] = []
    refused: list[tuple[str, int]] = []
    for kind, ids in wanted.items():
        finder = _FINDERS.get(kind)
        got = {c.record_id: c for c in finder(municipality_id, span, ids)} if finder else {}
        found.extend(got[i] for i in ids if i in got)
        refused.extend((kind, i) for i in ids if i not in got)
    return found, refused
