"""Every persona against every capability, through the pages and routes that use it.

The grid below is written out by hand from the roles' jobs (DESIGN.md), not read from the
code's table: a change to the table that lets a role reach more, or less, fails here until
the grid is changed on purpose. ○ allowed, × refused. The probes act on records of the
test town: a resident of 北部 (the nurse's area) or 南部 (the coordinator's), the
volunteer's own record, a help request in 旭 (南部). The outsider works for another
municipality and must reach nothing of this town.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse

from chiiki.accounts.access import Cap
from chiiki.accounts.capabilities import TABLE
from chiiki.councils.services import issues as council_issues
from chiiki.councils.services import meetings as meeting_services
from chiiki.resources import demo as resources_demo
from chiiki.resources.models import Service as ResourceService
from chiiki.surveys import services as survey_services
from tests.casemeetings.world import build_cases
from tests.conftest import make_person
from tests.councils.meeting_world import build_bodies
from tests.councils.watch_world import build_watch
from tests.mutualaid.conftest import build_aid, new_request
from tests.surveys.conftest import needs_csv, needs_rows

PERSONAS = ("admin", "officer", "nurse", "coordinator", "volunteer", "pref", "advisor", "outsider")

GRID = """
probe                     admin officer nurse coordinator volunteer pref advisor outsider
dashboard                   ○     ○       ○       ○          ×       ○      ×        ×
population_import           ○     ○       ×       ×          ×       ×      ×        ×
area_tree_import            ○     ×       ×       ×          ×       ×      ×        ×
audit                       ○     ×       ×       ×          ×       ×      ×        ×
staff                       ○     ×       ×       ×          ×       ×      ×        ×
people_list                 ○     ○       ○       ○          ×       ×      ×        ×
people_open_north           ○     ○       ○       ×          ×       ×      ×        ×
people_open_south           ○     ○       ×       ○          ×       ×      ×        ×
people_open_own             ○     ○       ×       ○          ○       ×      ×        ×
health                      ○     ○       ○       ×          ×       ×      ×        ×
people_edit                 ○     ○       ○       ×          ×       ×      ×        ×
people_import               ○     ○       ×       ×          ×       ×      ×        ×
care_import                 ○     ○       ×       ×          ×       ×      ×        ×
survey_results              ○     ○       ○       ○          ×       ○      ×        ×
survey_answers              ○     ○       ○       ×          ×       ×      ×        ×
survey_import               ○     ○       ×       ×          ×       ×      ×        ×
survey_visits               ○     ○       ○       ×          ×       ×      ×        ×
survey_followup             ○     ○       ○       ×          ×       ×      ×        ×
kcl_screen                  ○     ○       ○       ×          ×       ×      ×        ×
resources_view              ○     ○       ○       ○          ○       ○      ×        ×
resource_gaps               ○     ○       ○       ○          ×       ×      ×        ×
resource_sheet_edit         ○     ○       ×       ○          ×       ×      ×        ×
resources_edit_north        ○     ○       ○       ×          ×       ×      ×        ×
resources_edit_south        ○     ○       ×       ○          ×       ×      ×        ×
mutualaid_manage            ○     ○       ×       ○          ×       ×      ×        ×
mutualaid_own_jobs          ×     ×       ×       ×          ○       ×      ×        ×
councils_view               ○     ○       ○       ○          ×       ×      ×        ×
councils_api                ○     ○       ○       ○          ×       ×      ×        ×
councils_minutes_pdf        ○     ○       ○       ○          ×       ×      ×        ×
councils_manage_north       ○     ○       ○       ×          ×       ×      ×        ×
councils_manage_south       ○     ○       ×       ○          ×       ×      ×        ×
issues_edit_north           ○     ○       ○       ×          ×       ×      ×        ×
issues_edit_south           ○     ○       ×       ○          ×       ×      ×        ×
watch                       ○     ○       ○       ○          ×       ×      ×        ×
huddle                      ○     ○       ○       ×          ×       ×      ×        ×
cases_view                  ○     ○       ○       ○          ×       ×      ○        ×
cases_view_uninvited        ○     ○       ○       ○          ×       ×      ×        ×
cases_identify              ○     ○       ○       ×          ×       ×      ×        ×
cases_manage_north          ○     ○       ○       ×          ×       ×      ×        ×
cases_rollup                ○     ○       ○       ○          ×       ×      ×        ×
policy_edit                 ○     ○       ×       ×          ×       ×      ×        ×
indicators_view             ○     ○       ○       ○          ×       ×      ×        ×
indicators_edit             ○     ○       ×       ×          ×       ×      ×        ×
jobs                        ○     ×       ×       ×          ×       ×      ×        ×
prefecture_view             ×     ×       ×       ×          ×       ○      ×        ×
prefecture_edit             ×     ×       ×       ×          ×       ○      ×        ×
"""

# Which capability each probe exercises: every capability must have one.
PROBES = {
    "dashboard": Cap.DASHBOARD_VIEW,
    "population_import": Cap.POPULATION_IMPORT,
    "area_tree_import": Cap.AREAS_IMPORT,
    "audit": Cap.AUDIT_VIEW,
    "staff": Cap.USERS_MANAGE,
    "people_list": Cap.PEOPLE_LIST,
    "people_open_north": Cap.PEOPLE_VIEW,
    "people_open_south": Cap.PEOPLE_VIEW,
    "people_open_own": Cap.PEOPLE_VIEW,
    "health": Cap.HEALTH_VIEW,
    "people_edit": Cap.PEOPLE_EDIT,
    "people_import": Cap.PEOPLE_IMPORT,
    "care_import": Cap.CARE_IMPORT,
    "survey_results": Cap.SURVEY_RESULTS,
    "survey_answers": Cap.SURVEY_ANSWERS,
    "survey_import": Cap.SURVEY_IMPORT,
    "survey_visits": Cap.SURVEY_VISITS,
    "survey_followup": Cap.SURVEY_FOLLOWUP,
    "kcl_screen": Cap.KCL_SCREEN,
    "resources_view": Cap.RESOURCES_VIEW,
    "resource_gaps": Cap.RESOURCE_GAPS,
    "resource_sheet_edit": Cap.RESOURCE_SHEET_EDIT,
    "resources_edit_north": Cap.RESOURCES_EDIT,
    "resources_edit_south": Cap.RESOURCES_EDIT,
    "mutualaid_manage": Cap.MUTUALAID_MANAGE,
    "mutualaid_own_jobs": Cap.MUTUALAID_OWN_JOBS,
    "councils_view": Cap.COUNCILS_VIEW,
    "councils_api": Cap.COUNCILS_VIEW,
    "councils_minutes_pdf": Cap.COUNCILS_VIEW,
    "councils_manage_north": Cap.COUNCILS_MANAGE,
    "councils_manage_south": Cap.COUNCILS_MANAGE,
    "issues_edit_north": Cap.ISSUES_EDIT,
    "issues_edit_south": Cap.ISSUES_EDIT,
    "watch": Cap.WATCH,
    "huddle": Cap.HUDDLE,
    "cases_view": Cap.CASES_VIEW,
    "cases_view_uninvited": Cap.CASES_VIEW,
    "cases_identify": Cap.CASES_IDENTIFY,
    "cases_manage_north": Cap.CASES_MANAGE,
    "cases_rollup": Cap.CASES_ROLLUP,
    "policy_edit": Cap.POLICY_EDIT,
    "indicators_view": Cap.INDICATORS_VIEW,
    "indicators_edit": Cap.INDICATORS_EDIT,
    "jobs": Cap.JOBS_VIEW,
    "prefecture_view": Cap.PREFECTURE_VIEW,
    "prefecture_edit": Cap.PREFECTURE_EDIT,
}


def _grid() -> dict[tuple[str, str], bool]:
    lines = [line.split() for line in GRID.strip().splitlines()]
    header = lines[0][1:]
    return {
        (row[0], who): mark == "○"
        for row in lines[1:]
        for who, mark in zip(header, row[1:], strict=True)
    }


EXPECTED = _grid()


@dataclass
class Town:
    north: object
    south: object
    own: object
    survey: object
    service: object
    request: object
    district_north: object
    district_south: object
    municipality: object
    bodies: object
    watch: object
    issue_north: object
    issue_south: object
    meeting: object
    cases: object


@pytest.fixture
def world(town, personas) -> Town:
    aid = build_aid(town, personas)
    request = new_request(aid, personas["officer"])
    survey = survey_services.survey_create(
        user=None,
        municipality=town.municipality,
        name="ニーズ調査",
        fiscal_year=2025,
        mailed_on=dt.date(2025, 11, 1),
    )
    survey_services.survey_import(
        user=None,
        survey=survey,
        data=needs_csv(needs_rows(20, ["須佐", "旭"])),
        filename="a.csv",
    )
    resources_demo.build(town.municipality, 2018)
    north, south = make_person(town.n1), make_person(town.s1)
    for person in (north, south):  # eligible by the checklist: both on the follow-up list
        survey_services.screening_create(
            user=None,
            person=person,
            answers_by_item={"q16": 1},
            height_cm=None,
            weight_kg=None,
            screened_on=dt.date(2025, 6, 1),
        )
    issue_north, issue_south = (
        council_issues.issue_create(
            user=None,
            municipality=town.municipality,
            title=f"{district.name}の移動手段",
            district=district,
            status_on=dt.date(2025, 4, 1),
        )
        for district in (town.n1, town.s1)
    )
    bodies = build_bodies(town)
    return Town(
        cases=build_cases(town, personas),
        bodies=bodies,
        meeting=meeting_services.meeting_create(
            user=None, body=bodies.north, held_on=dt.date(2019, 5, 21), agenda="移動支援"
        ),
        watch=build_watch(town),
        issue_north=issue_north,
        issue_south=issue_south,
        north=north,
        south=south,
        own=personas["volunteer"].person,
        survey=survey,
        service=ResourceService.objects.filter(municipality=town.municipality).first(),
        request=request,
        district_north=town.n1,
        district_south=town.s1,
        municipality=town.municipality,
    )


def _ok(response, needle: str | None = None) -> bool:
    if response.status_code != 200:
        return False
    return needle is None or needle in response.content.decode()


def _in_reach(persona: str, w: Town):
    return w.south if persona == "coordinator" else w.north


def probe(name: str, client, persona: str, w: Town) -> bool:
    p = _in_reach(persona, w)
    get = client.get
    match name:
        case "dashboard":
            return _ok(get(f"/api/areas/population?municipality_id={w.municipality.pk}"))
        case "population_import":
            return _ok(get(reverse("areas:population_import")), w.municipality.name)
        case "area_tree_import":
            return _ok(get(reverse("areas:area_tree_import")), w.municipality.name)
        case "people_import":
            return _ok(get(reverse("people:register_import")), w.municipality.name)
        case "audit":
            return _ok(get(reverse("accounts:audit")))
        case "staff":
            return _ok(get(reverse("web:staff_list")))
        case "people_list":
            return _ok(get(reverse("people:list")), p.name)
        case "people_open_north":
            return _ok(get(reverse("people:detail", args=[w.north.pk])))
        case "people_open_south":
            return _ok(get(reverse("people:detail", args=[w.south.pk])))
        case "people_open_own":
            return _ok(get(reverse("people:detail", args=[w.own.pk])))
        case "health":
            response = get(f"/api/people/{p.pk}")
            return response.status_code == 200 and response.json()["care_level"] == "none"
        case "people_edit":
            return _ok(get(reverse("people:edit", args=[p.pk])))
        case "care_import":
            return _ok(get(reverse("people:care_import")), w.municipality.name)
        case "survey_results":
            return _ok(get(reverse("surveys:results", args=[w.survey.pk])))
        case "survey_answers":
            return _ok(get(reverse("surveys:respondents", args=[w.survey.pk])), "R0001") or _ok(
                get(reverse("surveys:respondents", args=[w.survey.pk])), "R0002"
            )
        case "survey_import":
            return _ok(get(reverse("surveys:import", args=[w.survey.pk])))
        case "survey_visits":
            return _ok(get(reverse("surveys:nonrespondents", args=[w.survey.pk])))
        case "survey_followup":
            return _ok(get(reverse("surveys:followup")), p.name)
        case "kcl_screen":
            return _ok(get(reverse("surveys:kcl_counter", args=[p.pk])))
        case "resources_view":
            return _ok(get(reverse("resources:service_detail", args=[w.service.pk])))
        case "resource_gaps":
            return _ok(get(reverse("resources:coverage")), p.district.name)
        case "resource_sheet_edit":
            d = w.district_south
            response = client.post(
                reverse("resources:district_sheet", args=[d.pk]),
                {"good_points": f"{persona}のええとこ", "problems": ""},
            )
            return response.status_code == 302
        case "resources_edit_north" | "resources_edit_south":
            district = w.district_north if name.endswith("north") else w.district_south
            service = ResourceService.objects.filter(district=district).first()
            return _ok(get(reverse("resources:service_edit", args=[service.pk])), service.name)
        case "mutualaid_manage":
            return _ok(get(reverse("mutualaid:request_detail", args=[w.request.pk])))
        case "mutualaid_own_jobs":
            return _ok(get(reverse("mutualaid:my")))
        case "councils_view":
            return _ok(get(reverse("councils:body_detail", args=[w.bodies.north.pk])), "協議体")
        case "councils_api":
            response = get("/api/councils/issues", {"page_size": 100})
            titles = (
                {i["title"] for i in response.json()["items"]}
                if response.status_code == 200
                else set()
            )
            return w.issue_north.title in titles and w.issue_south.title in titles
        case "councils_minutes_pdf":
            response = get(reverse("councils:meeting_minutes_pdf", args=[w.meeting.pk]))
            return response.status_code == 200 and response.content.startswith(b"%PDF")
        case "councils_manage_north":
            return _ok(get(reverse("councils:meeting_new", args=[w.bodies.north.pk])))
        case "councils_manage_south":
            return _ok(get(reverse("councils:meeting_new", args=[w.bodies.asahi.pk])))
        case "issues_edit_north":
            return _ok(get(reverse("councils:issue_edit", args=[w.issue_north.pk])))
        case "issues_edit_south":
            return _ok(get(reverse("councils:issue_edit", args=[w.issue_south.pk])))
        case "watch":
            case = w.watch.south_case if persona == "coordinator" else w.watch.north_case
            return _ok(get(reverse("councils:watch_case", args=[case.pk])), case.household)
        case "huddle":
            return _ok(get(reverse("councils:huddle_person", args=[w.watch.north.pk])), "血圧高め")
        case "cases_view":
            return _ok(
                get(reverse("casemeetings:case_detail", args=[w.cases.case.pk])), "N-2025-001"
            )
        case "cases_view_uninvited":
            case = w.cases.south_case
            return _ok(get(reverse("casemeetings:case_detail", args=[case.pk])), case.number)
        case "cases_identify":
            body = get(reverse("casemeetings:case_detail", args=[w.cases.case.pk]))
            return _ok(body, "検討 一郎")
        case "cases_manage_north":
            return _ok(get(reverse("casemeetings:review_edit", args=[w.cases.review.pk])))
        case "cases_rollup":
            return _ok(get(reverse("casemeetings:rollup")), "須佐 1")
        case "policy_edit":
            response = client.post(
                reverse("casemeetings:issue_cases", args=[w.issue_north.pk]),
                {"title": f"{persona}の施策", "status": "proposed", "proposed_on": "2025-06-01"},
            )
            return response.status_code == 302
        case "indicators_view":
            # The outsider has indicators of their own town: never this one's.
            return _ok(get(reverse("indicators:dashboard")), "山口県萩市の数値です")
        case "indicators_edit":
            return _ok(get(reverse("indicators:figures")), "登録済みの年度")
        case "jobs":
            return _ok(get(reverse("scheduler:jobs")), "実行記録の整理")
        case "prefecture_view":
            return _ok(
                get(reverse("prefecture:index")), '萩市</a> <span class="muted small">352047'
            )
        case "prefecture_edit":
            return _ok(get(reverse("prefecture:dispatch_new")), "派遣を記録する")
    raise AssertionError(f"no probe {name}")


def test_every_capability_has_a_probe_in_the_grid():
    assert set(PROBES.values()) == set(Cap) == set(TABLE)
    assert {name for name, _ in EXPECTED} == set(PROBES)
    assert {who for _, who in EXPECTED} == set(PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reaches_exactly_what_the_grid_says(world, personas, client, persona):
    client.force_login(personas[persona], backend="django.contrib.auth.backends.ModelBackend")
    got = {name: probe(name, client, persona, world) for name in PROBES}
    wanted = {name: EXPECTED[(name, persona)] for name in PROBES}
    wrong = {n: ("allowed" if got[n] else "refused") for n in PROBES if got[n] != wanted[n]}
    assert wrong == {}, f"{persona}: these differ from the grid: {wrong}"
