"""The daily huddle (川上村): a short shared log per resident, written by the profession
present, read by health roles only through the read door, and never edited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from chiiki.accounts.models import AuditAction
from chiiki.councils.models import BodyKind, HuddleNote, Layer
from chiiki.councils.services import bodies as body_services
from chiiki.councils.services import watch as services
from tests.conftest import audited, make_person
from tests.councils.watch_world import build_watch

ROLES = ("admin", "officer", "nurse", "coordinator", "volunteer", "pref", "outsider")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def world(town, today):
    return build_watch(town, on=today)


# Health roles only: the coordinator holds no Cap.HUDDLE; the nurse reads 北部 only.
EXPECTED = {
    "north_person": dict(
        admin=200, officer=200, nurse=200, coordinator=403, volunteer=403, pref=403, outsider=403
    ),
    "south_person": dict(
        admin=200, officer=200, nurse=403, coordinator=403, volunteer=403, pref=403, outsider=403
    ),
    "today": dict(
        admin=200, officer=200, nurse=200, coordinator=403, volunteer=403, pref=403, outsider=403
    ),
}


def _url(world, probe: str) -> str:
    return {
        "north_person": reverse("councils:huddle_person", args=[world.north.pk]),
        "south_person": reverse("councils:huddle_person", args=[world.south.pk]),
        "today": reverse("councils:huddle_today", args=[world.huddle.pk]),
    }[probe]


@pytest.mark.parametrize("probe", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_only_health_roles_of_the_residents_area_read_the_huddle(
    client_for, personas, world, role, probe
):
    response = client_for(personas[role]).get(_url(world, probe))
    assert response.status_code == EXPECTED[probe][role]


def test_todays_page_shows_the_notes_of_the_users_areas_and_audits_the_list(
    client_for, personas, world
):
    page = client_for(personas["nurse"]).get(_url(world, "today")).content.decode()
    assert "血圧高め" in page and "配食を開始" not in page
    event = audited(world.north, action=AuditAction.LIST).get()
    assert event.changes["ids"] == [world.north_note.pk]
    assert not audited(world.south).filter(action=AuditAction.LIST).exists()


def test_another_day_is_chosen_with_on_and_a_bad_day_is_a_400_naming_it(
    client_for, personas, world, today
):
    client = client_for(personas["officer"])
    yesterday = today - dt.timedelta(days=1)
    services.huddle_note_add(
        user=None,
        body=world.huddle,
        person=world.north,
        profession="doctor",
        text="受診済み",
        written_on=yesterday,
    )
    page = client.get(_url(world, "today"), {"on": yesterday.isoformat()}).content.decode()
    assert "受診済み" in page and "血圧高め" not in page
    assert f"?on={yesterday.isoformat()}" in client.get(_url(world, "today")).content.decode()
    bad = client.get(_url(world, "today"), {"on": "0417-02-27"})
    assert bad.status_code == 400 and "「on」" in bad.content.decode()


def test_a_residents_page_lists_their_notes_newest_first_with_the_profession(
    client_for, personas, world, today
):
    services.huddle_note_add(
        user=None,
        body=world.huddle,
        person=world.north,
        profession="therapist",
        text="歩行良好",
        written_on=today - dt.timedelta(days=3),
    )
    page = client_for(personas["nurse"]).get(_url(world, "north_person")).content.decode()
    assert page.index("血圧高め") < page.index("歩行良好")
    assert "保健師" in page and "リハビリ職" in page
    assert audited(world.north, action=AuditAction.READ, model="people.person").exists()
    assert audited(world.north, action=AuditAction.LIST, model="councils.huddlenote").exists()


def test_a_nurse_adds_a_note_and_the_write_is_audited(client_for, personas, world, today):
    response = client_for(personas["nurse"]).post(
        _url(world, "north_person"),
        {
            "body": world.huddle.pk,
            "profession": "nurse",
            "written_on": today.isoformat(),
            "text": "服薬の確認",
        },
    )
    assert response.status_code == 302
    note = HuddleNote.objects.get(text="服薬の確認")
    assert (note.author, note.person, note.profession) == (personas["nurse"], world.north, "nurse")
    write = audited(world.north, action=AuditAction.CREATE, model="councils.huddlenote").get()
    assert write.user == personas["nurse"] and "服薬" not in str(write.changes)


def test_a_note_is_never_edited_the_database_refuses_it(world):
    with pytest.raises(DatabaseError), transaction.atomic():
        HuddleNote.objects.filter(pk=world.north_note.pk).update(text="書き換え")
    with pytest.raises(DatabaseError), transaction.atomic():
        world.north_note.profession = "doctor"
        world.north_note.save()
    world.north_note.refresh_from_db()
    assert (world.north_note.text, world.north_note.profession) == ("血圧高め", "phn")


def test_a_note_outlives_its_authors_login(personas, world, today):
    note = services.huddle_note_add(
        user=personas["officer"],
        body=world.huddle,
        person=world.north,
        profession="office",
        text="書類の案内",
        written_on=today,
    )
    personas["officer"].delete()
    note.refresh_from_db()
    assert note.author is None and note.text == "書類の案内"


def test_the_note_form_offers_only_the_huddles_that_cover_the_resident(
    client_for, personas, world, town
):
    south_huddle = body_services.body_create(
        user=None,
        municipality=town.municipality,
        layer=Layer.LIFE_AREA,
        kind=BodyKind.DAILY_HUDDLE,
        name="南部の打ち合わせ",
        life_area=town.south,
        founded_on=dt.date(2024, 4, 1),
    )
    form = client_for(personas["officer"]).get(_url(world, "north_person")).context["form"]
    offered = [pk for pk, _ in form.fields["body"].choices]
    assert offered == [world.huddle.pk] and south_huddle.pk not in offered


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"text": "  "}, "text", "内容を入れてください"),
        ({"profession": "wizard"}, "profession", "wizard"),
        ({"written_on": "tomorrow"}, "written_on", "までの日付です"),
        ({"written_on": dt.date(2024, 3, 31)}, "written_on", "設置日（2024-04-01）以後"),
    ],
)
def test_a_bad_note_is_refused_naming_the_field(world, today, changes, field, message):
    values = {
        "body": world.huddle,
        "person": world.north,
        "profession": "phn",
        "text": "x",
        "written_on": today,
    } | changes
    if values["written_on"] == "tomorrow":
        values["written_on"] = today + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.huddle_note_add(user=None, **values)
    assert message in " ".join(caught.value.message_dict[field])


def test_a_huddle_of_one_district_takes_notes_about_its_own_residents_only(town, today):
    huddle = body_services.body_create(
        user=None,
        municipality=town.municipality,
        layer=Layer.DISTRICT,
        kind=BodyKind.DAILY_HUDDLE,
        name="旭の朝の打ち合わせ",
        district=town.s1,
        founded_on=dt.date(2024, 4, 1),
    )
    with pytest.raises(ValidationError) as caught:
        services.huddle_note_add(
            user=None,
            body=huddle,
            person=make_person(town.s2),
            profession="phn",
            text="x",
            written_on=today,
        )
    assert "この協議体の地区（旭）" in caught.value.message_dict["person"][0]


def test_notes_go_to_a_huddle_not_to_another_kind_of_body(world, today):
    with pytest.raises(ValidationError) as caught:
        services.huddle_note_add(
            user=None,
            body=world.body,
            person=world.north,
            profession="phn",
            text="x",
            written_on=today,
        )
    assert caught.value.message_dict["body"] == ["多職種の打ち合わせを選んでください"]


@pytest.mark.parametrize("role", ["coordinator", "nurse"])
def test_a_note_about_a_resident_out_of_reach_is_refused(personas, world, today, role):
    with pytest.raises(PermissionDenied):
        services.huddle_note_add(
            user=personas[role],
            body=world.huddle,
            person=world.south,
            profession="phn",
            text="x",
            written_on=today,
        )


def test_the_person_page_links_the_huddle_for_health_roles_only(client_for, personas, world):
    link = reverse("councils:huddle_person", args=[world.south.pk])
    person_page = reverse("people:detail", args=[world.south.pk])
    assert link in client_for(personas["officer"]).get(person_page).content.decode()
    assert link not in client_for(personas["coordinator"]).get(person_page).content.decode()


def test_todays_pick_list_searches_residents_of_the_users_areas(client_for, personas, world):
    client = client_for(personas["nurse"])
    hx = {"HX-Request": "true"}
    found = client.get(_url(world, "today"), {"q": "キタノ"}, headers=hx).content.decode()
    assert reverse("councils:huddle_person", args=[world.north.pk]) in found
    other = client.get(_url(world, "today"), {"q": "ミナミダ"}, headers=hx).content.decode()
    assert "南田" not in other
