"""The participation page: who may see it and import on it, the CSV, the errors by row and
column, and the audited list of a place's participants."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiiki.accounts.models import AuditEvent
from chiiki.indicators.models import Attendance
from tests.conftest import audited
from tests.indicators.participation_world import (
    PERSON_HEADER,
    PERSON_ROWS,
    build_world,
    csv_bytes,
)

URL = reverse("indicators:participation")
IMPORT = reverse("indicators:participation_import")


@pytest.fixture
def world(town, personas, other_town):
    return build_world(town, personas, other_town)


def upload(client, rows, name="sheet.csv"):
    f = SimpleUploadedFile(name, csv_bytes(rows, PERSON_HEADER), content_type="text/csv")
    return client.post(f"{IMPORT}?year=2024", {"file": f})


@pytest.mark.parametrize("who", ["officer", "nurse", "coordinator", "admin"])
def test_staff_who_see_indicators_see_the_table(world, client_for, who):
    page = client_for(world_user(world, who)).get(URL, {"year": "2024"})
    assert page.status_code == 200
    assert "須佐" in page.content.decode()


def world_user(world, who):
    from chiiki.accounts.models import User

    return User.objects.get(username=who)


@pytest.mark.parametrize("who", ["volunteer", "advisor", "pref", "outsider"])
def test_others_are_refused_the_page(world, client_for, who):
    client = client_for(world_user(world, who))
    if who == "outsider":  # another municipality's nurse sees her own town, never this one
        page = client.get(URL, {"year": "2024"})
        assert "須佐" not in page.content.decode()
        return
    assert client.get(URL).status_code == 403


def test_an_officer_imports_a_sheet_and_sees_the_rate(world, client_for):
    client = client_for(world_user(world, "officer"))
    response = upload(client, PERSON_ROWS)
    assert response.status_code == 302
    assert Attendance.objects.count() == 6
    page = client.get(URL, {"year": "2024"}).content.decode()
    assert "30.0%" in page and "12.5%" in page


def test_a_bad_sheet_shows_each_error_by_row_and_column_and_stores_nothing(world, client_for):
    client = client_for(world_user(world, "officer"))
    rows = [PERSON_ROWS[0], ["どこかのサロン", "2099-01-01", "9001", "", ""]]
    response = upload(client, rows)
    assert response.status_code == 400
    errors = response.context["result"].errors
    assert [(e["row"], e["column"]) for e in errors] == [
        (3, "通いの場"),
        (3, "日付"),
        (3, "宛名番号"),
    ]
    assert 'id="import-errors"' in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("who", ["nurse", "coordinator", "volunteer", "outsider"])
def test_only_those_who_keep_indicators_may_import(world, client_for, who):
    response = upload(client_for(world_user(world, who)), PERSON_ROWS)
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_the_table_downloads_as_csv_with_its_notes(world, client_for):
    client = client_for(world_user(world, "officer"))
    upload(client, PERSON_ROWS)
    response = client.get(URL, {"year": "2024", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["年度", "圏域", "地区", "参加者（65歳以上・実人数）"]
    suza = next(r for r in rows if r[2:3] == ["須佐"])
    assert suza[3] == "3" and suza[5] == "10" and suza[7] == "30.0"
    assert rows[5][2] == "市町村全体"
    assert any(r and r[0].startswith("※") for r in rows)


def test_a_places_participants_are_scoped_to_the_users_areas_and_audited(world, client_for):
    upload(client_for(world_user(world, "officer")), PERSON_ROWS)
    place_url = reverse("indicators:participation_place", args=[world.taiso.pk])
    # the nurse (北部) opens 旭体操クラブ (南部): its one participant lives in 旭, outside her areas
    nurse = client_for(world_user(world, "nurse"))
    page = nurse.get(place_url, {"year": "2024"})
    assert page.status_code == 200
    assert "旭 栄子" not in page.content.decode()
    salon_url = reverse("indicators:participation_place", args=[world.salon.pk])
    page = nurse.get(salon_url, {"year": "2024"})
    names = [p.registration.person.pk for p in page.context["participants"]]
    assert sorted(names) == sorted(world.people[k].pk for k in "ABCD")
    event = AuditEvent.objects.filter(action="list", username="nurse").latest("id")
    assert event.changes["list"] == "通いの場の参加者"
    assert set(event.subjects.values_list("person_id", flat=True)) == set(names)
    assert audited(world.people["A"], action="list").exists()


def test_a_place_of_another_municipality_or_not_a_gathering_place_is_refused(world, client_for):
    client = client_for(world_user(world, "outsider"))
    url = reverse("indicators:participation_place", args=[world.salon.pk])
    assert client.get(url).status_code == 403
    officer = client_for(world_user(world, "officer"))
    meals = reverse("indicators:participation_place", args=[world.meals.pk])
    assert officer.get(meals).status_code == 403


def test_the_page_runs_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    client = client_for(world_user(world, "officer"))
    upload(client, PERSON_ROWS)
    with django_assert_max_num_queries(30):
        client.get(URL, {"year": "2024"})
