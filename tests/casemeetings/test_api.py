"""The case meetings API under /api/casemeetings/: the roll-up, and cases as cards that
name the resident only to those who identify them, scoped and audited."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from chiiki.accounts.models import AuditAction, AuditEvent
from chiiki.accounts.services import api_token_create
from chiiki.casemeetings import services
from tests.casemeetings.test_import import write
from tests.casemeetings.test_rollup_command import ROWS
from tests.casemeetings.world import DAY, build_cases
from tests.conftest import audited, make_person

IDENTITY = {"name", "address", "phone", "insured_number"}
CARD = {
    "id",
    "number",
    "age_band",
    "sex",
    "district",
    "life_area",
    "care_level",
    "goal",
    "outcome",
    "closed_on",
    "next_stage",
    "next_due_on",
    "identified",
}


@pytest.fixture
def bearer(personas):
    def make(name):
        _, raw = api_token_create(user=personas[name], name="test")
        return {"Authorization": f"Bearer {raw}"}

    return make


@pytest.fixture
def w(town, personas):
    """The world's case in 須佐 (at a meeting the advisor is invited to), and a second one in
    旭 at a 南部 meeting the advisor is not invited to."""
    world = build_cases(town, personas, south_case=False)
    services.review_save(
        user=personas["nurse"],
        review=world.review,
        version=world.review.version,
        present_state="膝の痛みで外出が減った",
        goal="サロンに通えるようになる",
        real_issue="坂道を歩く自信がない",
        can_solve="通所Cで3か月の運動",
        tags=["mobility", "shopping"],
    )
    south = services.meeting_create(user=None, series=world.south_series, held_on=DAY)
    person = make_person(town.s1, insured_number="1234567890")
    world.south_case = services.case_open(
        user=None,
        meeting=south,
        number="S-2025-001",
        district=town.s1,
        age=86,
        sex=person.sex,
        care_level="care_1",
        person=person,
        mid_due_on=DAY + dt.timedelta(days=90),
        closing_due_on=DAY + dt.timedelta(days=180),
    ).case
    return world


def cases(client, headers, **params):
    return client.get("/api/casemeetings/cases", params, headers=headers)


def test_the_routes_are_documented(client, db):
    paths = set(client.get("/api/openapi.json").json()["paths"])
    assert {
        "/api/v1/casemeetings/rollup",
        "/api/v1/casemeetings/cases",
        "/api/v1/casemeetings/cases/{case_id}",
    } <= paths


def test_the_rollup_gives_the_commands_figures(client, bearer, town, tmp_path):
    code = ("--municipality", "352047")
    call_command("casemeetings", "import", str(write(tmp_path, ROWS)), *code, stdout=io.StringIO())
    out = io.StringIO()
    call_command(
        "casemeetings",
        "rollup",
        *code,
        "--from",
        "2025-04",
        "--to",
        "2026-03",
        "--format",
        "json",
        stdout=out,
    )
    response = client.get(
        "/api/casemeetings/rollup", {"from": "2025-04", "to": "2026-03"}, headers=bearer("officer")
    )
    assert response.status_code == 200
    assert response.json() == json.loads(out.getvalue())
    assert response.json()[0] == {
        "tag": "移動・外出",
        "cases": 3,
        "districts": {"須佐": 2, "旭": 1},
    }
    whole = client.get("/api/casemeetings/rollup", headers=bearer("coordinator")).json()
    assert whole[0]["cases"] == 4


@pytest.mark.parametrize(
    ("params", "param"), [({"from": "2025-13"}, "from"), ({"to": "abc"}, "to")]
)
def test_a_bad_month_is_a_422_problem_naming_the_parameter(client, bearer, town, params, param):
    response = client.get("/api/casemeetings/rollup", params, headers=bearer("officer"))
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert [e["name"] for e in response.json()["errors"]] == [param]


def test_from_after_to_is_an_empty_span(client, bearer, town):
    params = {"from": "2026-04", "to": "2025-04"}
    response = client.get("/api/casemeetings/rollup", params, headers=bearer("officer"))
    assert response.status_code == 200 and response.json() == []


@pytest.mark.parametrize("role", ["advisor", "volunteer", "pref"])
def test_the_rollup_is_refused_to_who_does_not_add_up_cases(client, bearer, town, role):
    assert client.get("/api/casemeetings/rollup", headers=bearer(role)).status_code == 403


def test_an_identifying_user_gets_the_resident_and_others_not_even_the_keys(client, bearer, w):
    items = {c["number"]: c for c in cases(client, bearer("admin")).json()["items"]}
    north = items["N-2025-001"]
    assert north["identified"] is True
    assert north["name"] == f"{w.person.family_name} {w.person.given_name}"
    assert north["address"] == w.person.address
    assert items["S-2025-001"]["insured_number"] == "1234567890"
    body = cases(client, bearer("coordinator")).json()
    assert body["count"] == 2
    for item in body["items"]:
        assert set(item) == CARD and item["identified"] is False
    assert body["items"][0]["age_band"] in {"80〜84歳", "85〜89歳"}


def test_the_nurse_identifies_only_the_residents_of_her_areas(client, bearer, w):
    items = {c["number"]: c for c in cases(client, bearer("nurse")).json()["items"]}
    assert set(items) == {"N-2025-001", "S-2025-001"}  # she reads the municipality's cases
    assert items["N-2025-001"]["identified"] and IDENTITY <= set(items["N-2025-001"])
    assert set(items["S-2025-001"]) == CARD  # but identifies only the residents of 北部


def test_an_advisor_sees_the_cases_of_their_meetings_anonymised(client, bearer, w):
    headers = bearer("advisor")
    body = cases(client, headers).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["number"] == "N-2025-001" and set(item) == CARD and not item["identified"]
    assert (item["district"], item["age_band"], item["care_level"]) == (
        "須佐",
        "80〜84歳",
        "要支援1",
    )
    detail = client.get(f"/api/casemeetings/cases/{w.case.pk}", headers=headers)
    assert detail.status_code == 200
    data = detail.json()
    assert set(data) == CARD | {"reviews"} and not IDENTITY & set(data)
    assert w.person.family_name not in json.dumps(data, ensure_ascii=False)
    other = client.get(f"/api/casemeetings/cases/{w.south_case.pk}", headers=headers)
    assert other.status_code == 404


def test_a_case_shows_its_reviews_with_their_seeds(client, bearer, w):
    data = client.get(f"/api/casemeetings/cases/{w.case.pk}", headers=bearer("officer")).json()
    assert data["identified"] and data["name"] == f"{w.person.family_name} {w.person.given_name}"
    assert data["reviews"] == [
        {
            "id": w.review.pk,
            "stage": "初回",
            "held_on": "2025-05-13",
            "goal": "サロンに通えるようになる",
            "real_issue": "坂道を歩く自信がない",
            "tags": [
                {"code": "mobility", "name": "移動・外出"},
                {"code": "shopping", "name": "買い物"},
            ],
            "no_seed": False,
            "result": "",
        }
    ]
    assert data["next_stage"] == "中間" and data["next_due_on"] == "2025-08-11"


def test_another_municipalitys_case_and_a_missing_one_are_404_alike(client, bearer, w):
    outsider = bearer("outsider")
    mine = client.get(f"/api/casemeetings/cases/{w.case.pk}", headers=outsider)
    nowhere = client.get("/api/casemeetings/cases/987654321", headers=outsider)
    assert mine.status_code == nowhere.status_code == 404
    assert mine.json()["detail"].startswith("事例（id") and nowhere.json()["detail"].startswith(
        "事例（id"
    )
    assert cases(client, outsider).json() == {"items": [], "count": 0, "next": None}


@pytest.mark.parametrize("role", ["volunteer", "pref"])
def test_a_role_that_reads_no_cases_is_403(client, bearer, w, role):
    assert cases(client, bearer(role)).status_code == 403
    assert (
        client.get(f"/api/casemeetings/cases/{w.case.pk}", headers=bearer(role)).status_code == 403
    )


def test_without_credentials_the_routes_answer_401(client, w):
    assert client.get("/api/casemeetings/cases").status_code == 401
    assert client.get("/api/casemeetings/rollup").status_code == 401


def test_lists_and_cases_are_audited_reads(client, bearer, w):
    cases(client, bearer("admin"))
    listed = AuditEvent.objects.get(action=AuditAction.LIST, model="casemeetings.case")
    assert sorted(listed.changes["ids"]) == sorted([w.case.pk, w.south_case.pk])
    assert listed.channel == "api"
    assert audited(w.person, action=AuditAction.LIST).exists()
    client.get(f"/api/casemeetings/cases/{w.case.pk}", headers=bearer("admin"))
    read = AuditEvent.objects.get(action=AuditAction.READ, model="casemeetings.case")
    assert (read.object_id, read.channel) == (w.case.pk, "api")


def test_cases_are_paged_and_filtered_by_tag(client, bearer, w):
    headers = bearer("admin")
    first = cases(client, headers, page_size=1).json()
    second = cases(client, headers, page_size=1, page=2).json()
    assert first["count"] == second["count"] == 2
    assert {first["items"][0]["number"], second["items"][0]["number"]} == {
        "N-2025-001",
        "S-2025-001",
    }
    assert cases(client, headers, page=3, page_size=1).json() == {
        "items": [],
        "count": 2,
        "next": None,
    }
    tagged = cases(client, headers, tag="shopping").json()
    assert [c["number"] for c in tagged["items"]] == ["N-2025-001"]
    unknown = cases(client, headers, tag="onsen")
    assert unknown.status_code == 404 and "onsen" in unknown.json()["detail"]
