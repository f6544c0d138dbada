"""Reads for areas: what a user may see, with the derived population figures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet, Sum

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.areas.models import District, LifeArea, Municipality, PopulationRecord
from chiiki.areas.population import PopulationSummary, summarize

if TYPE_CHECKING:
    from chiiki.accounts.models import User


def municipality_list_for_user(
    *, user: User, cap: Cap = Cap.DASHBOARD_VIEW
) -> QuerySet[Municipality]:
    """The municipalities the user sees figures of: their own, or their prefecture's."""
    return access.visible(user, cap, Municipality.objects.select_related("prefecture"))


def municipality_get_for_user(
    *, user: User, municipality_id: int | None = None, cap: Cap = Cap.DASHBOARD_VIEW
) -> Municipality:
    qs = municipality_list_for_user(user=user, cap=cap)
    if municipality_id is not None:
        qs = qs.filter(pk=municipality_id)
    found = qs.order_by("code").first()
    if found is None:
        raise access.PermissionDenied("この市町村を閲覧する権限がありません")
    return found


def district_list_for_user(*, user: User, cap: Cap = Cap.DASHBOARD_VIEW) -> QuerySet[District]:
    """The districts the user reaches with ``cap``, in the order of the municipality's tree
    (e.g. ``Cap.PEOPLE_EDIT``: the districts a nurse may register people in)."""
    return access.visible(
        user,
        cap,
        District.objects.select_related("life_area", "municipality").order_by(
            "municipality__code", "life_area__order", "life_area__code", "order", "code"
        ),
    )


def life_area_list_for_user(*, user: User, cap: Cap = Cap.DASHBOARD_VIEW) -> QuerySet[LifeArea]:
    """The life areas the user reaches with ``cap``, in the municipality's order."""
    return access.visible(
        user, cap, LifeArea.objects.order_by("municipality__code", "order", "code")
    )


def municipality_by_code(*, code: str | None) -> Municipality | None:
    """For commands run on the server: the municipality of a code, or the only one there is
    when no code is given (None when there is none, or several)."""
    qs = Municipality.objects.select_related("prefecture")
    if code:
        return qs.filter(code=code).first()
    found = list(qs[:2])
    return found[0] if len(found) == 1 else None


def area_tree_counts(*, municipality: Municipality) -> dict[str, int]:
    """How many life areas, districts and address areas the municipality has stored."""
    return {
        "life_areas": municipality.life_areas.count(),
        "districts": municipality.districts.count(),
        "address_areas": municipality.address_areas.count(),
    }


def population_dates(*, municipality: Municipality) -> list[dt.date]:
    return list(
        PopulationRecord.objects.filter(municipality=municipality)
        .order_by("-date")
        .values_list("date", flat=True)
        .distinct()
    )


@dataclass
class AreaRow:
    area: LifeArea | District
    summary: PopulationSummary
    districts: list[AreaRow] = field(default_factory=list)


@dataclass
class MunicipalityOverview:
    municipality: Municipality
    date: dt.date | None
    summary: PopulationSummary
    life_areas: list[AreaRow]
    dates: list[dt.date]


def municipality_overview(
    *, municipality: Municipality, date: dt.date | None = None
) -> MunicipalityOverview:
    """The municipality, its life areas and districts, each with population and aging rates.

    Three queries whatever the size: districts, population cells grouped by district and
    band, and the list of dates. Municipality totals are the sum of the district rows when
    there are any, else the municipality-level rows.
    """
    dates = population_dates(municipality=municipality)
    if date is None and dates:
        date = dates[0]
    districts = list(
        # Population figures are public statistics: every user of the municipality sees all
        # its areas here, whatever areas their person records are limited to.
        District.objects.filter(municipality=municipality)
        .select_related("life_area")
        .order_by("life_area__order", "life_area__code", "order", "code")
    )
    cells: dict[int | None, list[tuple[int, int]]] = defaultdict(list)
    if date is not None:
        for row in (
            PopulationRecord.objects.filter(municipality=municipality, date=date)
            .values("district_id", "age_from")
            .annotate(n=Sum("count"))
        ):
            cells[row["district_id"]].append((row["age_from"], row["n"]))
    by_life_area: dict[int, AreaRow] = {}
    for district in districts:
        la = district.life_area
        if la.pk not in by_life_area:
            by_life_area[la.pk] = AreaRow(area=la, summary=summarize(date, []))
        by_life_area[la.pk].districts.append(
            AreaRow(area=district, summary=summarize(date, cells.get(district.pk, [])))
        )
    for area_row in by_life_area.values():
        area_row.summary = summarize(
            date, [c for d in area_row.districts for c in cells.get(d.area.pk, [])]
        )
    district_cells = [c for k, v in cells.items() if k is not None for c in v]
    any_district_rows = any(k is not None for k in cells)
    total = summarize(date, district_cells if any_district_rows else cells.get(None, []))
    return MunicipalityOverview(
        municipality=municipality,
        date=date,
        summary=total,
        life_areas=list(by_life_area.values()),
        dates=dates,
    )
