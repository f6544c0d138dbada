from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from chiiki.areas import selectors
from chiiki.areas.models import District, Municipality
from chiiki.areas.population import PopulationSummary
from chiiki.areas.schemas import (
    AreaPopulation,
    DistrictOut,
    MunicipalityOut,
    PopulationFigures,
    PopulationOut,
)

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


@router.get("/municipalities", response=list[MunicipalityOut])
@paginate(PageNumberPagination, page_size=50)
def municipality_list(request: HttpRequest) -> Any:
    return [_municipality(m) for m in selectors.municipality_list_for_user(user=request.user)]


@router.get("/districts", response=list[DistrictOut])
@paginate(PageNumberPagination, page_size=100)
def district_list(request: HttpRequest) -> Any:
    districts: list[District] = list(selectors.district_list_for_user(user=request.user))
    return [
        DistrictOut(
            id=d.pk,
            code=d.code,
            name=d.name,
            kana=d.kana,
            life_area_id=d.life_area_id,
            life_area=d.life_area.name,
            municipality_id=d.municipality_id,
        )
        for d in districts
    ]


@router.get("/population", response=PopulationOut)
def population(
    request: HttpRequest, municipality_id: int | None = None, date: dt.date | None = None
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
