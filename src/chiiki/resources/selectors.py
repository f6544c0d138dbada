"""Reads for the resource directory, scoped by the user's municipality."""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, overload

from django.db import connection
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.capabilities import Scope
from chiiki.areas.models import District, Municipality
from chiiki.areas.selectors import district_list_for_user, municipality_overview
from chiiki.core.text import fold
from chiiki.people.models import Person
from chiiki.people.selectors import person_get_for_user
from chiiki.resources import calendar, gaps, hsds, taxonomy
from chiiki.resources.models import (
    DistrictProfile,
    Location,
    Organization,
    Schedule,
    ScheduleKind,
    Service,
    ServiceArea,
    ServiceAtLocation,
)

FTS_MIN = 3  # the trigram tokenizer finds nothing in queries shorter than this


def service_list_for_user(*, user: Any) -> QuerySet[Service]:
    return access.visible(
        user,
        Cap.RESOURCES_VIEW,
        Service.objects.select_related("organization", "district"),
        "地域資源を閲覧する権限がありません",
    )


SEARCH_CAP = 1000  # counted exactly up to here; beyond, the page says 「1000件以上」


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _term_filter(term: str, *, name_only: bool = False) -> Q:
    """Substring match of one folded term.

    SQLite: the trigram FTS5 index for three characters or more; the single-character
    FTS5 index (phrases of adjacent characters) for one or two. PostgreSQL and others:
    ``LIKE '%…%'``, which pg_trgm's GIN indexes serve.
    """
    if connection.vendor == "sqlite":
        if len(term) >= FTS_MIN:
            column = "name_folded" if name_only else "search_text"
            return Q(
                pk__in=RawSQL(
                    "SELECT rowid FROM resources_service_fts WHERE resources_service_fts MATCH %s",
                    [f"{column} : {_phrase(term)}"],
                )
            )
        if term.strip():
            column = "name_chars" if name_only else "text_chars"
            return Q(
                pk__in=RawSQL(
                    "SELECT rowid FROM resources_searchchars_fts "
                    "WHERE resources_searchchars_fts MATCH %s",
                    [f"{column} : {_phrase(' '.join(term))}"],
                )
            )
    return Q(name_folded__contains=term) if name_only else Q(search_text__contains=term)


