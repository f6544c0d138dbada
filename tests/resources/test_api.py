"""The directory's JSON API and the read-only HSDS API."""

from __future__ import annotations

import pytest

from chiiki.resources import demo, hsds
from chiiki.resources.models import Service


def test_the_api_searches_with_two_character_queries(directory, personas, client_for):
    body = client_for(personas["volunteer"]).get("/api/resources/services", {"q": "配食"}).json()
    assert body["count"] >= 1 and all("id" in item and "name" in item for item in body["items"])


def test_the_api_calendar_follows_the_json_contract(directory, personas, client_for):
    cafe = Service.objects.get(uuid=demo.CAFE_ID)
    client = client_for(personas["officer"])
    body = client.get(f"/api/resources/services/{cafe.pk}/calendar", {"month": "2019-01"}).json()
    assert body["month"] == "2019-01" and len(body["days"]) == 31
    assert body["days"][7]["hours"] == [["08:00", "12:00"]]
    bad = client.get(f"/api/resources/services/{cafe.pk}/calendar", {"month": "2019-1x"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["name"] == "month"


def test_hsds_services_come_in_valid_pages(directory, personas, client_for):
    client = client_for(personas["officer"])
    first = client.get("/api/hsds/services", {"per_page": 5}).json()
    assert first["total_items"] == Service.objects.count() and first["size"] == 5
    assert first["first_page"] is True and first["last_page"] is False
    assert hsds.validate(first) == []
    one = client.get(f"/api/hsds/services/{demo.CAFE_ID}").json()
    assert one["id"] == demo.CAFE_ID and one["organization"]["name"]
    assert hsds.validate([one]) == []
    searched = client.get("/api/hsds/services", {"search": "カフェ"}).json()
    assert demo.CAFE_ID in [s["id"] for s in searched["contents"]]


def test_hsds_organizations_and_taxonomies(directory, personas, client_for):
    client = client_for(personas["officer"])
    orgs = client.get("/api/hsds/organizations").json()
    assert orgs["total_items"] >= 1
    org = client.get(f"/api/hsds/organizations/{orgs['contents'][0]['id']}").json()
    assert org["services"]
    terms = client.get("/api/hsds/taxonomy_terms", {"per_page": 100}).json()
    assert "体操（いきいき百歳体操）" in [t["name"] for t in terms["contents"]]
    assert client.get("/api/hsds/").json()["version"] == "3.0"


@pytest.mark.parametrize(
    "url",
    [
        "/api/resources/services",
        "/api/hsds/services",
        f"/api/hsds/services/{demo.CAFE_ID}",
        "/api/hsds/organizations",
    ],
)
def test_an_outsider_sees_nothing_of_another_municipality_through_the_api(
    directory, personas, client_for, url
):
    response = client_for(personas["outsider"]).get(url)
    if url.endswith(demo.CAFE_ID):
        assert response.status_code == 404
    else:
        body = response.json()
        assert body.get("count", body.get("total_items")) == 0


def test_the_calendar_api_refuses_an_outsider(directory, personas, client_for):
    cafe = Service.objects.get(uuid=demo.CAFE_ID)
    response = client_for(personas["outsider"]).get(
        f"/api/resources/services/{cafe.pk}/calendar", {"month": "2019-01"}
    )
    assert response.status_code == 403


def test_the_api_needs_a_login(directory, client):
    assert client.get("/api/hsds/services").status_code == 401
    assert client.get("/api/resources/services").status_code == 401


def test_hsds_services_combine_search_with_a_category_term(directory, personas, client_for):
    from chiiki.resources import taxonomy

    term = taxonomy.categories().get("kaimono")
    body = (
        client_for(personas["officer"])
        .get("/api/hsds/services", {"search": "カフェ", "taxonomy_term_id": str(term.uuid)})
        .json()
    )
    assert demo.CAFE_ID in [s["id"] for s in body["contents"]]
