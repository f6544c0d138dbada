"""Watch-over networks (佐々町): the households a meeting discussed, their passing to the
support center and the center's follow-up, through the read and write doors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from chiiki.accounts.models import AuditAction, AuditEvent
from chiiki.councils.models import BodyKind, Layer, WatchCase
from chiiki.councils.services import bodies as body_services
from chiiki.councils.services import watch as services
from tests.conftest import audited, make_person
from tests.councils.watch_world import HELD, build_watch

ROLES = ("admin", "officer", "nurse", "coordinator", "volunteer", "pref", "outsider")


@pytest.fixture
def world(town):
    return build_watch(town)


# --- every role on every page ----------------------------------------------------------------

EXPECTED = {
    # The network's meeting (a 第1層 body): everyone who passes households on reaches it.
    "meeting": dict(
        admin=200, officer=200, nurse=200, coordinator=200, volunteer=403, pref=403, outsider=403
    ),
    # A household of 須佐 (北部): the coordinator works in 南部.
    "north_case": dict(
        admin=200, officer=200, nurse=200, coordinator=403, volunteer=403, pref=403, outsider=403
    ),
    "south_case": dict(
        admin=200, officer=200, nurse=403, coordinator=200, volunteer=403, pref=403, outsider=403
    ),
    "north_person": dict(
        admin=200, officer=200, nurse=200, coordinator=403, volunteer=403, pref=403, outsider=403
    ),
    # The open cases: a page of one's own areas (the outsider's is of their municipality).
    "open": dict(
        admin=200, officer=200, nurse=200, coordinator=200, volunteer=403, pref=403, outsider=200
    ),
}


def _url(world, probe: str) -> str:
    return {
        "meeting": reverse("councils:watch_meeting", args=[world.meeting.pk]),
        "north_case": reverse("councils:watch_case", args=[world.north_case.pk]),
        "south_case": reverse("councils:watch_case", args=[world.south_case.pk]),
        "north_person": reverse("councils:person_watch", args=[world.north.pk]),
        "open": reverse("councils:watch_open"),
    }[probe]


@pytest.mark.parametrize("probe", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_the_watch_pages_of_its_own_areas_only(
    client_for, personas, world, role, probe
):
    response = client_for(personas[role]).get(_url(world, probe))
    assert response.status_code == EXPECTED[probe][role]
    if response.status_code == 200 and role == "outsider":
        assert "北野" not in response.content.decode()


def test_a_missing_case_is_refused_like_one_out_of_reach(client_for, personas, world):
    client = client_for(personas["coordinator"])
    missing = client.get(reverse("councils:watch_case", args=[987654321]))
    outside = client.get(reverse("councils:watch_case", args=[world.north_case.pk]))
    assert missing.status_code == outside.status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login(client, world):
    response = client.get(reverse("councils:watch_open"))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- reading through the door ------------------------------------------------------------------


def test_a_meeting_shows_each_user_the_households_of_their_own_areas_and_audits_the_list(
    client_for, personas, world
):
    nurse_page = client_for(personas["nurse"]).get(_url(world, "meeting")).content.decode()
    assert "北野さん宅" in nurse_page and "南田さん宅" not in nurse_page
    event = audited(world.north, action=AuditAction.LIST).get()
    assert event.changes["ids"] == [world.north_case.pk]
    assert not audited(world.south).filter(action=AuditAction.LIST).exists()
    coordinator_page = client_for(personas["coordinator"]).get(_url(world, "meeting"))
    assert "南田さん宅" in coordinator_page.content.decode()
    assert "北野さん宅" not in coordinator_page.content.decode()


def test_opening_a_case_is_one_audited_read_naming_the_resident(client_for, personas, world):
    client_for(personas["nurse"]).get(_url(world, "north_case"))
    event = audited(world.north, action=AuditAction.READ).get()
    assert (event.model, event.object_id) == ("councils.watchcase", world.north_case.pk)


def test_a_residents_page_lists_their_cases_across_meetings(client_for, personas, world, town):
    later = services.watch_meeting_create(user=None, body=world.body, held_on=dt.date(2025, 6, 14))
    services.watch_case_create(
        user=None,
        meeting=later,
        household="北野さん宅",
        concern="回覧板が止まる",
        person=world.north,
    )
    page = client_for(personas["nurse"]).get(_url(world, "north_person")).content.decode()
    assert page.index("2025-06-14") < page.index("2025-05-10")
    assert "回覧板が止まる" in page and "新聞がたまっている" in page


def test_the_open_cases_are_those_passed_and_not_yet_reported_back(client_for, personas, world):
    client = client_for(personas["officer"])
    assert "北野さん宅" in client.get(_url(world, "open")).content.decode()
    assert "南田さん宅" not in client.get(_url(world, "open")).content.decode()  # not passed
    services.watch_case_followup(
        user=personas["officer"],
        case=world.north_case,
        text="訪問し安否確認",
        on=dt.date(2025, 5, 20),
    )
    assert "北野さん宅" not in client.get(_url(world, "open")).content.decode()


def test_the_open_cases_filter_by_district_and_refuse_a_bad_district_naming_it(
    client_for, personas, world, town
):
    client = client_for(personas["officer"])
    url = _url(world, "open")
    assert "北野さん宅" not in client.get(url, {"district": town.n2.pk}).content.decode()
    assert "北野さん宅" in client.get(url, {"district": town.n1.pk}).content.decode()
    bad = client.get(url, {"district": "abc"})
    assert bad.status_code == 400 and "district" in bad.content.decode()


def test_the_pick_list_finds_residents_of_the_users_areas_only_and_audits_them(
    client_for, personas, world
):
    client = client_for(personas["nurse"])
    found = client.get(_url(world, "meeting"), {"q": "キタノ"}, headers={"HX-Request": "true"})
    assert "北野" in found.content.decode()
    assert audited(world.north, action=AuditAction.LIST, changes__q="キタノ").exists()
    none = client.get(_url(world, "meeting"), {"q": "ミナミダ"}, headers={"HX-Request": "true"})
    assert "南田" not in none.content.decode()


# --- recording a household -----------------------------------------------------------------------


def test_a_coordinator_records_a_household_of_their_area_and_the_write_is_audited(
    client_for, personas, world, town
):
    resident = make_person(town.s2, family_name="東山", family_kana="ヒガシヤマ")
    client = client_for(personas["coordinator"])
    url = _url(world, "meeting")
    response = client.post(
        url + "?q=ヒガシヤマ",
        {
            "household": "東山さん宅",
            "district": town.s2.pk,
            "person": resident.pk,
            "concern": "ごみ出しができていない",
            "passed_on": "2025-05-11",
        },
    )
    assert response.status_code == 302
    case = WatchCase.objects.get(household="東山さん宅")
    assert (case.person, case.district, case.passed_to_center) == (resident, town.s2, True)
    write = audited(resident, action=AuditAction.CREATE, model="councils.watchcase").get()
    assert write.user == personas["coordinator"]


def test_a_coordinator_cannot_record_a_household_outside_their_areas(personas, world, town):
    with pytest.raises(PermissionDenied):
        services.watch_case_create(
            user=personas["coordinator"],
            meeting=world.meeting,
            household="須佐の世帯",
            concern="気になる",
            district=town.n1,
        )
    assert not WatchCase.objects.filter(household="須佐の世帯").exists()


def test_the_form_offers_only_the_districts_of_the_users_areas(client_for, personas, world, town):
    response = client_for(personas["coordinator"]).post(
        _url(world, "meeting"), {"household": "x", "district": town.n1.pk, "concern": "y"}
    )
    assert response.status_code == 200
    assert "district" in response.context["form"].errors
    assert not WatchCase.objects.filter(household="x").exists()


def test_linking_a_resident_outside_the_users_areas_is_refused_on_the_person_field(
    client_for, personas, world, town
):
    response = client_for(personas["coordinator"]).post(
        _url(world, "meeting"),
        {"household": "x", "district": town.s1.pk, "person": world.north.pk, "concern": "y"},
    )
    assert response.context["form"].errors["person"] == [
        "住民を検索して選んでください（担当地区の人のみ）"
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"household": "  "}, "household", "世帯（氏名など）を入れてください"),
        ({"concern": ""}, "concern", "気になることを入れてください"),
        ({"passed_on": dt.date(2025, 5, 9)}, "passed_on", "会議の日（2025-05-10）以後"),
        ({"district": "n2"}, "person", "南田さんの地区は旭です"),
    ],
)
def test_a_bad_household_is_refused_naming_the_field(world, town, changes, field, message):
    values = {
        "meeting": world.meeting,
        "household": "南田さん宅",
        "concern": "気になる",
        "district": town.s1,
        "person": world.south,
    } | changes
    if values["district"] == "n2":
        values["district"] = town.n2
    with pytest.raises(ValidationError) as caught:
        services.watch_case_create(user=None, **values)
    assert message in " ".join(caught.value.message_dict[field])


def test_a_district_network_records_households_of_its_own_district_only(town):
    body = body_services.body_create(
        user=None,
        municipality=town.municipality,
        layer=Layer.DISTRICT,
        kind=BodyKind.WATCH_NETWORK,
        name="旭地区 見守りネットワーク",
        district=town.s1,
        founded_on=dt.date(2024, 4, 1),
    )
    meeting = services.watch_meeting_create(user=None, body=body, held_on=HELD)
    with pytest.raises(ValidationError) as caught:
        services.watch_case_create(
            user=None, meeting=meeting, household="福栄の世帯", concern="x", district=town.s2
        )
    assert "この協議体の地区（旭）" in caught.value.message_dict["district"][0]


def test_cases_are_recorded_only_at_a_watch_over_networks_meeting(town):
    body = body_services.body_create(
        user=None,
        municipality=town.municipality,
        layer=Layer.LIFE_AREA,
        kind=BodyKind.SC_COUNCIL,
        name="北部 協議体",
        life_area=town.north,
        founded_on=dt.date(2024, 4, 1),
    )
    with pytest.raises(ValidationError) as caught:
        services.watch_meeting_create(user=None, body=body, held_on=HELD)
    assert "body" in caught.value.message_dict


# --- passing to the center and the center's follow-up ------------------------------------------


def test_the_network_passes_a_household_to_the_center(client_for, personas, world):
    client = client_for(personas["coordinator"])
    url = _url(world, "south_case")
    response = client.post(
        url, {"action": "pass", "passed_on": "2025-05-11", "version": world.south_case.version}
    )
    assert response.status_code == 302
    world.south_case.refresh_from_db()
    assert world.south_case.passed_on == dt.date(2025, 5, 11) and world.south_case.version == 2
    assert audited(world.south, action=AuditAction.UPDATE).exists()


def test_only_the_centers_health_roles_write_the_follow_up(client_for, personas, world):
    services.watch_case_pass(user=None, case=world.south_case, on=dt.date(2025, 5, 11))
    data = {"action": "followup", "followup": "訪問した", "followup_on": "2025-05-20", "version": 2}
    coordinator = client_for(personas["coordinator"])
    assert "報告を記録する" not in coordinator.get(_url(world, "south_case")).content.decode()
    assert coordinator.post(_url(world, "south_case"), data).status_code == 403
    world.south_case.refresh_from_db()
    assert world.south_case.followup == ""
    officer = client_for(personas["officer"])
    assert officer.post(_url(world, "south_case"), data).status_code == 302
    world.south_case.refresh_from_db()
    assert world.south_case.followup == "訪問した"
    assert world.south_case.followup_by == personas["officer"]


def test_the_nurse_reports_back_on_a_household_of_her_area(personas, world):
    services.watch_case_followup(
        user=personas["nurse"], case=world.north_case, text="包括で訪問", on=dt.date(2025, 5, 20)
    )
    world.north_case.refresh_from_db()
    assert world.north_case.followup_on == dt.date(2025, 5, 20)
    with pytest.raises(PermissionDenied):
        services.watch_case_followup(
            user=personas["nurse"], case=world.south_case, text="x", on=dt.date(2025, 5, 20)
        )


@pytest.mark.parametrize(
    ("case", "on", "field", "message"),
    [
        ("south_case", dt.date(2025, 5, 20), "followup", "包括につないでいない世帯"),
        ("north_case", dt.date(2025, 5, 11), "followup_on", "つないだ日（2025-05-12）以後"),
    ],
)
def test_a_follow_up_that_does_not_follow_a_passing_is_refused_naming_the_field(
    personas, world, case, on, field, message
):
    with pytest.raises(ValidationError) as caught:
        services.watch_case_followup(
            user=personas["officer"], case=getattr(world, case), text="x", on=on
        )
    assert message in caught.value.message_dict[field][0]


def test_a_household_is_passed_to_the_center_once(world):
    with pytest.raises(ValidationError) as caught:
        services.watch_case_pass(user=None, case=world.north_case, on=dt.date(2025, 6, 1))
    assert "すでに2025-05-12" in caught.value.message_dict["passed_on"][0]


def test_of_two_follow_ups_written_at_once_the_second_is_told_and_nothing_is_overwritten(
    client_for, personas, world
):
    seen = world.north_case.version
    url = _url(world, "north_case")
    first = client_for(personas["officer"]).post(
        url,
        {"action": "followup", "followup": "一回目", "followup_on": "2025-05-20", "version": seen},
    )
    assert first.status_code == 302
    second = client_for(personas["nurse"]).post(
        url,
        {"action": "followup", "followup": "二回目", "followup_on": "2025-05-21", "version": seen},
    )
    assert second.status_code == 409
    assert "他の人が先に更新しました" in second.content.decode()
    world.north_case.refresh_from_db()
    assert world.north_case.followup == "一回目"


def test_a_bad_follow_up_form_names_its_field(client_for, personas, world):
    response = client_for(personas["officer"]).post(
        _url(world, "north_case"),
        {"action": "followup", "followup": "x", "followup_on": "0417-02-27", "version": 1},
    )
    assert response.status_code == 200
    assert "報告日は1900-01-01から2100-12-31までの日付です" in response.content.decode()


def test_an_unknown_action_is_a_400_naming_it(client_for, personas, world):
    response = client_for(personas["officer"]).post(_url(world, "north_case"), {"action": "drop"})
    assert response.status_code == 400 and "action" in response.content.decode()


def test_the_meeting_page_runs_a_fixed_number_of_queries(
    client_for, personas, world, town, django_assert_max_num_queries
):
    for i in range(12):
        services.watch_case_create(
            user=None,
            meeting=world.meeting,
            household=f"世帯{i}",
            concern="x",
            person=make_person(town.n1),
        )
    client = client_for(personas["officer"])
    client.get(_url(world, "meeting"))
    with django_assert_max_num_queries(16):
        client.get(_url(world, "meeting"))


def test_no_audit_event_is_written_for_the_systems_own_writes(world):
    assert not AuditEvent.objects.filter(model="councils.watchcase").exists()