class RankedSearch:
    """Search results, best first, that a Paginator can page through without ranking or
    counting every match: names containing the first word come first (the whole name,
    then names starting with it, then shorter names), then the other matches in index
    order. The count is exact up to SEARCH_CAP (``capped`` says when there are more).

    On SQLite the full-text index drives the query (joined with ``+rowid = id`` so that
    the planner reads the index first and stops at the LIMIT), which keeps a page fast
    even when a word is in a third of 100,000 services.
    """

    def __init__(self, qs: QuerySet[Service], first: str) -> None:
        self.base, self.first = qs, first
        self._count: int | None = None
        self.fts = connection.vendor == "sqlite" and bool(first.strip())

    def _match(self, *, name_only: bool) -> QuerySet[Service]:
        if not self.fts:
            field = "name_folded" if name_only else "search_text"
            return self.base.filter(**{f"{field}__contains": self.first})
        if len(self.first) >= FTS_MIN:
            table, column, phrase = (
                "resources_service_fts",
                "name_folded" if name_only else "search_text",
                _phrase(self.first),
            )
        else:
            table, column, phrase = (
                "resources_searchchars_fts",
                "name_chars" if name_only else "text_chars",
                _phrase(" ".join(self.first)),
            )
        return self.base.extra(
            tables=[table],
            where=[f"+{table}.rowid = resources_service.id", f"{table} MATCH %s"],
            params=[f"{column} : {phrase}"],
        )

    @property
    def qs(self) -> QuerySet[Service]:
        return self._match(name_only=False)

    def _prefix_q(self) -> Q:
        # A range on the indexed name column: the names that start with the word.
        return Q(name_folded__gte=self.first, name_folded__lt=self.first + "\U0010ffff")

    def _tiers(self) -> list[QuerySet[Service]]:
        """Best first: names equal to or starting with the word (B-tree range, then the
        whole name first and shorter names first), names containing it, other matches."""
        table = (
            "resources_service_fts" if len(self.first) >= FTS_MIN else "resources_searchchars_fts"
        )
        prefix = (
            self.base.filter(self._prefix_q())
            .annotate(
                rank=Case(
                    When(name_folded=self.first, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("rank", Length("name_folded"), "id")
        )
        if not self.fts:
            named = (
                self.base.filter(name_folded__contains=self.first)
                .exclude(self._prefix_q())
                .order_by("id")
            )
            others = self.qs.exclude(name_folded__contains=self.first).order_by("id")
            return [prefix, named, others]
        named = (
            self._match(name_only=True).exclude(self._prefix_q()).extra(order_by=[f"{table}.rowid"])
        )
        others = self.qs.extra(
            where=["instr(resources_service.name_folded, %s) = 0"],
            params=[self.first],
            order_by=[f"{table}.rowid"],
        )
        return [prefix, named, others]

    def count(self) -> int:
        if self._count is None:
            self._count = self.qs.order_by()[: SEARCH_CAP + 1].count()
        return min(self._count, SEARCH_CAP)

    @property
    def capped(self) -> bool:
        self.count()
        return bool(self._count and self._count > SEARCH_CAP)

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, key: int) -> Service: ...

    @overload
    def __getitem__(self, key: slice) -> list[Service]: ...

    def __getitem__(self, key: slice | int) -> list[Service] | Service:
        if isinstance(key, int):
            return self[key : key + 1][0]
        start, stop = key.start or 0, key.stop if key.stop is not None else SEARCH_CAP
        stop = min(stop, SEARCH_CAP)
        found: list[Service] = []
        offset = 0  # where the current tier starts in the whole ranking
        for tier in self._tiers():
            if offset >= stop:
                break
            size = tier.order_by()[: SEARCH_CAP + 1].count()
            if start < offset + size:
                found += list(tier[max(0, start - offset) : stop - offset])
            offset += size
        return found

    def __iter__(self) -> Iterator[Service]:
        return iter(self[0:SEARCH_CAP])

    def exists(self) -> bool:
        return bool(self[0:1])


def service_search(*, user: Any, **filters: Any) -> RankedSearch | QuerySet[Service]:
    """The user's services filtered and ranked by ``service_filter``."""
    return service_filter(service_list_for_user(user=user), **filters)


def service_filter(
    qs: QuerySet[Service],
    *,
    query: str = "",
    category: str = "",
    district_id: int | None = None,
    weekday: str = "",
    time: dt.time | None = None,
    pickup: bool = False,
    free: bool = False,
) -> RankedSearch | QuerySet[Service]:
    """Services matching every word of ``query`` (width, kana and case ignored) and the
    filters; with a query, ranked (``RankedSearch``), else a queryset by district and name."""
    terms = [t for t in (fold(w) for w in query.split()) if t]
    for term in terms[1:]:  # the first drives the ranked search below
        qs = qs.filter(_term_filter(term))
    if category:
        qs = qs.filter(category_codes__contains=f"|{category}|")
    if district_id:
        served = ServiceArea.objects.filter(service=OuterRef("pk"), district_id=district_id)
        qs = qs.filter(Q(district_id=district_id) | Q(Exists(served)))
    if weekday or time:
        slots = Schedule.objects.filter(service=OuterRef("pk"), kind=ScheduleKind.OPEN)
        if weekday:
            slots = slots.filter(byday__contains=weekday.upper())
        if time:
            slots = slots.filter(opens_at__lte=time, closes_at__gt=time)
        qs = qs.filter(Exists(slots))
    if pickup:
        qs = qs.filter(pickup=True)
    if free:
        qs = qs.filter(free=True)
    if terms:
        return RankedSearch(qs, terms[0])
    return qs.order_by("district__order", "name", "id")


def service_get_for_user(*, user: Any, service_id: int) -> Service:
    found = (
        service_list_for_user(user=user)
        .select_related("district__life_area")
        .prefetch_related(
            "schedules",
            "contacts__phones",
            "phones",
            "cost_options",
            "service_areas",
            "at_locations__location",
        )
        .filter(pk=service_id)
        .first()
    )
    if found is None:
        raise access.PermissionDenied("この地域資源を閲覧する権限がありません")
    return found


def service_timetable(service: Service) -> calendar.Timetable:
    return hsds.timetable(
        list(service.schedules.all()),
        closed_on_holidays=service.closed_on_holidays,
        closed_year_end=service.closed_year_end,
    )


def service_month(*, service: Service, year: int, month: int) -> list[calendar.Day]:
    return calendar.month_days(service_timetable(service), year, month)


@dataclass(frozen=True)
class DistrictDay:
    date: dt.date
    entries: tuple[tuple[Service, calendar.Day], ...]


def district_get_for_user(*, user: Any, district_id: int) -> District:
    found = (
        access.visible(
            user, Cap.RESOURCES_VIEW, District.objects.select_related("life_area", "municipality")
        )
        .filter(pk=district_id)
        .first()
    )
    if found is None:
        raise access.PermissionDenied("この地区を閲覧する権限がありません")
    return found


def district_services(*, user: Any, district: District) -> QuerySet[Service]:
    return (
        service_list_for_user(user=user)
        .filter(Q(district=district) | Q(service_areas__district=district))
        .distinct()
        .prefetch_related("schedules", "contacts__phones", "phones", "at_locations__location")
        .order_by("name", "id")
    )


def district_days(
    *, services: list[Service], start: dt.date, end: dt.date
) -> dict[dt.date, list[tuple[Service, calendar.Day]]]:
    """For each date, the services open (with their hours and events)."""
    found: dict[dt.date, list[tuple[Service, calendar.Day]]] = defaultdict(list)
    for service in services:
        for day in calendar.days_between(service_timetable(service), start, end):
            if day.open:
                found[day.date].append((service, day))
    return found


@dataclass(frozen=True)
class NearbyService:
    service: Service
    days: tuple[calendar.Day, ...]


def services_near_person(
    *, user: Any, person_id: int, today: dt.date
) -> tuple[Person, list[NearbyService]]:
    """What is open in the person's district and the neighbouring ones in the next 7 days.

    Opening the person goes through ``person_get_for_user``, which checks the user's areas
    and records the read in the audit trail.
    """
    person = person_get_for_user(user=user, person_id=person_id)
    district_ids = [person.district_id, *person.district.neighbours.values_list("pk", flat=True)]
    services = list(
        service_list_for_user(user=user)
        .filter(Q(district_id__in=district_ids) | Q(service_areas__district_id__in=district_ids))
        .distinct()
        .prefetch_related("schedules")
        .order_by("name", "id")
    )
    end = today + dt.timedelta(days=6)
    nearby: list[NearbyService] = []
    for s in services:
        days = tuple(d for d in calendar.days_between(service_timetable(s), today, end) if d.open)
        if days:
            nearby.append(NearbyService(s, days))
    nearby.sort(key=lambda n: (n.service.district_id != person.district_id, n.days[0].date))
    return person, nearby


def coverage_for_user(*, user: Any) -> tuple[list[gaps.CoverageRow], list[taxonomy.Term]]:
    """Districts × categories with resource counts and population, for the user's areas."""
    districts = list(
        access.visible(
            user,
            Cap.RESOURCE_GAPS,
            District.objects.select_related("life_area", "municipality").order_by(
                "life_area__order", "order", "code"
            ),
            "地域資源の不足状況を閲覧する権限がありません",
        )
    )
    terms = list(taxonomy.categories().terms)
    if not districts:
        return [], terms
    municipality = districts[0].municipality
    overview = municipality_overview(municipality=municipality)
    population = {row.area.pk: row.summary for la in overview.life_areas for row in la.districts}
    alone = dict(
        Person.objects.current()
        .filter(district__in=districts, lives_alone=True)
        .values_list("district_id")
        .annotate(n=Count("id"))
        .values_list("district_id", "n")
    )
    counts: dict[tuple[int, str], int] = defaultdict(int)
    served: dict[int, set[int]] = defaultdict(set)
    services = Service.objects.filter(municipality=municipality).prefetch_related("service_areas")
    for s in services:
        if s.district_id:
            served[s.pk].add(s.district_id)
        served[s.pk].update(a.district_id for a in s.service_areas.all() if a.district_id)
        for district_id in served[s.pk]:
            for code in s.categories:
                counts[(district_id, code)] += 1
    figures = [
        gaps.DistrictFigures(
            id=d.pk,
            name=d.name,
            life_area=d.life_area.name,
            aged_65=population[d.pk].aged_65 if d.pk in population else 0,
            aged_75=population[d.pk].aged_75 if d.pk in population else 0,
            living_alone=alone.get(d.pk, 0),
        )
        for d in districts
    ]
    return gaps.coverage(figures, [t.code for t in terms], counts), terms


@dataclass(frozen=True)
class SheetCategory:
    term: taxonomy.Term
    services: list[Service]


def district_sheet(*, user: Any, district_id: int) -> dict[str, Any]:
    """Everything the わがまちこんなとこシート of one district prints."""
    district = district_get_for_user(user=user, district_id=district_id)
    overview = municipality_overview(municipality=district.municipality)
    summary = next(
        (
            row.summary
            for la in overview.life_areas
            for row in la.districts
            if row.area.pk == district.pk
        ),
        None,
    )
    profile = DistrictProfile.objects.filter(district=district).first()
    services = list(district_services(user=user, district=district))
    by_category = []
    for term in taxonomy.categories().terms:
        found = [s for s in services if term.code in s.categories]
        if found:
            by_category.append(SheetCategory(term, found))
    return {
        "district": district,
        "summary": summary,
        "date": overview.date,
        "profile": profile,
        "categories": by_category,
        "service_count": len(services),
        "can_edit": access.reaches(user, Cap.RESOURCE_SHEET_EDIT, district),
    }


def service_records(
    *, municipality_ids: list[int], service_ids: list[int] | None = None
) -> list[hsds.ServiceRecord]:
    """The directory of the municipalities as HSDS records (for export and the API)."""
    qs = Service.objects.filter(municipality_id__in=municipality_ids)
    if service_ids is not None:
        qs = qs.filter(pk__in=service_ids)
    return [service_record(s) for s in _records_qs(qs)]


def _records_qs(qs: QuerySet[Service]) -> QuerySet[Service]:
    """Everything a full HSDS service object holds, in a fixed number of queries."""
    return (
        qs.select_related("organization", "district")
        .prefetch_related(
            "schedules",
            "contacts__phones",
            "phones",
            "cost_options",
            "service_areas__district",
            "at_locations__location__district",
        )
        .order_by("id")
    )


def service_summary(s: Service) -> dict[str, Any]:
    """A search hit as the API and ``chiiki resources search`` give it."""
    return {
        "id": s.pk,
        "uuid": str(s.uuid),
        "name": s.name,
        "district": s.district.name if s.district else None,
        "categories": s.categories,
        "pickup": s.pickup,
        "free": s.free,
    }


def organization_record(o: Organization) -> hsds.OrganizationRecord:
    return hsds.OrganizationRecord(
        uuid=str(o.uuid),
        name=o.name,
        description=o.description,
        provider_kind=o.provider_kind,
        email=o.email,
        website=o.website,
    )


def service_record(s: Service) -> hsds.ServiceRecord:
    return hsds.ServiceRecord(
        uuid=str(s.uuid),
        name=s.name,
        organization=organization_record(s.organization),
        alternate_name=s.alternate_name,
        description=s.description,
        status=s.status,
        url=s.url,
        email=s.email,
        district_code=s.district.code if s.district else "",
        categories=tuple(s.categories),
        sogo_type=s.sogo_type,
        capacity=s.capacity,
        eligibility_description=s.eligibility_description,
        fees_description=s.fees_description,
        pickup=s.pickup,
        pickup_note=s.pickup_note,
        closed_on_holidays=s.closed_on_holidays,
        closed_year_end=s.closed_year_end,
        locations=tuple(_location_record(at) for at in s.at_locations.all()),
        schedules=tuple(_schedule_record(x) for x in s.schedules.all()),
        contacts=tuple(
            hsds.ContactRecord(
                uuid=str(c.uuid),
                name=c.name,
                title=c.title,
                department=c.department,
                email=c.email,
                phones=tuple(_phone(p) for p in c.phones.all()),
            )
            for c in s.contacts.all()
        ),
        phones=tuple(_phone(p) for p in s.phones.all()),
        cost_options=tuple(
            hsds.CostRecord(
                uuid=str(c.uuid),
                option=c.option,
                amount=c.amount,
                amount_description=c.amount_description,
            )
            for c in s.cost_options.all()
        ),
        areas=tuple(
            hsds.AreaRecord(
                uuid=str(a.uuid),
                name=a.name,
                district_code=a.district.code if a.district else "",
                description=a.description,
            )
            for a in s.service_areas.all()
        ),
    )


def _location_record(at: ServiceAtLocation) -> hsds.LocationRecord:
    loc = at.location
    return hsds.LocationRecord(
        uuid=str(loc.uuid),
        at_uuid=str(at.uuid),
        name=loc.name,
        description=loc.description,
        address_1=loc.address_1,
        city=loc.city,
        state_province=loc.state_province,
        postal_code=loc.postal_code,
        latitude=loc.latitude,
        longitude=loc.longitude,
        district_code=loc.district.code if loc.district else "",
    )


def _schedule_record(x: Schedule) -> hsds.ScheduleRecord:
    return hsds.ScheduleRecord(
        uuid=str(x.uuid),
        kind=x.kind,
        freq=x.freq,
        interval=x.interval,
        byday=x.byday,
        bymonthday=x.bymonthday,
        dtstart=x.dtstart,
        until=x.until,
        count=x.count,
        valid_from=x.valid_from,
        valid_to=x.valid_to,
        opens_at=x.opens_at,
        closes_at=x.closes_at,
        description=x.description,
        notes=x.notes,
    )


def _phone(p: Any) -> hsds.PhoneRecord:
    return hsds.PhoneRecord(
        uuid=str(p.uuid), number=p.number, type=p.type, description=p.description
    )


def services_of(*, municipality: Municipality) -> QuerySet[Service]:
    """A municipality's whole directory, for the commands the operator runs on the server."""
    return (
        Service.objects.filter(municipality=municipality)
        .select_related("district")
        .prefetch_related("schedules")
    )


def district_by_code_or_name(*, municipality: Municipality, text: str) -> District | None:
    return (
        District.objects.filter(municipality=municipality)
        .filter(Q(code=text) | Q(name=text))
        .first()
    )


def municipality_ids_for_user(*, user: Any) -> list[int]:
    """The municipalities whose directory the user reads (the HSDS API serves these)."""
    return list(
        access.visible(user, Cap.RESOURCES_VIEW, Municipality.objects.all()).values_list(
            "pk", flat=True
        )
    )


def hsds_service_page(
    *,
    municipality_ids: list[int],
    page: int,
    per_page: int,
    search: str = "",
    category: str = "",
    organization_id: str = "",
) -> tuple[list[hsds.ServiceRecord], int]:
    """One HSDS page of the municipalities' services (best match first when searching)."""
    base = Service.objects.filter(municipality_id__in=municipality_ids)
    if category:
        base = base.filter(category_codes__contains=f"|{category}|")
    if organization_id:
        base = base.filter(organization__uuid=organization_id)
    qs = service_filter(base, query=search)
    total = qs.count()
    chosen = [s.pk for s in qs[(page - 1) * per_page : page * per_page]]
    by_pk = {s.pk: s for s in _records_qs(Service.objects.filter(pk__in=chosen))}
    return [service_record(by_pk[pk]) for pk in chosen], total


def hsds_service_get(*, municipality_ids: list[int], uuid: str) -> hsds.ServiceRecord | None:
    # An HSDS id is unique per municipality: a prefecture user who sees several gets the
    # first municipality's (by code) that holds it.
    found = (
        _records_qs(Service.objects.filter(municipality_id__in=municipality_ids, uuid=uuid))
        .order_by("municipality__code", "pk")
        .first()
    )
    return service_record(found) if found else None


def hsds_organization_page(
    *, municipality_ids: list[int], page: int, per_page: int
) -> tuple[list[hsds.OrganizationRecord], int]:
    qs = Organization.objects.filter(municipality_id__in=municipality_ids).order_by("id")
    items = [organization_record(o) for o in qs[(page - 1) * per_page : page * per_page]]
    return items, qs.count()


def hsds_organization_get(
    *, municipality_ids: list[int], uuid: str
) -> tuple[hsds.OrganizationRecord, list[tuple[str, str]]] | None:
    org = (
        Organization.objects.filter(municipality_id__in=municipality_ids, uuid=uuid)
        .order_by("municipality__code", "pk")
        .first()
    )
    if org is None:
        return None
    services = [(str(u), n) for u, n in org.services.values_list("uuid", "name")]
    return organization_record(org), services


# --- the directory by hand: what the edit pages read --------------------------------------

EDIT_REFUSED = "この地域資源を変更する権限がありません"
FEE_OPTION = "1回"  # the one cost option a service typed in by hand has


def service_fee(service: Service) -> int | str | None:
    """The fee as the edit form shows it: the amount of the one option (1回), or the
    options as text when there are several (from an HSDS file), or None."""
    options = list(service.cost_options.all())
    if len(options) == 1 and options[0].option in ("", FEE_OPTION):
        return options[0].amount
    shown = [
        f"{c.option} {c.amount}円".strip() if c.amount is not None else c.option for c in options
    ]
    return "、".join(t for t in shown if t) or None


def service_phone(service: Service) -> str:
    """The service's own first phone number ("" when it has none)."""
    first = min(service.phones.all(), key=lambda p: p.pk, default=None)
    return first.number if first else ""


def service_get_for_edit(*, user: Any, service_id: int) -> Service:
    """A service the user may change; a missing id and one out of reach are refused alike."""
    found = (
        access.visible(
            user,
            Cap.RESOURCES_EDIT,
            Service.objects.select_related("organization", "district__life_area"),
            EDIT_REFUSED,
        )
        .prefetch_related("schedules", "phones", "cost_options", "at_locations__location__district")
        .filter(pk=service_id)
        .first()
    )
    if found is None:
        raise access.PermissionDenied(EDIT_REFUSED)
    return found


def schedule_get_for_edit(*, service: Service, schedule_id: int) -> Schedule:
    found = Schedule.objects.filter(service=service, pk=schedule_id).first()
    if found is None:
        raise access.PermissionDenied(EDIT_REFUSED)
    found.service = service
    return found


def location_link_get_for_edit(*, service: Service, link_id: int) -> ServiceAtLocation:
    found = (
        ServiceAtLocation.objects.filter(service=service, pk=link_id)
        .select_related("location")
        .first()
    )
    if found is None:
        raise access.PermissionDenied(EDIT_REFUSED)
    found.service = service
    return found


def organization_editable(*, user: Any, organization: Organization) -> bool:
    """An organization is the municipality's: a user whose reach ends at their areas may
    change it only while all of its services lie there (a new one has none)."""
    if not access.reaches(user, Cap.RESOURCES_EDIT, organization):
        return False
    mine = access.visible(
        user, Cap.RESOURCES_EDIT, Service.objects.filter(organization=organization)
    )
    return not Service.objects.filter(organization=organization).exclude(pk__in=mine).exists()


def organization_get_for_edit(*, user: Any, organization_id: int) -> Organization:
    found = (
        access.visible(user, Cap.RESOURCES_EDIT, Organization.objects.all(), EDIT_REFUSED)
        .filter(pk=organization_id)
        .first()
    )
    if found is None or not organization_editable(user=user, organization=found):
        raise access.PermissionDenied("この提供団体を変更する権限がありません")
    return found


def location_get_for_edit(*, user: Any, location_id: int) -> Location:
    found = (
        access.visible(
            user, Cap.RESOURCES_EDIT, Location.objects.select_related("district"), EDIT_REFUSED
        )
        .filter(pk=location_id)
        .first()
    )
    if found is None:
        raise access.PermissionDenied("この場所を変更する権限がありません")
    return found


def locations_editable(*, user: Any, location_ids: list[int]) -> set[int]:
    """Which of these places the user may change."""
    return set(
        access.visible(
            user, Cap.RESOURCES_EDIT, Location.objects.filter(pk__in=location_ids)
        ).values_list("pk", flat=True)
    )


def organization_choices(*, user: Any) -> QuerySet[Organization]:
    """Any organization of the municipality may provide a service typed in."""
    return access.visible(user, Cap.RESOURCES_EDIT, Organization.objects.order_by("name", "id"))


def location_choices(*, user: Any, service: Service) -> QuerySet[Location]:
    """The municipality's places the service is not yet linked to (any district: a salon
    of 旭 may meet in the next district's hall)."""
    return (
        access.visible(user, Cap.RESOURCES_VIEW, Location.objects.select_related("district"))
        .filter(municipality_id=service.municipality_id)
        .exclude(at_services__service=service)
        .order_by("district__order", "name", "id")
    )


def editable_districts(*, user: Any) -> tuple[QuerySet[District], bool]:
    """The districts the user may put a service or place in, and whether "no district"
    (the whole municipality) is one of the choices."""
    whole = access.scope_of(user, Cap.RESOURCES_EDIT) == Scope.MUNICIPALITY
    return district_list_for_user(user=user, cap=Cap.RESOURCES_EDIT), whole


def _valid_timetable(schedules: list[Schedule], service: Service) -> calendar.Timetable:
    """The service's timetable from the rows the engine accepts (a bad stored row is left
    out of a preview rather than breaking it)."""
    good = []
    for s in schedules:
        try:
            hsds.timetable([s], closed_on_holidays=True, closed_year_end=False)
        except calendar.ScheduleError:
            continue
        good.append(s)
    return hsds.timetable(
        good,
        closed_on_holidays=service.closed_on_holidays,
        closed_year_end=service.closed_year_end,
    )


def schedule_preview(
    *,
    service: Service,
    schedule: Schedule | None,
    values: dict[str, Any] | None,
    start: dt.date | None,
    today: dt.date,
) -> calendar.Preview:
    """The service's calendar with a schedule as typed (``values``, replacing ``schedule``
    when it is a stored one) or as stored (``values`` None).

    The draft is judged as a write would judge it (the model's bounds, then the calendar
    engine): a ValidationError names the field. From ``start``; else a closure from its
    first day, other schedules from today or their first day, whichever is later.
    """
    draft = copy.copy(schedule) if schedule is not None else Schedule(service=service)
    for name, value in (values or {}).items():
        setattr(draft, name, value)
    draft.full_clean(exclude=["service"], validate_unique=False)
    others = [s for s in service.schedules.all() if s.pk != draft.pk]
    base = _valid_timetable(others, service)
    own = hsds.timetable(
        [draft],
        closed_on_holidays=service.closed_on_holidays,
        closed_year_end=service.closed_year_end,
    )
    if start is None:
        first = draft.valid_from or draft.dtstart
        if draft.kind == ScheduleKind.CLOSED and first:
            start = first
        else:
            start = max(today, first) if first else today
    return calendar.preview(base, own, start)
