import pytest

from chiiki.accounts.models import AuditAction, AuditEvent
from chiiki.accounts.services import api_token_create
from chiiki.areas import services
from chiiki.core.tabular import read_table
from tests.conftest import make_person


@pytest.fixture
def bearer(personas):
    def make(name):
        _, raw = api_token_create(user=personas[name], name="test")
        return {"Authorization": f"Bearer {raw}"}

    return make


def test_the_openapi_document_lists_the_routes(client, db):
    doc = client.get("/api/openapi.json").json()
    assert {
        "/api/v1/areas/municipalities",
        "/api/v1/areas/population",
        "/api/v1/people",
        "/api/v1/people/{person_id}",
    } <= set(doc["paths"])


def test_without_credentials_the_api_answers_401(client, db):
    assert client.get("/api/people").status_code == 401
    assert client.get("/api/people", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_people_are_listed_by_token_scoped_to_the_users_areas_and_paginated(client, bearer, town):
    for _ in range(3):
        make_person(town.n1)
    make_person(town.s1)
    body = client.get("/api/people?page_size=2", headers=bearer("nurse")).json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert {p["district"] for p in body["items"]} == {"須佐"}


def test_a_kana_query_ignores_width(client, bearer, town):
    make_person(town.n1, family_name="佐藤", family_kana="サトウ")
    body = client.get("/api/people", {"q": "ｻﾄｳ"}, headers=bearer("officer")).json()
    assert [p["family_name"] for p in body["items"]] == ["佐藤"]


def test_health_fields_are_null_for_a_coordinator(client, bearer, town):
    make_person(town.s1, care_level="care_1")
    items = client.get("/api/people", headers=bearer("coordinator")).json()["items"]
    assert items and all(p["care_level"] is None and p["insured_number"] is None for p in items)
    items = client.get("/api/people", headers=bearer("officer")).json()["items"]
    assert "care_1" in {p["care_level"] for p in items}


def test_a_person_outside_the_users_areas_is_403_and_a_read_inside_is_audited(client, bearer, town):
    inside, outside = make_person(town.n1), make_person(town.s1)
    assert client.get(f"/api/people/{outside.pk}", headers=bearer("nurse")).status_code == 403
    body = client.get(f"/api/people/{inside.pk}", headers=bearer("nurse")).json()
    assert body["address"] == inside.address
    event = AuditEvent.objects.get(action=AuditAction.READ)
    assert (event.object_id, event.channel) == (inside.pk, "api")


@pytest.mark.parametrize("role", ["outsider", "pref", "volunteer"])
def test_outsiders_get_no_people_of_the_town(client, bearer, town, role):
    make_person(town.n1)
    response = client.get("/api/people", headers=bearer(role))
    assert response.status_code == 403 or all(
        p["district"] != "須佐" for p in response.json()["items"]
    )


def test_population_is_returned_with_the_derived_figures(client, bearer, town):
    text = "地区,基準日,性別,年齢階級,人数\n須佐,2018-04-01,男,65-69,60\n旭,2018-04-01,女,80-84,40\n須佐,2018-04-01,女,40-44,100\n"
    services.population_import(
        municipality=town.municipality, table=read_table(text.encode(), "p.csv")
    )
    body = client.get("/api/areas/population", headers=bearer("pref")).json()
    assert body["figures"]["total"] == 200 and body["figures"]["aging_rate"] == "50.0"
    assert body["sentence"].startswith("総人口200人")
    assert {a["name"] for a in body["areas"]} >= {"北部", "須佐", "旭"}


def test_an_outsider_cannot_read_this_towns_population(client, bearer, town):
    response = client.get(
        f"/api/areas/population?municipality_id={town.municipality.pk}", headers=bearer("outsider")
    )
    assert response.status_code == 403


def test_districts_are_scoped_to_the_users_areas(client, bearer, town):
    names = {
        d["name"]
        for d in client.get("/api/areas/districts", headers=bearer("nurse")).json()["items"]
    }
    assert names == {"須佐", "田万川"}


def test_every_error_is_one_problem_shape_with_an_english_title(client, bearer, town):
    anonymous = client.get("/api/v1/people")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"].startswith("Bearer")
    bad = client.get("/api/v1/people", {"page_size": "AAA"}, headers=bearer("nurse"))
    missing = client.get("/api/v1/people/999999999", headers=bearer("nurse"))
    for response, status, title in (
        (anonymous, 401, "Unauthorized"),
        (bad, 422, "Unprocessable Content"),
        (missing, 403, "Forbidden"),
    ):
        body = response.json()
        assert response["Content-Type"].startswith("application/problem+json")
        assert (body["type"], body["title"], body["status"]) == ("about:blank", title, status)
        assert any("\u3040" <= ch <= "\u9fff" for ch in body["detail"])  # Japanese
    assert bad.json()["errors"] == [
        {"name": "page_size", "in": "query", "reason": "整数を指定してください"}
    ]


def test_every_operation_documents_its_problems_by_one_reference(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["components"]["responses"]["BadRequest"]["content"]["application/problem+json"]
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            wanted = {"400", "403", "404", "422"} | ({"409"} if method != "get" else set())
            assert wanted <= set(op["responses"]), (method, path)
            for code in wanted:
                assert op["responses"][code]["$ref"].startswith("#/components/responses/")


def test_the_api_answers_under_v1_and_under_its_alias(client, bearer, town):
    headers = bearer("nurse")
    v1 = client.get("/api/v1/people", headers=headers)
    alias = client.get("/api/people", headers=headers)
    assert v1.status_code == alias.status_code == 200 and v1.json() == alias.json()
    assert (
        client.get("/api/openapi.json").json()["paths"]
        == client.get("/api/v1/openapi.json").json()["paths"]
    )


def test_pages_say_the_count_and_the_next_page(client, bearer, town):
    from chiiki.core.paging import next_page

    assert [next_page(page=p, size=2, count=5) for p in (1, 2, 3, 4)] == [2, 3, None, None]
    headers = bearer("officer")
    first = client.get("/api/v1/areas/districts", {"page_size": 1}, headers=headers).json()
    assert first["count"] >= 2 and first["next"] == 2 and len(first["items"]) == 1
    last = client.get(
        "/api/v1/areas/districts", {"page_size": 1, "page": first["count"]}, headers=headers
    ).json()
    assert last["next"] is None and len(last["items"]) == 1
