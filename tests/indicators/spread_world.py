"""A small town's structures over the years, built through the apps' services: 協議体 in
councils, a ちょい加勢 in mutual aid, gathering places in the resource directory."""

from __future__ import annotations

import datetime as dt

from chiiki.councils.models import BodyKind, Layer
from chiiki.councils.services import bodies as body_services
from chiiki.mutualaid import services as aid_services
from chiiki.mutualaid.models import Service as AidService
from chiiki.resources import services as directory
from tests.mutualaid.conftest import build_aid

ON = dt.date(2021, 9, 1)  # in 2021年度
TEN, NOON = dt.time(10, 0), dt.time(12, 0)


def build_councils(town, officer) -> None:
    """北部 (第2層) from 2017-04: 須佐 and 田万川; 須佐 (第3層) 2018-01; 旭 (第3層) 2019-06;
    福栄 (第3層) 2018-05 until it was dissolved on 2020-04-01; a 第1層 body, not counted."""
    make = body_services.body_create
    m = town.municipality
    make(
        user=None,
        municipality=m,
        layer=Layer.MUNICIPALITY,
        kind=BodyKind.CARE_PROMOTION,
        name="萩市地域ケア推進会議",
        founded_on=dt.date(2016, 4, 1),
    )
    make(
        user=None,
        municipality=m,
        layer=Layer.LIFE_AREA,
        kind=BodyKind.SC_COUNCIL,
        name="北部ささえあい推進協議体",
        founded_on=dt.date(2017, 4, 1),
        life_area=town.north,
    )
    make(
        user=None,
        municipality=m,
        layer=Layer.DISTRICT,
        kind=BodyKind.SC_COUNCIL,
        name="須佐地域ささえあい協議体",
        founded_on=dt.date(2018, 1, 10),
        district=town.n1,
    )
    make(
        user=None,
        municipality=m,
        layer=Layer.DISTRICT,
        kind=BodyKind.WELFARE_NETWORK,
        name="旭地域福祉ネットワーク会議",
        founded_on=dt.date(2019, 6, 1),
        district=town.s1,
    )
    fukue = make(
        user=None,
        municipality=m,
        layer=Layer.DISTRICT,
        kind=BodyKind.SC_COUNCIL,
        name="福栄地域ささえあい協議体",
        founded_on=dt.date(2018, 5, 1),
        district=town.s2,
    )
    body_services.body_update(user=officer, body=fukue, dissolved_on=dt.date(2020, 4, 1))


def build_mutualaid(town, personas):
    """旭ちょい加勢 (旭, 2019-04-01) whose volunteers work in 旭 and 福栄; 田万川支援隊 started
    2020-04 and has stopped (運営中でない, no end date)."""
    aid = build_aid(town, personas)
    stopped = aid_services.service_create(
        municipality=town.municipality,
        district=town.n2,
        name="田万川支援隊",
        started_on=dt.date(2020, 4, 1),
    )
    # No service ends a mutual-aid service: the flag is all the records hold.
    AidService.objects.filter(pk=stopped.pk).update(active=False)
    return aid


def build_kayoi(town, officer) -> dict[str, object]:
    """須佐: weekly since 2018-10; 田万川: weekly, no start date; 旭: twice a month (not
    weekly); 福栄: weekly 2019-04 to 2021-03-31 (ended); a place with no district; a closed
    one with no end date; a weekly 体操 that is not a gathering place."""
    org = directory.organization_create(user=officer, name="萩市社協", provider_kind="shakyo")

    def place(name, district, schedules, categories=("kayoi",), status="active"):
        s = directory.service_create(
            user=officer,
            organization=org,
            name=name,
            district=district,
            categories=list(categories),
        )
        if status != "active":
            s = directory.service_update(user=officer, service=s, status=status)
        for fields in schedules:
            directory.schedule_create(
                user=officer, service=s, kind="open", opens_at=TEN, closes_at=NOON, **fields
            )
        return s

    weekly = {"freq": "WEEKLY", "interval": 1, "byday": "TU"}
    return {
        "susa": place("須佐ふれあいサロン", town.n1, [{**weekly, "dtstart": dt.date(2018, 10, 2)}]),
        "tamagawa": place("田万川いきいきサロン", town.n2, [weekly]),
        "asahi": place(
            "旭おしゃべり会",
            town.s1,
            [
                {
                    "freq": "MONTHLY",
                    "interval": 1,
                    "byday": "2TU,4TU",
                    "dtstart": dt.date(2018, 4, 10),
                }
            ],
        ),
        "fukue": place(
            "福栄体操の会",
            town.s2,
            [{**weekly, "dtstart": dt.date(2019, 4, 2), "until": dt.date(2021, 3, 30)}],
        ),
        "nowhere": place("出張サロン", None, [{**weekly, "dtstart": dt.date(2019, 4, 2)}]),
        "closed": place(
            "旧須佐サロン", town.n1, [{**weekly, "dtstart": dt.date(2016, 4, 5)}], status="defunct"
        ),
        "taiso": place(
            "旭いきいき体操",
            town.s1,
            [{**weekly, "dtstart": dt.date(2017, 4, 4)}],
            categories=("taiso",),
        ),
    }


def build_town(town, personas):
    officer = personas["officer"]
    build_councils(town, officer)
    aid = build_mutualaid(town, personas)
    places = build_kayoi(town, officer)
    return aid, places
