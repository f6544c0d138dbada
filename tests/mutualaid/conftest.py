"""A ちょい加勢 service in 旭 (南部) with three volunteers, built through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from chiiki.mutualaid import services
from chiiki.mutualaid.models import Service
from chiiki.people.models import Person, Volunteer
from chiiki.people.services import volunteer_register
from tests.conftest import make_person

WEEK = dt.date(2019, 6, 3)  # a Monday


@dataclass
class Aid:
    service: Service
    hanako: Volunteer  # the volunteer persona's own record (旭), a mower and a car
    jiro: Volunteer  # 福栄, weeding and rubbish only
    resident: Person  # a resident of 旭
    north_resident: Person  # a resident of 須佐 (北部)


@pytest.fixture
def aid(town, personas) -> Aid:
    return build_aid(town, personas)


def build_aid(town, personas) -> Aid:
    town.s1.neighbours.add(town.s2)
    service = services.service_create(
        municipality=town.municipality,
        district=town.s1,
        name="旭ちょい加勢",
        started_on=dt.date(2019, 4, 1),
    )
    hanako = volunteer_register(
        person=personas["volunteer"].person, registered_on=dt.date(2019, 4, 1)
    )
    services.volunteer_profile_save(
        volunteer=hanako,
        service=service,
        skills=["weeding", "mowing", "shopping"],
        tools=["mower", "car"],
        districts=[town.s1, town.s2],
        availability=[0, 1, 2, 3],
        max_jobs_per_week=2,
        trainings=["傾聴研修"],
    )
    jiro = volunteer_register(
        person=make_person(
            town.s2,
            family_name="福田",
            given_name="次郎",
            family_kana="フクダ",
            given_kana="ジロウ",
        ),
        registered_on=dt.date(2019, 5, 1),
    )
    services.volunteer_profile_save(
        volunteer=jiro,
        service=service,
        skills=["weeding", "rubbish"],
        districts=[town.s1, town.s2],
        availability=[0, 2, 4],
        max_jobs_per_week=3,
    )
    resident = make_person(
        town.s1,
        family_name="山本",
        given_name="ハル",
        family_kana="ヤマモト",
        given_kana="ハル",
        phone="0838-55-1234",
        care_level="support_1",
    )
    north = make_person(
        town.n1, family_name="北村", given_name="一", family_kana="キタムラ", given_kana="ハジメ"
    )
    return Aid(service, hanako, jiro, resident, north)


def new_request(aid: Aid, user, *, task="mowing", slots=(0,), person=None, minutes=30):
    return services.request_create(
        user=user,
        service=aid.service,
        person=person or aid.resident,
        task=task,
        week=WEEK,
        preferred_slots=list(slots),
        estimated_minutes=minutes,
    )
