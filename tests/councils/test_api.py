"""The councils API: the register and the bodies under /api/councils/, paged and scoped."""

from __future__ import annotations

import datetime as dt

import pytest

from chiiki.accounts.services import api_token_create
from chiiki.councils.services import bodies as body_services
from tests.councils.register_world import build_register

ROLES = ("admin", "officer", "nurse", "coordinator", "volunteer", "pref", "outsider")


@pytest.fixture
def register(town):
    return build_register(town)


@pytest.fixture
def bearer(personas):
    def make(name):
        _, raw = api_token_create(user=personas[name], name="test")
        return {"Authorization": f"Bearer {raw}"}

    return make


STAFF = {"admin", "officer", "nurse", "coordinator"}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_the_register_and_bodies_of_its_municipality_only(
    client, bearer, register, role
):
    headers = bearer(role)
    routes = [
        "/api/v1/councils/issues",
        f"/api/v1/councils/issues/{register.moving.pk}",
        "/api/v1/councils/bodies",
        f"/api/councils/bodies/{register.north_body.pk}",
    ]
    codes = [client.get(url, headers=headers).status_code for url in routes]
    if role in STAFF:
        assert codes == [200, 200, 200, 200]
    elif role == "outsider":  # their own municipality's (empty) lists; none of this town's
        assert codes == [200, 403, 200, 403]
        assert client.get(routes[0], headers=headers).json() == {
            "items": [],
            "count": 0,
            "next": None,
        }
    else:
        assert codes == [403, 403, 403, 403]


def test_without_credentials_the_routes_answer_401(client, register):
    assert client.get("/api/councils/issues").status_code == 401
    assert client.get(f"/api/councils/bodies/{register.north_body.pk}").status_code == 401


def test_the_register_is_paged_and_a_page_past_the_end_is_empty(client, bearer, register):
    headers = bearer("officer")
    first = client.get("/api/councils/issues?page_size=1", headers=headers).json()
    second = client.get("/api/councils/issues?page_size=1&page=2", headers=headers).json()
    past = client.get("/api/councils/issues?page_size=1&page=3", headers=headers).json()
    assert first["count"] == second["count"] == past["count"] == 2
    assert [first["items"][0]["id"], second["items"][0]["id"]] == [
        register.found.pk,
        register.moving.pk,
    ]
    assert past["items"] == []


def test_the_register_items_have_the_commands_shape(client, bearer, register, town):
    items = client.get("/api/councils/issues", headers=bearer("nurse")).json()["items"]
    moving = next(i for i in items if i["id"] == register.moving.pk)
    assert moving["status"] == {"code": "developing", "label": "資源開発"}
    assert moving["areas"]["district"] == {"id": town.s1.pk, "code": "S1", "name": "旭"}
    assert moving["tags"][0] == {"code": "mobility", "name": "移動・外出"}
    assert moving["evidence_count"] == 2
    assert moving["resources"] == [
        {"service_id": register.service.pk, "name": "旭 おでかけ送迎", "started_on": "2022-04-01"}
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=developing", ["moving"]),
        ("tag=isolation", ["found"]),
        ("life_area_id={north}", ["found"]),
        ("life_area_id={south}&status=found", []),
    ],
)
def test_the_register_filters_by_status_tag_and_life_area(
    client, bearer, register, town, query, expected
):
    url = "/api/councils/issues?" + query.format(north=town.north.pk, south=town.south.pk)
    ids = [i["id"] for i in client.get(url, headers=bearer("officer")).json()["items"]]
    assert ids == [getattr(register, name).pk for name in expected]


@pytest.mark.parametrize(
    ("query", "status", "param"),
    [
        ("status=done", 400, "status"),
        ("tag=nope", 404, None),
        ("life_area_id=abc", 422, None),
        ("page=0", 422, None),
        ("page_size=501", 422, None),
    ],
)
def test_a_bad_filter_is_refused_naming_it(client, bearer, register, query, status, param):
    response = client.get(f"/api/councils/issues?{query}", headers=bearer("officer"))
    assert response.status_code == status
    if param:
        assert response.json()["errors"][0]["name"] == param


