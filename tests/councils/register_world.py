"""A small register on the test town, built through the lead services: an issue of 旭
carried to 資源開発 with evidence and a transport service, one of 北部 still 把握, and a
body of each layer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chiiki.accounts.models import Role
from chiiki.accounts.services import user_create
from chiiki.councils.models import Body, BodyKind, Layer, RegionalIssue
from chiiki.councils.services import bodies as body_services
from chiiki.councils.services import issues as issue_services
from chiiki.resources.models import Organization, Service


@dataclass
class Register:
    south_body: Body
    north_body: Body
    moving: RegionalIssue
    found: RegionalIssue
    service: Service


def build_register(town) -> Register:
    m = town.municipality
    # The register's services refuse user=None for now (RegionalIssue.created_by is not
    # blank=True): the register is kept by a named clerk.
    clerk = user_create(
        username="register-clerk", password="x-pass-123", role=Role.MUNICIPAL, municipality=m
    )
    north_body = body_services.body_create(
        user=None,
        municipality=m,
        layer=Layer.LIFE_AREA,
        kind=BodyKind.SC_COUNCIL,
        name="北部 地域ささえあい協議体",
        life_area=town.north,
        founded_on=dt.date(2019, 4, 1),
    )
    body_services.membership_add(
        user=None,
        body=north_body,
        name="山田 一郎",
        organisation_kind="neighbourhood",
        started_on=dt.date(2019, 4, 1),
        role="会長",
    )
    south_body = body_services.body_create(
        user=None,
        municipality=m,
        layer=Layer.DISTRICT,
        kind=BodyKind.SC_COUNCIL,
        name="旭 ささえあい協議体",
        district=town.s1,
        founded_on=dt.date(2020, 4, 1),
    )
    moving = issue_services.issue_create(
        user=clerk,
        municipality=m,
        title="通院・買い物の移動手段がない",
        tags=["mobility", "shopping"],
        district=town.s1,
        body=south_body,
        status_on=dt.date(2021, 5, 1),
    )
    for step, on in (("discussing", (2021, 7, 1)), ("decided", (2021, 10, 1))):
        moving = issue_services.issue_move(user=clerk, issue=moving, to=step, on=dt.date(*on))
    moving = issue_services.issue_move(
        user=clerk, issue=moving, to="developing", on=dt.date(2022, 2, 1)
    )
    issue_services.issue_evidence_add(
        user=clerk,
        issue=moving,
        kind="survey_figure",
        title="外出を控えている人の割合",
        on=dt.date(2021, 5, 1),
        snapshot={"rate": "0.31", "low": "0.27", "high": "0.35"},
    )
    issue_services.issue_evidence_add(
        user=clerk,
        issue=moving,
        kind="member_report",
        title="民生委員からの報告",
        on=dt.date(2021, 6, 1),
    )
    org = Organization.objects.create(municipality=m, name="旭地区社協", provider_kind="shakyo")
    service = Service.objects.create(
        municipality=m, organization=org, district=town.s1, name="旭 おでかけ送迎"
    )
    issue_services.issue_resource_link(
        user=clerk, issue=moving, service=service, started_on=dt.date(2022, 4, 1)
    )
    found = issue_services.issue_create(
        user=clerk,
        municipality=m,
        title="=1+1 独居の方の見守り",
        tags=["isolation"],
        life_area=town.north,
        status_on=dt.date(2023, 1, 10),
    )
    return Register(south_body, north_body, moving, found, service)
