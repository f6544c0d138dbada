"""Reads of gathering places' participation: the rate by district (for the page and the
dashboards) and a place's participants (a list that names residents: scoped and audited).

``participation_by_district`` runs a fixed number of queries whatever the size of the
municipality: districts, distinct participants, named attendances, headcounts, the places
with attendance, the population table, and (when a district has no table) the register.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Q, Sum

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.areas.models import District, Municipality, PopulationRecord
from chiiki.core import wareki
from chiiki.indicators import participation as engine
from chiiki.indicators.models import Attendance, AttendanceCount, PlaceRegistration
from chiiki.people.models import Person
from chiiki.resources.models import Service

KAYOI = "|kayoi|"
VIEW_REFUSED = "通いの場の参加の状況を見る権限がありません"
PLACE_REFUSED = "この通いの場は見つかりません"


def _grouped(qs: Any, key: str, **aggregates: Any) -> dict[str, dict[Any, int]]:
    """{aggregate name: {(municipality id, key value): number}} from one GROUP BY."""
    found: dict[str, dict[Any, int]] = {name: {} for name in aggregates}
    for row in qs.order_by().values("municipality_id", key).annotate(**aggregates):
        for name in aggregates:
            if row[name] is not None:
                found[name][row["municipality_id"], row[key]] = row[name]
    return found


def _participants(named: Any, cutoff: dt.date) -> dict[str, dict[Any, int]]:
    """Distinct participants by (the municipality of the attendance, the district they live
    in), everyone and those born by ``cutoff``: the year's distinct person ids first, then
    their people by primary key.

    Two plain steps rather than one join with COUNT(DISTINCT): on PostgreSQL, right after a
    bulk import (before the tables are analysed) the planner took the join for a few rows
    and ran it as a nested loop over every resident, for half an hour.
    """
    pairs = list(named.order_by().values_list("municipality_id", "person_id").distinct())
    where: dict[int, list[int]] = defaultdict(list)
    for municipality_id, person_id in pairs:
        where[person_id].append(municipality_id)
    ids = list(where)
    everyone: dict[Any, int] = defaultdict(int)
    aged: dict[Any, int] = defaultdict(int)
    for start in range(0, len(ids), 5000):
        for person_id, district_id, born in Person.objects.filter(
            pk__in=ids[start : start + 5000]
        ).values_list("pk", "district_id", "birth_date"):
            for municipality_id in where[person_id]:
                everyone[municipality_id, district_id] += 1
                if born <= cutoff:
                    aged[municipality_id, district_id] += 1
    return {"everyone": dict(everyone), "aged": dict(aged)}


def _by_municipality(found: dict[Any, Any]) -> dict[int, dict[Any, Any]]:
    """{(municipality, key): n} as {municipality: {key: n}}, in one pass."""
    out: dict[int, dict[Any, Any]] = defaultdict(dict)
    for (m, key), n in found.items():
        out[m][key] = n
    return out


def participation_by_district(*, municipality: Municipality, fiscal_year: int) -> engine.Table:
    """Distinct participants aged 65+ over the population aged 65+, by district and for the
    whole municipality, in one fiscal year (the rules: :mod:`chiiki.indicators.participation`).

    Only places that are gathering places (category kayoi) now are counted. Figures, not
    residents: no list is read, so nothing is audited.
    """
    return participation_by_municipality(municipalities=[municipality], fiscal_year=fiscal_year)[
        municipality.pk
    ]


def participation_by_municipality(
    *, municipalities: list[Municipality], fiscal_year: int
) -> dict[int, engine.Table]:
    """:func:`participation_by_district` for many municipalities at once (a prefecture's
    side by side), in the same fixed number of queries: each one grouped by municipality."""
    start, end = engine.year_span(fiscal_year)
    cutoff = engine.born_by(fiscal_year)
    ids = [m.pk for m in municipalities]
    districts: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for municipality_id, *district in (
        District.objects.filter(municipality_id__in=ids)
        .order_by("life_area__order", "life_area__code", "order", "code")
        .values_list("municipality_id", "pk", "name", "life_area__name")
    ):
        districts[municipality_id].append(tuple(district))  # type: ignore[arg-type]
    span = {"municipality_id__in": ids, "day__range": (start, end)}
    named = Attendance.objects.filter(**span, place__category_codes__contains=KAYOI)
    counted = AttendanceCount.objects.filter(**span, place__category_codes__contains=KAYOI)
    people = _participants(named, cutoff)
    named_at = _grouped(named, "place__district_id", n=Count("id"))["n"]
    counts = _grouped(
        counted, "place__district_id", n=Sum("participants"), aged=Sum("participants_65")
    )
    places: dict[Any, set[int]] = defaultdict(set)
    for qs in (named, counted):
        for municipality_id, place_id, district_id in (
            qs.order_by()
            .values_list("municipality_id", "place_id", "place__district_id")
            .distinct()
        ):
            places[municipality_id, district_id].add(place_id)
    tables = _population(ids, start, end)
    short = [m for m in ids if any(pk not in tables[m][1] for pk, _, _ in districts[m])]
    register_65 = _register_65(short, cutoff, end) if short else {}
    parts = {
        name: _by_municipality(found)
        for name, found in (
            ("aged", people["aged"]),
            ("everyone", people["everyone"]),
            ("register", register_65),
            ("named", named_at),
            ("counted", counts["n"]),
            ("counted_65", counts["aged"]),
            ("places", {k: len(v) for k, v in places.items()}),
        )
    }
    out: dict[int, engine.Table] = {}
    for m in ids:
        table_date, table_65, municipality_65 = tables[m]
        mine = {name: found.get(m, {}) for name, found in parts.items()}
        figures = engine.figures_by_district(
            districts[m],
            participants_65=mine["aged"],
            participants=mine["everyone"],
            table_65=table_65,
            register_65=mine["register"],
            named=mine["named"],
            counted=mine["counted"],
            counted_65=mine["counted_65"],
            places=mine["places"],
        )
        out[m] = engine.build(
            fiscal_year=fiscal_year,
            districts=figures,
            population_date=table_date,
            municipality_table_65=municipality_65,
        )
    return out


def _population(
    ids: list[int], start: dt.date, end: dt.date
) -> dict[int, tuple[dt.date | None, dict[int, int], int | None]]:
    """For each municipality, the latest population table within the year: its date, its
    65+ by district, and its 65+ for the whole municipality when it has only
    municipality-level cells."""
    cells = PopulationRecord.objects.filter(municipality_id__in=ids)
    days = dict(
        cells.filter(date__range=(start, end))
        .order_by()
        .values_list("municipality_id")
        .annotate(d=Max("date"))
        .values_list("municipality_id", "d")
    )
    out: dict[int, tuple[dt.date | None, dict[int, int], int | None]] = {
        m: (days.get(m), {}, None) for m in ids
    }
    if not days:
        return out
    which = Q()
    for m, day in days.items():
        which |= Q(municipality_id=m, date=day)
    by_district: dict[int, dict[int, int]] = defaultdict(dict)
    whole: dict[int, int] = {}
    for municipality_id, district_id, n in (
        cells.filter(which, age_from__gte=engine.AGED)
        .order_by()
        .values_list("municipality_id", "district_id")
        .annotate(n=Sum("count"))
    ):
        if district_id is None:
            whole[municipality_id] = n
        else:
            by_district[municipality_id][district_id] = n
    for m, day in days.items():
        found = by_district.get(m, {})
        out[m] = (day, found, (whole.get(m) if not found else None))
    return out


def _register_65(ids: list[int], cutoff: dt.date, end: dt.date) -> dict[Any, int]:
    """People of the register aged 65+ on the year's last day, not moved out by then, by
    (municipality, district)."""
    return {
        (m, d): n
        for m, d, n in Person.objects.filter(municipality_id__in=ids, birth_date__lte=cutoff)
        .filter(Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=end))
        .order_by()
        .values_list("municipality_id", "district_id")
        .annotate(n=Count("id"))
        .values_list("municipality_id", "district_id", "n")
    }


def participation_for_user(*, user: Any, fiscal_year: int) -> engine.Table:
    """The user's municipality's participation (figures for anyone who may see indicators)."""
    access.require(user, Cap.INDICATORS_VIEW, VIEW_REFUSED)
    municipality_id = access.who(user).municipality_id
    municipality = Municipality.objects.filter(pk=municipality_id or 0).first()
    if municipality is None:
        raise access.PermissionDenied(VIEW_REFUSED)
    return participation_by_district(municipality=municipality, fiscal_year=fiscal_year)


def participation_years(*, user: Any) -> list[int]:
    """The fiscal years from the first attendance to the last in the user's municipality,
    latest first (empty when there is none)."""
    days: list[dt.date] = []
    for model in (Attendance, AttendanceCount):
        qs = access.visible(user, Cap.INDICATORS_VIEW, model.objects.all(), VIEW_REFUSED)
        found = qs.order_by().aggregate(low=Min("day"), high=Max("day"))
        days += [d for d in found.values() if d is not None]
    if not days:
        return []
    return list(range(wareki.fiscal_year(max(days)), wareki.fiscal_year(min(days)) - 1, -1))


@dataclass(frozen=True)
class PlaceYear:
    """One gathering place's year: its attendances by layout and its named participants."""

    place: Service
    named: int
    counted: int
    days: int


