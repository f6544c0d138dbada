from __future__ import annotations

from typing import Any

from ninja import Router

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.areas import selectors
from chiiki.areas.models import District, Municipality
from chiiki.areas.population import PopulationSummary
from chiiki.areas.schemas import (
    AreaPopulation,
    DistrictOut,
    DistrictPage,
    MunicipalityOut,
    MunicipalityPage,
    PopulationFigures,
    PopulationOut,
)
from chiiki.core.paging import api_page
from chiiki.core.params import ApiDate, ApiId, ApiPage, ApiPageSize

router = Router(tags=["areas"])


def _municipality(m: Municipality) -> MunicipalityOut:
    return MunicipalityOut(id=m.pk, code=m.code, name=m.name, prefecture=m.prefecture.name)


def _figures(s: PopulationSummary) -> PopulationFigures:
    return PopulationFigures(
        total=s.total,
        aged_65=s.aged_65,
        aged_75=s.aged_75,
        aging_rate=s.aging_rate,
        late_aging_rate=s.late_aging_rate,
        by_band=dict(s.by_band),
    )


@router.get("/municipalities", response=MunicipalityPage)
def municipality_list(
    request: AuthedRequest, page: ApiPage = 1, page_size: ApiPageSize = 50
) -> Any:
    found = list(selectors.municipality_list_for_user(user=request.user).order_by("code"))
    return api_page(found, page=page, size=page_size, out=_municipality)


@router.get("/districts", response=DistrictPage)
def district_list(request: AuthedRequest, page: ApiPage = 1, page_size: ApiPageSize = 100) -> Any:
    # The districts the caller works in: their areas, or the prefecture's for a viewer.
    cap = Cap.PEOPLE_LIST if access.can(request.user, Cap.PEOPLE_LIST) else Cap.DASHBOARD_VIEW
    districts: list[District] = list(selectors.district_list_for_user(user=request.user, cap=cap))
    return api_page(
        districts,
        page=page,
        size=page_size,
        out=lambda d: DistrictOut(
            id=d.pk,
            code=d.code,
            name=d.name,
            kana=d.kana,
            life_area_id=d.life_area_id,
            life_area=d.life_area.name,
            municipality_id=d.municipality_id,
        ),
    )


@router.get("/population", response=PopulationOut)
def population(
    request: AuthedRequest, municipality_id: ApiId | None = None, date: ApiDate | None = None
) -> Any:
    """Population and aging rates of a municipality, its life areas and districts at a date
    (the latest when none is given)."""
    municipality = selectors.municipality_get_for_user(
        user=request.user, municipality_id=municipality_id
    )
    o = selectors.municipality_overview(municipality=municipality, date=date)
    areas: list[AreaPopulation] = []
    for la in o.life_areas:
        areas.append(
            AreaPopulation(
                kind="life_area",
                id=la.area.pk,
                name=la.area.name,
                life_area_id=None,
                figures=_figures(la.summary),
            )
        )
        for d in la.districts:
            areas.append(
                AreaPopulation(
                    kind="district",
                    id=d.area.pk,
                    name=d.area.name,
                    life_area_id=la.area.pk,
                    figures=_figures(d.summary),
                )
            )
    return PopulationOut(
        municipality=_municipality(municipality),
        date=o.date,
        sentence=o.summary.sentence(),
        figures=_figures(o.summary),
        areas=areas,
        dates=o.dates,
    )
