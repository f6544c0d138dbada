"""HSDS ids are each municipality's own: an import reads and writes that municipality only,
and the HSDS API answers from the user's municipalities only."""

from __future__ import annotations

import datetime as dt

import pytest

from chiiki.areas import services as area_services
from chiiki.resources import hsds
from chiiki.resources.models import (
    Contact,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from chiiki.resources.selectors import service_records
from chiiki.resources.services import DirectoryImportError, directory_import

ORG = "6f1d7c1e-0000-4000-8000-000000000001"
LOCATION = "6f1d7c1e-0000-4000-8000-000000000002"


def child(n: int, other: bool = False) -> str:
    """The id of a schedule, contact … (another set of them with ``other``)."""
    return f"6f1d7c1e-0000-4000-8000-0000000{'1' if other else '0'}00{n:02d}"


SCHEDULE = child(4)


def record(
    service_id: str,
    name: str,
    *,
    org_name: str = "支え合いの会",
    place: str = "公民館",
    other_children: bool = False,
) -> hsds.ServiceRecord:
    """A service with its organization, place and one of each kind of child row."""
    c = [child(n, other_children) for n in range(9)]
    return hsds.ServiceRecord(
        uuid=service_id,
        name=name,
        organization=hsds.OrganizationRecord(uuid=ORG, name=org_name),
        locations=(hsds.LocationRecord(uuid=LOCATION, at_uuid=c[3], name=place),),
        schedules=(
            hsds.ScheduleRecord(
                uuid=c[4], freq="WEEKLY", byday="TU", opens_at=dt.time(10), closes_at=dt.time(12)
            ),
        ),
        contacts=(
            hsds.ContactRecord(
                uuid=c[5], department="事務局", phones=(hsds.PhoneRecord(c[6], "0838-22-1111"),)
            ),
        ),
        cost_options=(hsds.CostRecord(c[7], "1回", 100),),
        areas=(hsds.AreaRecord(c[8], "全域"),),
    )


SALON = "6f1d7c1e-0000-4000-8000-0000000000a1"
OTHER_SALON = "6f1d7c1e-0000-4000-8000-0000000000b1"


def test_an_import_never_changes_another_municipalitys_organization_or_location(town, other_town):
    directory_import(municipality=town.municipality, records=[record(SALON, "ふれあいサロン")])
    directory_import(
        municipality=other_town,
        records=[
            record(
                OTHER_SALON,
                "朝来サロン",
                org_name="朝来の会",
                place="朝来集会所",
                other_children=True,
            )
        ],
    )
    mine = Service.objects.get(municipality=town.municipality)
    assert (mine.organization.name, mine.at_locations.get().location.name) == (
        "支え合いの会",
        "公民館",
    )
    theirs = Service.objects.get(municipality=other_town)
    assert theirs.organization.municipality == other_town
    assert theirs.at_locations.get().location.municipality == other_town
    assert (theirs.organization.name, theirs.at_locations.get().location.name) == (
        "朝来の会",
        "朝来集会所",
    )
    assert Organization.objects.filter(uuid=ORG).count() == 2
    assert Location.objects.filter(uuid=LOCATION).count() == 2


def test_the_same_file_imports_into_two_municipalities_each_as_its_own(town, other_town):
    records = [record(SALON, "ふれあいサロン")]
    directory_import(municipality=town.municipality, records=records)
    before = service_records(municipality_ids=[town.municipality.pk])
    # The other municipality is not told that the id exists elsewhere: it is its own.
    assert directory_import(municipality=other_town, records=records) == 1
    assert service_records(municipality_ids=[town.municipality.pk]) == before
    theirs = service_records(municipality_ids=[other_town.pk])
    # Every id as the file has it, none derived because another municipality holds it.
    assert theirs == before == records
    for model in (Service, Schedule, Contact, Phone, ServiceAtLocation):
        assert model.objects.count() == 2, model
    # And again: the same file a second time changes nothing in either.
    directory_import(municipality=other_town, records=records)
    assert service_records(municipality_ids=[other_town.pk]) == theirs
    assert service_records(municipality_ids=[town.municipality.pk]) == before


def test_a_refusal_says_nothing_about_another_municipalitys_records(town, other_town):
    directory_import(municipality=town.municipality, records=[record(SALON, "ふれあいサロン")])
    bad = record(SALON, "ふれあいサロン")
    bad = hsds.ServiceRecord(**{**bad.__dict__, "district_code": "ZZ"})
    with pytest.raises(DirectoryImportError) as info:
        directory_import(municipality=other_town, records=[bad])
    assert "別の市町村" not in str(info.value) and "地区コード「ZZ」" in str(info.value)


def test_child_ids_another_municipality_holds_are_stored_as_the_file_has_them(town, other_town):
    # Another municipality's service holds the same schedule, contact, phone … ids.
    directory_import(municipality=other_town, records=[record(OTHER_SALON, "朝来サロン")])
    mine = record(SALON, "ふれあいサロン")
    directory_import(municipality=town.municipality, records=[mine])
    # Nothing derived: what is stored (and exported) does not show that the ids exist elsewhere.
    assert service_records(municipality_ids=[town.municipality.pk]) == [mine]


def test_a_record_that_lists_one_schedule_twice_keeps_both_rows_of_its_own(town, other_town):
    twice = record(SALON, "ふれあいサロン")
    twice = hsds.ServiceRecord(**{**twice.__dict__, "schedules": twice.schedules * 2})
    directory_import(municipality=other_town, records=[record(OTHER_SALON, "朝来サロン")])
    directory_import(municipality=town.municipality, records=[twice])
    ids = sorted(
        str(u)
        for u in Schedule.objects.filter(service__municipality=town.municipality).values_list(
            "uuid", flat=True
        )
    )
    assert ids == sorted([SCHEDULE, hsds.derived_id("schedule", SALON, SCHEDULE)])
    assert str(Schedule.objects.get(service__municipality=other_town).uuid) == SCHEDULE


@pytest.fixture
def neighbour(town):
    """A second municipality of the same prefecture: the prefecture persona sees both."""
    m = area_services.municipality_create(
        code="352039", name="山口市", prefecture_code="35", prefecture_name="山口県"
    )
    la = area_services.life_area_create(municipality=m, code="C", name="中央", order=1)
    area_services.district_create(life_area=la, code="C1", name="大殿", order=1)
    return m


def test_the_hsds_api_gives_each_municipalitys_own_record_under_a_shared_id(
    town, neighbour, other_town, personas, client_for
):
    directory_import(municipality=town.municipality, records=[record(SALON, "萩のサロン")])
    directory_import(
        municipality=neighbour, records=[record(SALON, "山口のサロン", org_name="山口の会")]
    )
    directory_import(municipality=other_town, records=[record(SALON, "国東のサロン")])
    client = client_for(personas["pref"])
    page = client.get("/api/hsds/services").json()
    assert sorted(s["name"] for s in page["contents"]) == ["山口のサロン", "萩のサロン"]
    assert hsds.validate(page) == []
    client = client_for(personas["officer"])
    assert client.get(f"/api/hsds/services/{SALON}").json()["name"] == "萩のサロン"
    assert client.get(f"/api/hsds/organizations/{ORG}").json()["services"] == [
        {"id": SALON, "name": "萩のサロン"}
    ]
    client = client_for(personas["outsider"])
    assert client.get(f"/api/hsds/services/{SALON}").json()["name"] == "国東のサロン"
    only = client.get("/api/hsds/services", {"organization_id": ORG}).json()
    assert [s["name"] for s in only["contents"]] == ["国東のサロン"]
