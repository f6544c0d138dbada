"""Every URL pattern, for every persona, with hostile values: never a 5xx.

A town with a record of every kind is built (and a second municipality with its own); then
for each persona each route is opened with its own records' ids, the other municipality's
and ids that exist nowhere. Each request first runs with plain values and records which
query and form parameters the view reads; each of those is then sent alone with every
hostile value, by GET and, where the route takes it, by POST.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver

from chiiki.accounts.services import api_token_create, user_create
from chiiki.casemeetings import services as cm_services
from chiiki.councils.models import BodyKind, Layer
from chiiki.councils.services import bodies as council_bodies
from chiiki.councils.services import issues as council_issues
from chiiki.councils.services import meetings as meeting_services
from chiiki.councils.services import questionnaires as questionnaire_services
from chiiki.councils.services import watch as council_watch
from chiiki.councils.services.bodies import body_create
from chiiki.mutualaid import services as aid_services
from chiiki.resources import demo as resources_demo
from chiiki.resources.models import Location, Schedule, ServiceAtLocation
from chiiki.resources.models import Service as ResourceService
from chiiki.surveys import services as survey_services
from tests.casemeetings.world import build_cases, foreign_case
from tests.conftest import make_person
from tests.councils.meeting_world import build_bodies
from tests.councils.questionnaire_helpers import csv_bytes, life_area_body, questionnaire_for, rows
from tests.councils.watch_world import build_watch
from tests.mutualaid.conftest import WEEK, build_aid, new_request
from tests.surveys.conftest import needs_csv, needs_rows

# One value per class of fault: a digit int() reads but the database does not, zero, a
# date past any range and one before it, an integer past 64 bits, a NUL, and a long
# non-number (which also stands for any other text where a number is expected).
HOSTILE = [
    "²",
    "0",
    "9999-12-31",
    "0417-02-27",
    "12345678901234567890",
    "\x00",
    "x" * 300,
]
# On PostgreSQL only the values whose answer can depend on the database (its ranges, its
# integer width, NUL, a varchar's length), sent as the administrator to every key of every
# route; "²" and "0" fail or pass in Python alike.
HOSTILE_PG = HOSTILE[2:]
NOWHERE = 987654321
SKIP = re.compile(r"^(admin/|logout/|i18n/|api/docs)")
PERSONAS = [
    "admin",
    "officer",
    "nurse",
    "coordinator",
    "volunteer",
    "pref",
    "advisor",
    "outsider",
]
# Parsing does not depend on the role once a route is reached: the hostile values are sent
# as the personas that reach the most branches (the whole municipality, one life area, a
# volunteer, a prefecture); the others try every route with each kind of id.
HOSTILE_PERSONAS = {"admin", "nurse", "volunteer", "pref"}
# The nurse reaches a subset of the administrator's routes, and her scope changes only the
# branches that name an area or a resident: she sends the hostile values to those keys
# alone (the administrator sends them to every key), which keeps CI within its time.
SCOPED_KEY = re.compile(r"district|area|municipality|person|resident|member|case")


@dataclass
class World:
    own: dict[str, object]
    foreign: dict[str, object]


def build_world(town, personas, other_town) -> World:
    aid = build_aid(town, personas)
    req = new_request(aid, personas["officer"])
    aid_services.proposal_change(
        user=personas["officer"], request_id=req.pk, volunteer=aid.hanako, slot=0
    )
    aid_services.proposal_confirm(user=personas["officer"], request_id=req.pk)
    aid_services.request_done(
        user=personas["officer"], request_id=req.pk, actual_minutes=30, done_on=WEEK
    )
    survey = survey_services.survey_create(
        user=personas["officer"],
        municipality=town.municipality,
        name="ニーズ調査",
        fiscal_year=2025,
        mailed_on=dt.date(2025, 11, 1),
    )
    data = needs_csv(needs_rows(30, ["須佐", "田万川", "旭", "福栄"]))
    assert survey_services.survey_import(
        user=personas["officer"], survey=survey, data=data, filename="a.csv"
    ).ok
    north = make_person(town.n1, birth_date=dt.date(1945, 1, 1))
    survey_services.mailing_from_register(survey=survey, on=dt.date(2025, 11, 1))
    screening = survey_services.screening_create(
        user=None,
        person=north,
        answers_by_item={"q16": 1},
        height_cm=None,
        weight_kg=None,
        screened_on=dt.date(2025, 6, 1),
    )
    resources_demo.build(town.municipality, 2018)
    service = ResourceService.objects.filter(municipality=town.municipality).first()
    entry = survey.mailing.first()
    respondent = survey.respondents.first()
    staff = user_create(
        username="fuzz-staff",
        password="x-pass-123",
        role="municipal",
        municipality=town.municipality,
    )

    their_person = make_person(other_town.districts.first())
    their_survey = survey_services.survey_create(
        user=None, municipality=other_town, name="国東 調査", fiscal_year=2025
    )
    their_service = ResourceService.objects.create(
        municipality=other_town,
        organization=service.organization.__class__.objects.create(
            municipality=other_town, name="国東の団体"
        ),
        name="国東のサロン",
    )
    their_schedule = Schedule.objects.create(
        service=their_service, kind="closed", valid_from=dt.date(2025, 1, 2)
    )
    their_link = ServiceAtLocation.objects.create(
        service=their_service,
        location=Location.objects.create(municipality=other_town, name="国東の公民館"),
    )
    link = ServiceAtLocation.objects.filter(
        service__municipality=town.municipality, service__schedules__isnull=False
    ).first()
    schedule = Schedule.objects.filter(service=link.service).first()
    bodies = build_bodies(town)
    meeting = meeting_services.meeting_create(
        user=None, body=bodies.north, held_on=dt.date(2019, 5, 21), agenda="移動支援について"
    )
    meeting_services.attendance_set(
        user=None,
        meeting=meeting,
        membership_ids=[bodies.members["chair"].pk],
        guests=[("木村 さくら", "社会福祉協議会")],
    )
    decision = meeting_services.decision_add(
        user=None, meeting=meeting, text="相談する", owner="事務局", due_on=dt.date(2019, 7, 1)
    )
    meeting_services.groupwork_save(
        user=None, meeting=meeting, entries={town.n1.pk: ("海がきれい", "店が遠い")}
    )
    their_body = body_create(
        user=None,
        municipality=other_town,
        layer=Layer.MUNICIPALITY,
        kind=BodyKind.CARE_PROMOTION,
        name="国東市地域ケア推進会議",
        founded_on=dt.date(2018, 4, 1),
    )
    their_meeting = meeting_services.meeting_create(
        user=None, body=their_body, held_on=dt.date(2019, 5, 21)
    )
    their_decision = meeting_services.decision_add(
        user=None, meeting=their_meeting, text="相談する", owner="事務局"
    )
    questionnaire = questionnaire_for(bodies.north)
    assert questionnaire_services.questionnaire_import(
        user=None,
        questionnaire=questionnaire,
        data=csv_bytes(rows(30, ["須佐", "田万川"])),
        filename="q.csv",
    ).ok
    their_questionnaire = questionnaire_for(
        life_area_body(other_town, other_town.life_areas.first())
    )
    watch = build_watch(town)
    issue = council_issues.issue_create(
        user=personas["officer"],
        municipality=town.municipality,
        title="移動手段がない",
        tags=["mobility"],
        district=town.s1,
        status_on=dt.date(2025, 4, 1),
    )
    their_watch = council_bodies.body_create(
        user=None,
        municipality=other_town,
        layer=Layer.MUNICIPALITY,
        kind=BodyKind.WATCH_NETWORK,
        name="国東 見守り",
        founded_on=dt.date(2024, 4, 1),
    )
    their_watch_meeting = council_watch.watch_meeting_create(
        user=None, body=their_watch, held_on=dt.date(2025, 5, 1)
    )
    their_case = council_watch.watch_case_create(
        user=None,
        meeting=their_watch_meeting,
        household="国東の世帯",
        concern="気になる",
        person=their_person,
    )
    their_issue = council_issues.issue_create(
        user=personas["outsider"],
        municipality=other_town,
        title="国東の課題",
        life_area=other_town.life_areas.first(),
        status_on=dt.date(2025, 4, 1),
    )
    cases = build_cases(town, personas)
    task = cm_services.task_add(
        user=None,
        review=cases.review,
        kind="informal",
        text="サロンの見学",
        role="coordinator",
        owner="SC",
        due_on=dt.date(2025, 6, 1),
        target="見学する",
    )
    their_cases = foreign_case(other_town)
    own = {
        "cm_meeting_id": cases.meeting.pk,
        "cm_case_id": cases.case.pk,
        "series_id": cases.series.pk,
        "review_id": cases.review.pk,
        "task_id": task.pk,
        "watch_meeting_id": watch.meeting.pk,
        "case_id": watch.north_case.pk,
        "watch_body_id": watch.huddle.pk,
        "issue_id": issue.pk,
        "person_id": north.pk,
        "survey_id": survey.pk,
        "respondent_id": respondent.pk,
        "entry_id": entry.pk,
        "screening_id": screening.pk,
        "service_id": service.pk,
        "district_id": town.n1.pk,
        "request_id": req.pk,
        "volunteer_id": aid.hanako.pk,
        "user_id": staff.pk,
        "organization_id": str(service.organization.uuid),
        "year": 2019,
        "month": 1,
        "fmt": "csv",
        "action": "paid",
        "body_id": bodies.north.pk,
        "meeting_id": meeting.pk,
        "decision_id": decision.pk,
        "questionnaire_id": questionnaire.pk,
        # the directory by hand: a service with a place and a schedule
        "edit_service_id": link.service_id,
        "schedule_id": schedule.pk,
        "link_id": link.pk,
        "location_id": link.location_id,
        "resource_organization_id": link.service.organization_id,
    }
    foreign = own | {
        "cm_meeting_id": their_cases.meeting.pk,
        "cm_case_id": their_cases.case.pk,
        "series_id": their_cases.series.pk,
        "review_id": their_cases.review.pk,
        "task_id": their_cases.task.pk,
        "watch_meeting_id": their_watch_meeting.pk,
        "case_id": their_case.pk,
        "watch_body_id": their_watch.pk,
        "issue_id": their_issue.pk,
        "person_id": their_person.pk,
        "survey_id": their_survey.pk,
        "service_id": their_service.pk,
        "district_id": other_town.districts.first().pk,
        "user_id": personas["outsider"].pk,
        "organization_id": str(their_service.organization.uuid),
        "body_id": their_body.pk,
        "meeting_id": their_meeting.pk,
        "decision_id": their_decision.pk,
        "questionnaire_id": their_questionnaire.pk,
        "edit_service_id": their_service.pk,
        "schedule_id": their_schedule.pk,
        "link_id": their_link.pk,
        "location_id": their_link.location_id,
        "resource_organization_id": their_service.organization_id,
    }
    return World(own, foreign)


def patterns() -> Iterator[tuple[str, str]]:
    def walk(resolver: URLResolver, prefix: str) -> Iterator[tuple[str, str]]:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if not SKIP.match(route):
                    yield route, p.name or route

    yield from walk(get_resolver(), "")


ARG = re.compile(r"<(?:(\w+):)?(\w+)>|\{(\w+)\}")


def fill(route: str, values: dict[str, object]) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(2) or m.group(3)
        if route.startswith(("councils/watch/", "councils/huddle/")):
            name = {"meeting_id": "watch_meeting_id", "body_id": "watch_body_id"}.get(name, name)
        if route.startswith("resources/organizations/"):
            name = {"organization_id": "resource_organization_id"}.get(name, name)
        if route.startswith("resources/services/") and (
            "/schedules/" in route or "/locations/" in route
        ):
            name = {"service_id": "edit_service_id"}.get(name, name)
        if route.startswith(("casemeetings/", "api/casemeetings/")):
            name = {"meeting_id": "cm_meeting_id", "case_id": "cm_case_id"}.get(name, name)
        value = values.get(name, NOWHERE)
        if name == "service_id" and route.startswith("api/hsds/"):
            value = values.get("hsds_service", "00000000-0000-0000-0000-000000000000")
        return str(value)

    return "/" + ARG.sub(one, route)


@contextmanager
def recording() -> Iterator[set[str]]:
    """Record every key a view reads from a QueryDict (its query or its form)."""
    seen: set[str] = set()
    get, getitem, getlist = QueryDict.get, QueryDict.__getitem__, QueryDict.getlist

    def rec_get(self, key, default=None):
        seen.add(key)
        return get(self, key, default)

    def rec_getitem(self, key):
        seen.add(key)
        return getitem(self, key)

    def rec_getlist(self, key, default=None):
        seen.add(key)
        return getlist(self, key, default)

    QueryDict.get, QueryDict.__getitem__, QueryDict.getlist = rec_get, rec_getitem, rec_getlist
    try:
        yield seen
    finally:
        QueryDict.get, QueryDict.__getitem__, QueryDict.getlist = get, getitem, getlist


def _documented(doc: dict) -> dict[tuple[str, str], set[str]]:
    """The query parameters the OpenAPI document gives each operation."""
    found: dict[tuple[str, str], set[str]] = {}
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            found[(method, path)] = {
                p["name"] for p in op.get("parameters", []) if p.get("in") == "query"
            }
    return found


def _fail(failures: list[str], method: str, url: str, data: dict, response) -> None:
    if response.status_code >= 500:
        shown = {k: (v[:20] + "…" if len(v) > 20 else v) for k, v in data.items()}
        failures.append(f"{method} {url} {shown!r} → {response.status_code}")


# The administrator reaches every route with every hostile value: the longest run by far,
# split in two halves of the routes so that the suite's two workers share it.
RUNS = [(p, half) for p in PERSONAS for half in ((0, 1) if p == "admin" else (None,))]


@pytest.mark.parametrize(
    ("persona", "half"), RUNS, ids=[p if h is None else f"{p}-{h + 1}of2" for p, h in RUNS]
)
def test_no_route_answers_5xx_to_any_persona_with_hostile_values(
    client, town, personas, other_town, persona, half
):
    postgresql = connection.vendor == "postgresql"
    if postgresql and persona != "admin":
        pytest.skip(
            "PostgreSQL pass: the administrator, who reaches every route, sends the values "
            "whose answer can depend on the database; the other roles' branches parse alike "
            "on both and are fuzzed in the SQLite pass (every role against every capability "
            "runs on both in tests/accounts)"
        )
    hostile = HOSTILE_PG if postgresql else HOSTILE
    world = build_world(town, personas, other_town)
    user = personas[persona]
    client.raise_request_exception = False
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    _, token = api_token_create(user=user, name="fuzz")
    headers = {"Authorization": f"Bearer {token}"}
    hsds = {"hsds_service": ""}
    documented = _documented(client.get("/api/openapi.json").json())
    failures: list[str] = []
    for index, (route, _name) in enumerate(patterns()):
        if half is not None and index % 2 != half:
            continue
        is_api = route.startswith("api/")
        # Ids of no record at all answer the same for every role: probed by the hostile ones.
        id_sets = [world.own, world.foreign] + ([{}] if persona in HOSTILE_PERSONAS else [])
        for ids in id_sets:
            url = fill(route, ids | hsds)
            for method in ("get", "post"):
                send = getattr(client, method)
                kwargs = {"headers": headers} if is_api else {}
                with recording() as keys:
                    response = send(url, {}, **kwargs)
                _fail(failures, method.upper(), url, {}, response)
                if (
                    # refused or absent: the hostile values would meet the same refusal
                    response.status_code in (401, 403, 404, 405)
                    or ids is not world.own
                    or persona not in HOSTILE_PERSONAS
                ):
                    continue
                if is_api:
                    keys = documented.get((method, "/" + ARG.sub(r"{\2\3}", route)), set())
                for key in sorted(keys - {"csrfmiddlewaretoken"}):
                    if persona == "nurse" and not SCOPED_KEY.search(key):
                        continue
                    for value in hostile:
                        response = send(url, {key: value}, **kwargs)
                        _fail(failures, method.upper(), url, {key: value}, response)
    assert failures == [], f"{len(failures)} server errors:\n" + "\n".join(failures[:40])
