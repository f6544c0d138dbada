"""A town's bodies and register, built through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from chiiki.councils.models import BodyKind, Layer
from chiiki.councils.services import bodies as body_services


@pytest.fixture
def bodies(town, personas):
    """第1層, 第2層 北部 and 第3層 須佐 (the nurse's area) and 旭 (the coordinator's)."""
    make = body_services.body_create
    return {
        "town": make(
            user=None,
            municipality=town.municipality,
            layer=Layer.MUNICIPALITY,
            kind=BodyKind.CARE_PROMOTION,
            name="萩市地域ケア推進会議",
            founded_on=dt.date(2016, 4, 1),
        ),
        "north": make(
            user=None,
            municipality=town.municipality,
            layer=Layer.LIFE_AREA,
            kind=BodyKind.SC_COUNCIL,
            name="北部ささえあい推進協議体",
            founded_on=dt.date(2017, 4, 1),
            life_area=town.north,
        ),
        "susa": make(
            user=None,
            municipality=town.municipality,
            layer=Layer.DISTRICT,
            kind=BodyKind.SC_COUNCIL,
            name="須佐地域ささえあい協議体",
            founded_on=dt.date(2018, 1, 10),
            district=town.n1,
        ),
        "asahi": make(
            user=None,
            municipality=town.municipality,
            layer=Layer.DISTRICT,
            kind=BodyKind.WELFARE_NETWORK,
            name="旭地域福祉ネットワーク会議",
            founded_on=dt.date(2019, 6, 1),
            district=town.s1,
        ),
    }