def places_for_user(*, user: Any, fiscal_year: int) -> list[PlaceYear]:
    """The user's municipality's gathering places with their attendances in the year."""
    start, end = engine.year_span(fiscal_year)
    qs = access.visible(
        user,
        Cap.INDICATORS_VIEW,
        Service.objects.filter(category_codes__contains=KAYOI).select_related("district"),
        VIEW_REFUSED,
    )
    places = list(qs.order_by("district__order", "name", "id"))
    ids = [p.pk for p in places]
    span = {"day__range": (start, end), "place_id__in": ids}
    named = {
        place: n
        for (_, place), n in _grouped(Attendance.objects.filter(**span), "place_id", n=Count("id"))[
            "n"
        ].items()
    }
    counted = {
        place: n
        for (_, place), n in _grouped(
            AttendanceCount.objects.filter(**span), "place_id", n=Sum("participants")
        )["n"].items()
    }
    days: dict[int, set[dt.date]] = defaultdict(set)
    for model in (Attendance, AttendanceCount):
        for place_id, day in model.objects.filter(**span).values_list("place_id", "day").distinct():
            days[place_id].add(day)
    return [
        PlaceYear(p, named.get(p.pk, 0), counted.get(p.pk, 0), len(days.get(p.pk, ())))
        for p in places
    ]


