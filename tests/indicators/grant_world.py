"""A year of records in the test town that can evidence the grant's answers, and their
twins in the year before and in another municipality (国東市), which must never be
proposed or accepted for 萩市's 2024年度."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chiiki.accounts.models import Role
from chiiki.accounts.services import user_create
from chiiki.councils.models import BodyKind, Layer
from chiiki.councils.services import bodies, issues, meetings
from chiiki.mutualaid import services as aid
from chiiki.people.services import volunteer_register
from chiiki.resources import services as directory
from tests.conftest import PASSWORD, make_person

FY = 2024  # 2024-04-01 .. 2025-03-31


@dataclass
class GrantWorld:
    meeting: object
    last_year_meeting: object
    foreign_meeting: object
    issue: object
    resource_from_issue: object
    resource_from_schedule: object
    resource_undated: object
    foreign_resource: object
    aid_service: object
    foreign_aid_service: object
    trained: object
    untrained: object
    trained_last_year: object


def _body(municipality, name, life_area=None):
    return bodies.body_create(
        user=None,
        municipality=municipality,
        layer=Layer.LIFE_AREA if life_area else Layer.MUNICIPALITY,
        kind=BodyKind.SC_COUNCIL,
        name=name,
        founded_on=dt.date(2020, 4, 1),
        life_area=life_area,
    )


def _volunteer(service, district, registered_on, trainings):
    person = make_person(district)
    v = volunteer_register(person=person, registered_on=registered_on)
    return aid.volunteer_profile_save(
        volunteer=v, service=service, skills=["weeding"], trainings=trainings
    )


def _directory(officer, district, foreign_officer, foreign_district, issue):
    org = directory.organization_create(user=officer, name="須佐地区社協", provider_kind="shakyo")
    from_issue = directory.service_create(
        user=officer, organization=org, district=district, name="須佐ごみ出し支援"
    )
    issues.issue_resource_link(
        user=None, issue=issue, service=from_issue, started_on=dt.date(2024, 9, 1)
    )
    from_schedule = directory.service_create(
        user=officer, organization=org, district=district, name="須佐ふれあいサロン"
    )
    directory.schedule_create(
        user=officer,
        service=from_schedule,
        kind="open",
        freq="WEEKLY",
        byday="TU",
        dtstart=dt.date(2024, 7, 2),
        opens_at=dt.time(10),
        closes_at=dt.time(12),
    )
    undated = directory.service_create(
        user=officer, organization=org, district=district, name="須佐の古い集い"
    )
    other_org = directory.organization_create(
        user=foreign_officer, name="朝来社協", provider_kind="shakyo"
    )
    foreign = directory.service_create(
        user=foreign_officer, organization=other_org, district=foreign_district, name="朝来サロン"
    )
    directory.schedule_create(
        user=foreign_officer,
        service=foreign,
        kind="open",
        freq="WEEKLY",
        byday="WE",
        dtstart=dt.date(2024, 7, 3),
        opens_at=dt.time(10),
        closes_at=dt.time(12),
    )
    return from_issue, from_schedule, undated, foreign


def build_grant_world(town, other_town, personas) -> GrantWorld:
    foreign_officer = user_create(
        username="kunisaki-officer",
        password=PASSWORD,
        role=Role.MUNICIPAL,
        municipality=other_town,
    )
    foreign_district = other_town.districts.first()
    body = _body(town.municipality, "北部 地域ささえあい協議体", town.north)
    foreign_body = _body(other_town, "国東市 第1層協議体")
    meeting = meetings.meeting_create(user=None, body=body, held_on=dt.date(2024, 6, 10))
    last = meetings.meeting_create(user=None, body=body, held_on=dt.date(2024, 3, 20))
    foreign = meetings.meeting_create(user=None, body=foreign_body, held_on=dt.date(2024, 6, 10))
    issue = issues.issue_create(
        user=None,
        municipality=town.municipality,
        title="ごみ出しが難しい高齢者世帯",
        status_on=dt.date(2024, 5, 1),
        body=body,
    )
    from_issue, from_schedule, undated, foreign_resource = _directory(
        personas["officer"], town.n1, foreign_officer, foreign_district, issue
    )
    service = aid.service_create(
        municipality=town.municipality,
        district=town.n1,
        name="須佐ちょい加勢",
        started_on=dt.date(2024, 10, 1),
    )
    foreign_service = aid.service_create(
        municipality=other_town,
        district=foreign_district,
        name="朝来ちょい加勢",
        started_on=dt.date(2024, 10, 1),
    )
    return GrantWorld(
        meeting=meeting,
        last_year_meeting=last,
        foreign_meeting=foreign,
        issue=issue,
        resource_from_issue=from_issue,
        resource_from_schedule=from_schedule,
        resource_undated=undated,
        foreign_resource=foreign_resource,
        aid_service=service,
        foreign_aid_service=foreign_service,
        trained=_volunteer(service, town.n1, dt.date(2024, 5, 20), ["認知症サポーター養成講座"]),
        untrained=_volunteer(service, town.n1, dt.date(2024, 6, 1), []),
        trained_last_year=_volunteer(service, town.n2, dt.date(2023, 5, 1), ["傾聴研修"]),
    )