def test_one_issue_carries_its_history_evidence_and_resources(client, bearer, register):
    body = client.get(
        f"/api/councils/issues/{register.moving.pk}", headers=bearer("coordinator")
    ).json()
    assert [
        (e["from_status"] and e["from_status"]["code"], e["to_status"]["code"])
        for e in body["events"]
    ] == [
        (None, "found"),
        ("found", "discussing"),
        ("discussing", "decided"),
        ("decided", "developing"),
    ]
    assert body["events"][0]["signed_by"] == "register-clerk"
    figure = body["evidence"][0]
    assert figure["kind"] == {"code": "survey_figure", "label": "調査の数値"}
    assert figure["snapshot"] == {"rate": "0.31", "low": "0.27", "high": "0.35"}
    assert body["resources"] == [
        {
            "service_id": register.service.pk,
            "name": "旭 おでかけ送迎",
            "started_on": "2022-04-01",
            "district": "旭",
            "note": "",
        }
    ]


def test_a_missing_issue_is_refused_like_one_out_of_reach(client, bearer, register):
    assert (
        client.get("/api/councils/issues/987654321", headers=bearer("officer")).status_code == 403
    )


def test_bodies_are_listed_by_layer_and_filtered(client, bearer, register):
    headers = bearer("officer")
    body = client.get("/api/councils/bodies", headers=headers).json()
    assert [b["name"] for b in body["items"]] == [
        "北部 地域ささえあい協議体",
        "旭 ささえあい協議体",
    ]
    assert body["items"][0]["layer"] == {"code": "2", "label": "第2層（日常生活圏域）"}
    assert body["items"][0]["member_count"] == 1
    third = client.get("/api/councils/bodies?layer=3", headers=headers).json()
    assert [b["district"]["name"] for b in third["items"]] == ["旭"]
    bad = client.get("/api/councils/bodies?layer=7", headers=headers)
    assert bad.status_code == 400 and bad.json()["errors"][0]["name"] == "layer"
    bad_kind = client.get("/api/councils/bodies?kind=club", headers=headers)
    assert bad_kind.status_code == 400 and bad_kind.json()["errors"][0]["name"] == "kind"


def test_a_body_lists_its_current_and_past_members(client, bearer, register, personas):
    body = register.north_body
    leaving = body_services.membership_add(
        user=None,
        body=body,
        name="佐藤 花子",
        organisation_kind="seniors_club",
        started_on=dt.date(2019, 4, 1),
    )
    body_services.membership_end(
        user=personas["admin"], membership=leaving, ended_on=dt.date(2023, 3, 31)
    )
    data = client.get(f"/api/councils/bodies/{body.pk}", headers=bearer("nurse")).json()
    assert [m["name"] for m in data["members"]["current"]] == ["山田 一郎"]
    past = data["members"]["past"]
    assert [(m["name"], m["ended_on"]) for m in past] == [("佐藤 花子", "2023-03-31")]
    assert past[0]["organisation_kind"] == {"code": "seniors_club", "label": "老人クラブ"}
    assert data["member_count"] == 1


def test_the_openapi_document_lists_the_routes_and_their_answers(client, db):
    doc = client.get("/api/openapi.json").json()
    for path in (
        "/api/v1/councils/issues",
        "/api/v1/councils/issues/{issue_id}",
        "/api/v1/councils/bodies",
        "/api/v1/councils/bodies/{body_id}",
    ):
        answers = set(doc["paths"][path]["get"]["responses"])
        assert {"200", "401", "403", "422"} <= answers, path
    assert "400" in doc["paths"]["/api/v1/councils/issues"]["get"]["responses"]
    params = {p["name"] for p in doc["paths"]["/api/v1/councils/issues"]["get"]["parameters"]}
    assert params == {"status", "tag", "life_area_id", "page", "page_size"}
