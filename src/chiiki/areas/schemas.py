from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class MunicipalityOut(Schema):
    id: int
    code: str
    name: str
    prefecture: str


class MunicipalityPage(Schema):
    items: list[MunicipalityOut]
    count: int
    # The next page's number (`page` + 1), or null on the last page.
    next: int | None = None


class LifeAreaOut(Schema):
    id: int
    code: str
    name: str


class DistrictOut(Schema):
    id: int
    code: str
    name: str
    kana: str
    life_area_id: int
    life_area: str
    municipality_id: int


class DistrictPage(Schema):
    items: list[DistrictOut]
    count: int
    # The next page's number (`page` + 1), or null on the last page.
    next: int | None = None


class PopulationFigures(Schema):
    total: int
    aged_65: int
    aged_75: int
    aging_rate: Decimal | None
    late_aging_rate: Decimal | None
    by_band: dict[int, int]


class AreaPopulation(Schema):
    kind: str  # "life_area" or "district"
    id: int
    name: str
    life_area_id: int | None
    figures: PopulationFigures


class PopulationOut(Schema):
    municipality: MunicipalityOut
    date: dt.date | None
    sentence: str
    figures: PopulationFigures
    areas: list[AreaPopulation]
    dates: list[dt.date]
