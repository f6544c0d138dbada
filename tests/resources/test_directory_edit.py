"""The directory by hand: organizations, services, places and schedules typed in on forms,
each change audited, found by the search and in the HSDS export; the schedule preview."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied

from chiiki.accounts.models import AuditEvent
from chiiki.resources import hsds, selectors, services
from chiiki.resources.models import Location, Organization, Schedule, Service

HX = {"HX-Request": "true"}
REFUSED = "この地域資源を変更する権限がありません"


@dataclass
class World:
    org: Organization
    south: Service  # 旭 (南部): the coordinator's
    north: Service  # 須佐 (北部): the nurse's
    elsewhere: Service  # 国東市


@pytest.fixture
def world(town, other_town, personas) -> World:
    officer = personas["officer"]
    org = services.organization_create(user=officer, name="旭地区社協", provider_kind="shakyo")
    south = services.service_create(
        user=officer,
        organization=org,
        district=town.s1,
        name="旭いきいき体操",
        categories=["taiso"],
    )
    north = services.service_create(
        user=officer, organization=org, district=town.n1, name="須佐ふれあいサロン"
    )
    other = hsds.ServiceRecord(
        uuid="6f1d7c1e-0000-4000-8000-0000000000c1",
        name="朝来サロン",
        organization=hsds.OrganizationRecord(
            uuid="6f1d7c1e-0000-4000-8000-0000000000c2", name="朝来の会"
        ),
    )
    services.directory_import(municipality=other_town, records=[other])
    return World(org, south, north, Service.objects.get(municipality=other_town))


def _service_form(org: Organization, district, **changes) -> dict:
    data = {
        "name": "旭ゆうゆうサロン",
        "organization": org.pk,
        "district": district.pk if district else "",
        "description": "公民館でお茶とおしゃべり",
        "categories": ["kayoi"],
        "status": "active",
        "fee_amount": "0",
        "pickup": "on",
        "pickup_note": "水曜日は送迎できます",
        "phone": "0838-22-1234",
        "closed_on_holidays": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _exported(municipality) -> dict:
    document = hsds.export_document(selectors.service_records(municipality_ids=[municipality.pk]))
    assert hsds.validate(document) == []
    return document


def _events(model: str, action: str, pk: int):
    return AuditEvent.objects.filter(model=f"resources.{model}", action=action, object_id=pk)


def test_a_coordinator_types_in_a_service_of_her_district_and_it_is_found_and_exported(
    town, world, personas, client_for
):
    client = client_for(personas["coordinator"])
    assert "サービスを追加" in client.get("/resources/").content.decode()
    response = client.post("/resources/services/new/", _service_form(world.org, town.s1))
    service = Service.objects.get(name="旭ゆうゆうサロン")
    assert response.status_code == 302 and response["Location"].endswith(f"/{service.pk}/edit/")
    assert service.free and service.pickup and service.district == town.s1
    assert [c.amount for c in service.cost_options.all()] == [0]
    created = _events("service", "create", service.pk).get()
    assert created.user == personas["coordinator"] and created.channel == "web"
    assert created.changes["name"] == [None, "旭ゆうゆうサロン"]
    assert created.changes["phone"] == [None, "0838-22-1234"]
    assert created.municipality_id == town.municipality.pk

    # Schedules typed in: 第2・第4火曜 and a closure.
    schedule_url = f"/resources/services/{service.pk}/schedules/new/"
    form = client.get(schedule_url, {"kind": "event"}).content.decode()
    assert "催しの名前" in form and 'aria-live="polite"' in form
    assert f'hx-get="{schedule_url}"' in form and 'hx-trigger="input changed delay:300ms' in form
    weekly = {
        "kind": "open",
        "freq": "MONTHLY",
        "interval": "1",
        "weekdays": ["TU"],
        "weeks": ["2", "4"],
        "opens_at": "10:00",
        "closes_at": "11:30",
    }
    assert client.post(schedule_url, weekly).status_code == 302
    closure = {"kind": "closed", "valid_from": "2025-01-14", "description": "会場の点検"}
    assert client.post(schedule_url, closure).status_code == 302
    assert _events("schedule", "create", service.schedules.get(kind="open").pk).exists()

    # The search finds it at once, by a word of its name and by its category.
    found = client.get("/resources/", {"q": "ゆうゆう"}).content.decode()
    assert "旭ゆうゆうサロン" in found
    assert service in list(selectors.service_search(user=personas["nurse"], query="ﾕｳﾕｳ"))

    item = next(s for s in _exported(town.municipality)["contents"] if s["id"] == str(service.uuid))
    assert item["name"] == "旭ゆうゆうサロン" and item["phones"][0]["number"] == "0838-22-1234"
    assert [c["amount"] for c in item["cost_options"]] == [0]
    assert {a["taxonomy_term"]["code"] for a in item["attributes"]} >= {"kayoi", "pickup"}
    kinds = {
        s["attributes"][0]["value"]: (s.get("byday"), s.get("valid_from"))
        for s in item["schedules"]
    }
    assert kinds == {"open": ("2TU,4TU", None), "closed": (None, "2025-01-14")}


def test_an_edit_is_audited_field_by_field_and_the_search_follows_the_new_name(
    world, personas, client_for
):
    client = client_for(personas["coordinator"])
    south = world.south
    services.service_update(user=personas["officer"], service=south, fee_amount=100)
    page = client.get(f"/resources/services/{south.pk}/").content.decode()
    assert f'href="/resources/services/{south.pk}/edit/"' in page
    form = client.get(f"/resources/services/{south.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False, "")}
    data |= {"name": "旭げんき体操", "status": "defunct", "closed_on_holidays": "on"}
    assert client.post(f"/resources/services/{south.pk}/edit/", data).status_code == 302
    south.refresh_from_db()
    assert south.name == "旭げんき体操" and south.status == "defunct"
    # The fee box was not touched: the stored option stays as it was.
    assert [c.amount for c in south.cost_options.all()] == [100]
    change = _events("service", "update", south.pk).filter(user=personas["coordinator"]).get()
    assert change.changes == {
        "name": ["旭いきいき体操", "旭げんき体操"],
        "status": ["active", "defunct"],
    }
    who = personas["nurse"]
    assert [s.name for s in selectors.service_search(user=who, query="げんき")] == ["旭げんき体操"]
    assert list(selectors.service_search(user=who, query="旭いきいき")) == []
    # Ended, not deleted: still on its page, marked, and in the export as defunct.
    assert "終了" in client.get(f"/resources/services/{south.pk}/").content.decode()


def test_another_areas_or_municipalitys_service_is_refused_as_if_it_did_not_exist(
    town, world, personas, client_for
):
    client = client_for(personas["coordinator"])
    north_page = client.get(f"/resources/services/{world.north.pk}/").content.decode()
    assert "/edit/" not in north_page
    answers = [
        client.get(f"/resources/services/{pk}/edit/")
        for pk in (world.north.pk, world.elsewhere.pk, 987654321)
    ]
    assert [r.status_code for r in answers] == [403, 403, 403]
    assert all(REFUSED in r.content.decode() for r in answers)
    posted = client.post(
        f"/resources/services/{world.north.pk}/edit/", _service_form(world.org, town.n1)
    )
    assert posted.status_code == 403
    schedule = client.post(
        f"/resources/services/{world.elsewhere.pk}/schedules/new/",
        {"kind": "closed", "valid_from": "2025-01-14"},
    )
    assert schedule.status_code == 403 and not Schedule.objects.exists()

    # A district of another area is not among her choices, and the service refuses it too.
    refused = client.post("/resources/services/new/", _service_form(world.org, town.n1))
    assert refused.status_code == 200 and refused.context["form"].errors["district"]
    with pytest.raises(PermissionDenied):
        services.service_create(
            user=personas["coordinator"], organization=world.org, district=town.n1, name="x"
        )
    assert not Service.objects.filter(name__in=["旭ゆうゆうサロン", "x"]).exists()
    # The volunteer reads the directory but is offered no form.
    volunteer = client_for(personas["volunteer"])
    assert "サービスを追加" not in volunteer.get("/resources/").content.decode()
    assert volunteer.get("/resources/services/new/").status_code == 403


def test_a_service_in_no_district_is_for_municipal_staff_only(town, world, personas, client_for):
    officer = client_for(personas["officer"])
    response = officer.post("/resources/services/new/", _service_form(world.org, None))
    service = Service.objects.get(name="旭ゆうゆうサロン")
    assert response.status_code == 302 and service.district is None
    coordinator = client_for(personas["coordinator"])
    assert coordinator.get(f"/resources/services/{service.pk}/edit/").status_code == 403
    blank = coordinator.post("/resources/services/new/", _service_form(world.org, None, name="b"))
    assert "district" in blank.context["form"].errors


def _preview(client, service: Service, **params) -> str:
    response = client.get(f"/resources/services/{service.pk}/schedules/new/", params, headers=HX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    return body


def _listed(body: str, heading: str) -> list[str]:
    found = re.search(rf"<strong>{heading}</strong>: (.*?)</p>", body, re.S)
    assert found, body
    return re.findall(r"(\d+月\d+日（.）)", found.group(1))


def test_the_preview_gives_the_next_dates_of_a_weekly_rule_without_holidays_and_closures(
    world, personas, client_for
):
    services.schedule_create(
        user=personas["officer"],
        service=world.south,
        kind="closed",
        valid_from=dt.date(2025, 1, 14),
        valid_to=dt.date(2025, 1, 16),
        description="会場の点検",
    )
    client = client_for(personas["coordinator"])
    body = _preview(
        client,
        world.south,
        kind="open",
        freq="WEEKLY",
        interval="1",
        weekdays=["TU", "TH"],
        opens_at="10:00",
        closes_at="12:00",
        preview_from="2025-01-06",
    )
    assert _listed(body, "次の予定") == [
        "1月7日（火）",
        "1月9日（木）",
        "1月21日（火）",
        "1月23日（木）",
        "1月28日（火）",
        "1月30日（木）",
        "2月4日（火）",
        "2月6日（木）",
        "2月13日（木）",  # 2/11 is 建国記念の日
        "2月18日（火）",
    ]
    assert _listed(body, "休みのため開かれない日") == [
        "1月14日（火）",
        "1月16日（木）",
        "2月11日（火）",
    ]
    assert "会場の点検" in body and "建国記念の日" in body and "10:00〜12:00" in body
    assert 'data-date="2025-01-06"' in body and 'data-date="2025-03-02"' in body  # 8 weeks

    # Every other week, from the week of 1/6: 1/7, (1/21), 2/4 …
    fortnightly = _preview(
        client,
        world.south,
        kind="open",
        freq="WEEKLY",
        interval="2",
        weekdays=["TU"],
        dtstart="2025-01-06",
        opens_at="10:00",
        closes_at="12:00",
        preview_from="2025-01-06",
    )
    assert _listed(fortnightly, "次の予定")[:3] == ["1月7日（火）", "1月21日（火）", "2月4日（火）"]

    # A closure typed in shows the open days it takes away.
    services.schedule_create(
        user=personas["officer"],
        service=world.south,
        kind="open",
        freq="WEEKLY",
        byday="MO,FR",
        opens_at=dt.time(9),
        closes_at=dt.time(11),
    )
    closing = _preview(
        client, world.south, kind="closed", valid_from="2025-03-03", valid_to="2025-03-09"
    )
    assert _listed(closing, "この休みで開かれなくなる日") == ["3月3日（月）", "3月7日（金）"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"opens_at": "25:99"}, "開始時刻: "),
        ({"interval": "abc"}, "間隔: "),
        ({"interval": "500"}, "間隔: "),
        ({"weekdays": ["XX"]}, "曜日: "),
        ({"weekdays": []}, "曜日: 毎週の予定には曜日"),
        (
            {"opens_at": "12:00", "closes_at": "10:00"},
            "終了時刻: 終了時刻 10:00 が開始時刻 12:00 より前です",
        ),
        (
            {"freq": "MONTHLY", "weeks": [], "bymonthday": "1,x"},
            "日付（毎月のとき）: 「x」は日付の数字です",
        ),
        ({"freq": "MONTHLY", "weeks": [], "bymonthday": "40"}, "1〜31"),
        ({"valid_from": "2025-02-30"}, "有効期間（から）: "),
        (
            {"valid_from": "2025-03-01", "valid_to": "2025-02-01"},
            "有効期間の終わりが始まりより前です",
        ),
        ({"preview_from": "2025-02-30"}, "preview_from"),
        ({"kind": "closed", "valid_from": ""}, "休みの初日: "),
    ],
)
def test_the_preview_answers_bad_values_with_a_japanese_message(
    world, personas, client_for, params, message
):
    typed = {
        "kind": "open",
        "freq": "WEEKLY",
        "interval": "1",
        "weekdays": ["TU"],
        "opens_at": "10:00",
        "closes_at": "12:00",
    }
    body = _preview(client_for(personas["coordinator"]), world.south, **(typed | params))
    assert 'class="errors"' in body and message in body, body
    assert "次の予定" not in body


def test_a_closure_is_added_changed_and_deleted_each_step_audited(world, personas, client_for):
    client = client_for(personas["coordinator"])
    base = f"/resources/services/{world.south.pk}/schedules"
    bad = client.post(
        f"{base}/new/",
        {"kind": "closed", "valid_from": "2025-01-10", "valid_to": "2025-01-05"},
    )
    assert bad.status_code == 200 and bad.context["form"].errors["valid_to"]
    assert not Schedule.objects.exists()
    client.post(
        f"{base}/new/",
        {
            "kind": "closed",
            "valid_from": "2025-01-02",
            "valid_to": "2025-01-05",
            "description": "年始休業",
        },
    )
    closure = Schedule.objects.get(service=world.south, kind="closed")
    edit = client.get(f"{base}/{closure.pk}/")
    assert edit.status_code == 200 and "この休みで開かれなくなる日" not in edit.content.decode()
    changed = {
        "kind": "closed",
        "valid_from": "2025-01-02",
        "valid_to": "2025-01-06",
        "description": "年始休業",
    }
    assert client.post(f"{base}/{closure.pk}/", changed).status_code == 302
    update = _events("schedule", "update", closure.pk).get()
    assert update.changes == {"valid_to": ["2025-01-05", "2025-01-06"]}
    days = selectors.service_month(
        service=Service.objects.get(pk=world.south.pk), year=2025, month=1
    )
    assert days[5].reason == "年始休業"  # 1/6
    assert client.post(f"{base}/{closure.pk}/delete/").status_code == 302
    assert not Schedule.objects.filter(pk=closure.pk).exists()
    deleted = _events("schedule", "delete", closure.pk).get()
    assert deleted.changes["description"] == ["年始休業", None]
    assert deleted.municipality_id == world.south.municipality_id
    # Another service's schedule id is refused like a missing one.
    assert (
        client.post(f"/resources/services/{world.south.pk}/schedules/987654321/delete/").status_code
        == 403
    )


def test_an_organization_and_a_place_typed_in_reach_the_service_search_and_export(
    town, world, personas, client_for
):
    client = client_for(personas["coordinator"])
    response = client.post(
        "/resources/organizations/new/", {"name": "旭さくらの会", "provider_kind": "jumin"}
    )
    org = Organization.objects.get(name="旭さくらの会")
    assert response["Location"].endswith(f"/services/new/?organization={org.pk}")
    assert _events("organization", "create", org.pk).exists()
    client.post("/resources/services/new/", _service_form(org, town.s1, name="さくら茶話会"))
    service = Service.objects.get(name="さくら茶話会")
    place = {
        "name": "旭ふれあいセンター",
        "district": town.s1.pk,
        "state_province": "山口県",
        "city": "萩市",
        "address_1": "大字明木1234",
    }
    added = client.post(f"/resources/locations/new/?service={service.pk}", place)
    assert added["Location"].endswith(f"/services/{service.pk}/edit/")
    who = personas["officer"]
    assert [s.name for s in selectors.service_search(user=who, query="ふれあいセンター")] == [
        "さくら茶話会"
    ]
    location = service.at_locations.get().location
    client.post(f"/resources/locations/{location.pk}/edit/", place | {"name": "明木公民館"})
    assert [s.name for s in selectors.service_search(user=who, query="明木公民館")] == [
        "さくら茶話会"
    ]
    assert _events("location", "update", location.pk).get().changes == {
        "name": ["旭ふれあいセンター", "明木公民館"]
    }
    item = next(s for s in _exported(town.municipality)["contents"] if s["id"] == str(service.uuid))
    (at,) = item["service_at_locations"]
    assert at["location"]["name"] == "明木公民館"
    assert at["location"]["addresses"][0]["address_1"] == "大字明木1234"
    assert item["organization"]["name"] == "旭さくらの会"

    # An organization with a service in 北部 is the municipality's to change, not hers.
    assert client.get(f"/resources/organizations/{world.org.pk}/edit/").status_code == 403
    assert client.get(f"/resources/organizations/{org.pk}/edit/").status_code == 200
    # A place in 北部 is not hers either: linked to her service, it is offered no edit.
    hall = services.location_create(user=personas["officer"], name="須佐公民館", district=town.n1)
    services.service_location_add(user=personas["coordinator"], service=service, location=hall)
    page = client.get(f"/resources/services/{service.pk}/edit/").content.decode()
    assert f"/locations/{location.pk}/edit/" in page and f"/locations/{hall.pk}/edit/" not in page
    assert client.get(f"/resources/locations/{hall.pk}/edit/").status_code == 403
    # Unlinking keeps the place.
    link = service.at_locations.get(location=location)
    assert (
        client.post(f"/resources/services/{service.pk}/locations/{link.pk}/remove/").status_code
        == 302
    )
    assert list(service.at_locations.values_list("location", flat=True)) == [hall.pk]
    assert Location.objects.filter(pk=location.pk).exists()
    assert _events("serviceatlocation", "delete", link.pk).exists()
