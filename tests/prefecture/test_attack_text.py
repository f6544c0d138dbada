"""Control characters in the support records' text: refused on the way in, so that no
stored value can take an XLSX download down (openpyxl refuses them in a cell)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from chiiki.prefecture.models import Seminar, TeamVisit
from chiiki.prefecture.services import support as services
from tests.prefecture.support_world import build_kochi, csv_table

BAD = "研修\x01会"


@pytest.fixture
def kochi(db):
    return build_kochi()


def test_a_seminar_with_a_control_character_is_refused_and_downloads_stay_up(kochi, client_for):
    client = client_for(kochi.viewer)
    data = {"day": "2018-11-01", "session": "", "title": BAD, "audience": "市町村長"}
    page = client.post(reverse("prefecture:seminars"), data)
    assert page.status_code == 400 and "制御文字" in page.content.decode()
    page = client.post(reverse("prefecture:seminars"), {**data, "title": "研修", "audience": BAD})
    assert page.status_code == 400
    assert not Seminar.objects.exists()
    seminar = services.seminar_create(
        user=None,
        prefecture=kochi.prefecture,
        day=dt.date(2018, 11, 1),
        title="研修",
        audience="長",
    )
    edit = reverse("prefecture:seminar_edit", args=[seminar.pk])
    assert client.post(edit, {**data, "title": "研修", "session": "午\x0b後"}).status_code == 400
    seminar.refresh_from_db()
    assert seminar.session == ""
    for fmt in ("csv", "xlsx"):
        url = reverse("prefecture:seminars_download", args=[fmt])
        assert client.get(url).status_code == 200


def test_a_team_visit_with_a_control_character_is_refused_by_hand_and_by_file(kochi, client_for):
    client = client_for(kochi.viewer)
    town = kochi.municipalities[0]
    data = {"day": "2019-05-10", "municipality": str(town.pk), "team": "", "purpose": BAD}
    page = client.post(reverse("prefecture:team_visit_create"), data)
    assert page.status_code == 400 and "制御文字" in page.content.decode()
    page = client.post(
        reverse("prefecture:team_visit_create"), {**data, "purpose": "", "team": BAD}
    )
    assert page.status_code == 400
    table = csv_table(f"訪問日,市町村コード,チーム,目的\n2019-05-10,{town.code},,{BAD}\n")
    result = services.team_visit_import(
        user=None, prefecture=kochi.prefecture, table=table, today=dt.date(2019, 6, 30)
    )
    assert not result.ok and "制御文字" in result.errors[0]["message"]
    assert not TeamVisit.objects.exists()
    with pytest.raises(Exception, match="制御文字"):
        services.team_visit_create(
            user=None,
            prefecture=kochi.prefecture,
            municipality=town,
            day=dt.date(2019, 5, 10),
            purpose=BAD,
            today=dt.date(2019, 6, 30),
        )
    for name in ("team_visits_download", "teams_download"):
        assert client.get(reverse(f"prefecture:{name}", args=["xlsx"])).status_code == 200
