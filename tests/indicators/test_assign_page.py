"""The assignment page: computed from the municipality's districts or a file, and saved as
the districts' owners by those who may."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiiki.accounts.models import AuditEvent
from chiiki.areas.models import PopulationRecord
from chiiki.surveys.models import DistrictOwner

# 高齢者数 (65+) on the latest date: 須佐 300, 田万川 100, 旭 250, 福栄 150.
AGED = {"n1": 300, "n2": 100, "s1": 250, "s2": 150}


@pytest.fixture
def population(town):
    cells = []
    for attr, n in AGED.items():
        district = getattr(town, attr)
        cells += [
            PopulationRecord(
                municipality=town.municipality,
                district=district,
                date=day,
                sex="F",
                age_from=band,
                count=count,
            )
            for day, band, count in (
                (dt.date(2024, 4, 1), 65, 999),  # an older table, not used
                (dt.date(2025, 4, 1), 65, n - 10),
                (dt.date(2025, 4, 1), 90, 10),
                (dt.date(2025, 4, 1), 60, 500),  # under 65: not counted
            )
        ]
    PopulationRecord.objects.bulk_create(cells)
    return town


def test_the_page_assigns_the_municipalitys_districts_from_the_latest_table(
    client_for, personas, population
):
    response = client_for(personas["coordinator"]).get(reverse("indicators:assign"), {"staff": "2"})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.max_load == 400 and result.proven
    assert [g.districts for g in result.groups] == [("須佐", "田万川"), ("旭", "福栄")]
    assert response.context["base_max_load"] == "400"
    text = response.content.decode()
    assert response.context["data"].date == dt.date(2025, 4, 1)
    assert "地区担当として保存" not in text


def test_within_life_area_on_the_page(client_for, personas, population):
    response = client_for(personas["officer"]).get(
        reverse("indicators:assign"), {"staff": "3", "within": "1"}
    )
    groups = response.context["result"].groups
    assert [(g.life_area, g.districts) for g in groups] == [
        ("北部", ("須佐",)),
        ("北部", ("田万川",)),
        ("南部", ("旭", "福栄")),
    ]
    assert response.context["result"].max_load == 400


def test_impossible_requests_show_the_reason(client_for, personas, population):
    response = client_for(personas["officer"]).get(reverse("indicators:assign"), {"staff": "5"})
    assert "地区が4か所しかなく" in response.content.decode()
    response = client_for(personas["officer"]).get(reverse("indicators:assign"), {"staff": "x"})
    assert response.status_code == 400


def test_a_file_gives_the_high_risk_counts(client_for, personas, population):
    upload = SimpleUploadedFile(
        "地区.csv",
        "地区,圏域,高齢者数,高リスク者数\n須佐,北部,300,10\n田万川,北部,100,40\n旭,南部,250,0\n福栄,南部,150,0\n".encode(
            "cp932"
        ),
    )
    response = client_for(personas["officer"]).post(
        reverse("indicators:assign"), {"file": upload, "staff": "2", "weight": "2"}
    )
    assert response.context["result"].max_load == 470  # 320+150 | 180+250
    assert "地区担当として保存" in response.content.decode()


def test_a_bad_file_shows_its_faults(client_for, personas, population):
    upload = SimpleUploadedFile("地区.csv", "地区,圏域,高齢者数\n須佐,北部,-1\n".encode())
    response = client_for(personas["officer"]).post(
        reverse("indicators:assign"), {"file": upload, "staff": "1"}
    )
    assert "2行目「高齢者数」: 人数は負にできません" in response.content.decode()


def test_an_officer_saves_the_assignment_as_the_owners(client_for, personas, population, town):
    officer, nurse = personas["officer"], personas["nurse"]
    response = client_for(officer).get(reverse("indicators:assign"), {"staff": "2"})
    assert [u.username for u in response.context["staff_choices"]] == ["admin", "nurse", "officer"]
    post = {
        f"district-{d.pk}": k
        for k, ds in ((1, [town.n1, town.n2]), (2, [town.s1, town.s2]))
        for d in ds
    }
    post |= {"staff-1": nurse.pk, "staff-2": officer.pk}
    response = client_for(officer).post(reverse("indicators:assign_save"), post)
    assert response.status_code == 302
    owners = dict(DistrictOwner.objects.values_list("district__name", "staff__username"))
    assert owners == {"須佐": "nurse", "田万川": "nurse", "旭": "officer", "福栄": "officer"}
    event = AuditEvent.objects.get(model="areas.municipality", changes__has_key="district_owners")
    assert event.changes["district_owners"]["須佐"] == [None, "nurse"]
    client_for(officer).post(reverse("indicators:assign_save"), post)  # the same again
    assert AuditEvent.objects.filter(changes__has_key="district_owners").count() == 1
    page = client_for(officer).get(reverse("indicators:assign"), {"staff": "2"})
    assert [s["current"] for s in page.context["save_groups"]] == [nurse.pk, officer.pk]


@pytest.mark.parametrize("persona", ["nurse", "coordinator", "volunteer", "outsider"])
def test_others_cannot_save(client_for, personas, population, town, persona):
    post = {f"district-{town.n1.pk}": 1, "staff-1": personas["officer"].pk}
    response = client_for(personas[persona]).post(reverse("indicators:assign_save"), post)
    assert response.status_code == 403
    assert not DistrictOwner.objects.exists()


def test_an_outsider_sees_only_their_own_municipality(client_for, personas, population):
    response = client_for(personas["outsider"]).get(reverse("indicators:assign"), {"staff": "1"})
    assert [d.name for d in response.context["data"].districts] == ["朝来"]


def test_a_volunteer_and_the_prefecture_cannot_see_the_page(client_for, personas, population):
    for persona in ("volunteer", "pref"):
        response = client_for(personas[persona]).get(reverse("indicators:assign"))
        assert response.status_code == 403, persona


def test_a_group_without_staff_or_staff_twice_saves_nothing(client_for, personas, population, town):
    officer = personas["officer"]
    post = {f"district-{town.n1.pk}": 1, f"district-{town.s1.pk}": 2, "staff-1": officer.pk}
    client_for(officer).post(reverse("indicators:assign_save"), post)
    assert not DistrictOwner.objects.exists()
    post["staff-2"] = officer.pk
    client_for(officer).post(reverse("indicators:assign_save"), post)
    assert not DistrictOwner.objects.exists()
    post["staff-2"] = personas["outsider"].pk  # another municipality's: not among the choices
    client_for(officer).post(reverse("indicators:assign_save"), post)
    assert not DistrictOwner.objects.exists()


def test_the_index_links_the_page(client_for, personas):
    assert (
        reverse("indicators:assign")
        in client_for(personas["officer"]).get(reverse("indicators:index")).content.decode()
    )
