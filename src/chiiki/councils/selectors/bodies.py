"""Reads for bodies: every staff member of the municipality sees its bodies; coverage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.areas.models import District
from chiiki.councils.models import Body, Layer, Membership

REFUSED = "この協議体を閲覧する権限がありません"


def body_list_for_user(
    *, user: Any, layer: int | None = None, kind: str = "", on: dt.date | None = None
) -> QuerySet[Body]:
    """The municipality's bodies (optionally one layer, one kind, those active ``on``)."""
    qs = access.visible(
        user,
        Cap.COUNCILS_VIEW,
        Body.objects.select_related("life_area", "district", "coordinator").annotate(
            members=Count("memberships", filter=Q(memberships__ended_on__isnull=True))
        ),
        REFUSED,
    )
    if layer is not None:
        qs = qs.filter(layer=layer)
    if kind:
        qs = qs.filter(kind=kind)
    if on is not None:
        qs = qs.filter(founded_on__lte=on).filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on)
        )
    return qs


def body_get_for_user(*, user: Any, body_id: int, cap: Cap = Cap.COUNCILS_VIEW) -> Body:
    """One body with its members (current first, then past ones: the body's history)."""
    found = (
        access.visible(
            user,
            cap,
            Body.objects.select_related("life_area", "district", "coordinator", "municipality"),
            REFUSED,
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.order_by("ended_on", "organisation_kind", "name"),
            )
        )
        .filter(pk=body_id)
        .first()
    )
    if found is None:
        raise access.PermissionDenied(REFUSED)
    return found


def membership_get_for_user(*, user: Any, membership_id: int) -> Membership:
    found = (
        access.visible(
            user, Cap.COUNCILS_MANAGE, Membership.objects.select_related("body"), REFUSED
        )
        .filter(pk=membership_id)
        .first()
    )
    if found is None:
        raise access.PermissionDenied(REFUSED)
    return found


@dataclass(frozen=True)
class CoverageRow:
    district: District
    life_area_body: Body | None  # 第2層 of the district's life area
    district_body: Body | None  # 第3層 of the district
    since: dt.date | None  # when the district first had a body of either layer


@dataclass(frozen=True)
class Coverage:
    on: dt.date
    rows: list[CoverageRow]
    years: list[int]
    by_year: dict[int, int]  # districts with a body, at the end of each year

    @property
    def covered(self) -> int:
        return sum(1 for r in self.rows if r.life_area_body or r.district_body)


def coverage_for_user(*, user: Any, on: dt.date, since_year: int | None = None) -> Coverage:
    """Which districts have a body of each layer on ``on``, since when, and how many had
    one at the end of each year (高松市: 「44地区中39地区」)."""
    access.require(user, Cap.COUNCILS_VIEW, REFUSED)
    districts = list(
        access.visible(
            user,
            Cap.COUNCILS_VIEW,
            District.objects.select_related("life_area").order_by(
                "life_area__order", "order", "code"
            ),
        )
    )
    bodies = list(
        access.visible(
            user,
            Cap.COUNCILS_VIEW,
            Body.objects.filter(layer__in=[Layer.LIFE_AREA, Layer.DISTRICT]),
        )
    )

    def active(b: Body, day: dt.date) -> bool:
        return b.founded_on <= day and (b.dissolved_on is None or b.dissolved_on > day)

    def first(found: list[Body]) -> Body | None:
        return min(found, key=lambda b: (b.founded_on, b.pk)) if found else None

    rows = []
    for d in districts:
        second = [
            b for b in bodies if b.layer == Layer.LIFE_AREA and b.life_area_id == d.life_area_id
        ]
        third = [b for b in bodies if b.layer == Layer.DISTRICT and b.district_id == d.pk]
        starts = [b.founded_on for b in second + third]
        rows.append(
            CoverageRow(
                district=d,
                life_area_body=first([b for b in second if active(b, on)]),
                district_body=first([b for b in third if active(b, on)]),
                since=min(starts) if starts else None,
            )
        )
    first_year = since_year or min((b.founded_on.year for b in bodies), default=on.year)
    years = list(range(first_year, on.year + 1))
    by_year = {}
    for year in years:
        end = min(dt.date(year, 12, 31), on)
        by_year[year] = sum(
            1
            for d in districts
            if any(
                active(b, end)
                and (
                    (b.layer == Layer.LIFE_AREA and b.life_area_id == d.life_area_id)
                    or b.district_id == d.pk
                )
                for b in bodies
            )
        )
    return Coverage(on=on, rows=rows, years=years, by_year=by_year)


def body_districts(body: Body) -> list[District]:
    """The districts of the body's area, where its group work happens: a 第3層 body's
    district, a 第2層 body's life area's districts, every district for 第1層."""
    qs = District.objects.select_related("life_area").order_by("life_area__order", "order", "code")
    if body.layer == Layer.DISTRICT:
        return list(qs.filter(pk=body.district_id)) if body.district_id is not None else []
    if body.layer == Layer.LIFE_AREA:
        return list(qs.filter(life_area_id=body.life_area_id))
    return list(qs.filter(municipality_id=body.municipality_id))