@dataclass(frozen=True)
class Participant:
    registration: PlaceRegistration
    days: int  # named attendances in the year
    aged_65: bool


def place_participants_for_user(
    *, user: Any, place_id: int, fiscal_year: int
) -> tuple[Service, list[Participant]]:
    """A gathering place and its registered participants with their days in the year.

    The participants are residents: read through the door with the people's scope (a
    support-center nurse sees those of her life areas), one audit event for the list.
    """
    access.require(user, Cap.INDICATORS_VIEW, VIEW_REFUSED)
    place = (
        access.visible(
            user,
            Cap.INDICATORS_VIEW,
            Service.objects.filter(category_codes__contains=KAYOI).select_related("district"),
        )
        .filter(pk=place_id)
        .first()
    )
    if place is None:
        raise access.PermissionDenied(PLACE_REFUSED)
    start, end = engine.year_span(fiscal_year)
    registrations = access.read_rows(
        user,
        Cap.PEOPLE_VIEW,
        PlaceRegistration.objects.filter(place=place)
        .filter(Q(registered_to__isnull=True) | Q(registered_to__gte=start))
        .filter(registered_from__lte=end)
        .select_related("person", "person__district"),
        what="通いの場の参加者",
        note={"place": place.pk, "fiscal_year": fiscal_year},
    )
    days = dict(
        Attendance.objects.filter(
            place=place,
            day__range=(start, end),
            person_id__in=[r.person_id for r in registrations],
        )
        .order_by()
        .values_list("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )
    cutoff = engine.born_by(fiscal_year)
    return place, [
        Participant(r, days.get(r.person_id, 0), r.person.birth_date <= cutoff)
        for r in registrations
    ]
