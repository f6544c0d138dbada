"""The open-data page, its ZIP for the prefecture and the municipal staff's own ZIP, and the
municipality's profile: who may, and what it shows."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.prefecture import opendata_world


@pytest.fixture
def world(town, personas, other_town, tmp_path):
    return opendata_world.build(town, personas, other_town, tmp_path)


def _zip(response) -> dict[str, bytes]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        return {name.split("/", 1)[1]: z.read(name) for name in z.namelist()}


def test_the_prefecture_sees_its_tables_and_downloads_the_package(world, client_for, personas):
    client = client_for(personas["pref"])
    page = client.get("/prefecture/opendata/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "dispatches-by-municipality.csv" in html and "/prefecture/opendata/package.zip" in html
    assert f"/prefecture/m/{opendata_world.HAGI}/" in html
    files = _zip(client.get("/prefecture/opendata/package.zip"))
    meta = json.loads(files["datapackage.json"])
    assert {r["path"] for r in meta["resources"]} <= set(files)
    assert "aging-by-municipality.csv" in files
    assert client.get("/prefecture/").status_code == 200


def test_municipal_staff_download_their_own_municipalitys_package(world, client_for, personas):
    files = _zip(client_for(personas["officer"]).get("/prefecture/opendata/municipality.zip"))
    meta = json.loads(files["datapackage.json"])
    assert meta["name"] == f"chiiki-{opendata_world.HAGI}"
    assert "participation-by-district.csv" in files


@pytest.mark.parametrize("persona", ["officer", "nurse", "volunteer", "advisor", "outsider"])
def test_no_one_but_the_prefecture_opens_the_prefectures_page(world, client_for, personas, persona):
    client = client_for(personas[persona])
    assert client.get("/prefecture/opendata/").status_code == 403
    assert client.get("/prefecture/opendata/package.zip").status_code == 403
    assert client.get(f"/prefecture/m/{opendata_world.HAGI}/").status_code == 403


@pytest.mark.parametrize("persona", ["pref", "volunteer", "advisor"])
def test_the_municipal_package_is_refused_to_those_without_indicators(
    world, client_for, personas, persona
):
    response = client_for(personas[persona]).get("/prefecture/opendata/municipality.zip")
    assert response.status_code == 403


def test_the_outsider_gets_only_their_own_municipality(world, client_for, personas):
    files = _zip(client_for(personas["outsider"]).get("/prefecture/opendata/municipality.zip"))
    assert json.loads(files["datapackage.json"])["name"] == "chiiki-442143"
    assert not any("萩市" in content.decode("utf-8", "ignore") for content in files.values())


def test_anonymous_visitors_are_sent_to_log_in(world, client):
    for url in ("/prefecture/opendata/", "/prefecture/opendata/municipality.zip"):
        assert client.get(url).status_code == 302


def test_the_profile_in_the_guides_words_and_its_pdf(world, client_for, personas):
    client = client_for(personas["pref"])
    page = client.get(f"/prefecture/m/{opendata_world.HAGI}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "時点で総人口" in html and "認定率" in html and "通いの場" in html
    assert "data-print" in html
    assert "交付金の自己評価" not in html  # nothing shared yet
    pdf = client.get(f"/prefecture/m/{opendata_world.HAGI}/profile.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_another_prefectures_municipality_is_not_found(world, client_for, personas):
    client = client_for(personas["pref"])
    assert client.get("/prefecture/m/442143/").status_code == 404
    assert client.get("/prefecture/m/442143/profile.pdf").status_code == 404
    assert client.get("/prefecture/m/000000/").status_code == 404


def test_a_shared_self_assessment_shows_its_counts_and_never_its_notes(
    world, town, client_for, personas
):
    opendata_world.share_grant(town, personas)
    html = (
        client_for(personas["pref"]).get(f"/prefecture/m/{opendata_world.HAGI}/").content.decode()
    )
    assert "交付金の自己評価" in html
    assert "内部メモ" not in html and "担当者の所見" not in html
    assert 'id="profile-grant"' in html


def test_an_unshared_self_assessment_stays_with_the_municipality(world, town, client_for, personas):
    opendata_world.share_grant(town, personas, shared=False)
    html = (
        client_for(personas["pref"]).get(f"/prefecture/m/{opendata_world.HAGI}/").content.decode()
    )
    assert 'id="profile-grant"' not in html
