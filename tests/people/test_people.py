import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from chiiki.accounts.models import AuditAction, AuditEvent
from chiiki.people import selectors, services
from tests.conftest import make_person


def listed(user, **filters):
    """Everyone a list page shows the user (one page of 500)."""
    return selectors.person_page_for_user(user=user, size=500, **filters).rows


@pytest.fixture
def sato(town):
    return make_person(
        town.n1,
        sex="F",
        family_name="佐藤",
        given_name="花子",
        family_kana="さとう",
        given_kana="ﾊﾅｺ",
    )


@pytest.mark.parametrize(
    "query",
    [
        "さとう",
        "サトウ",
        "ｻﾄｳ",
        "佐藤",
        "佐藤 花子",
        "さとうはなこ",
        "ハナコ",
        "ＳＡＴＯ"[:0] + "はなこ",
    ],
)
def test_search_ignores_width_and_kana_differences(personas, sato, query):
    assert listed(personas["nurse"], query=query) == [sato]


def test_kana_is_stored_in_full_width_katakana(sato):
    assert (sato.family_kana, sato.given_kana) == ("サトウ", "ハナコ")


def test_a_search_that_matches_nobody_finds_nobody(personas, sato):
    assert listed(personas["nurse"], query="すずき") == []


def test_it_hides_people_outside_the_users_areas(town, personas, sato):
    south = make_person(town.s1)
    assert set(listed(personas["nurse"])) == {sato}
    assert south in listed(personas["coordinator"])
    assert sato not in listed(personas["coordinator"])
    assert {sato, south} <= set(listed(personas["officer"]))


@pytest.mark.parametrize("role", ["volunteer", "pref", "outsider"])
def test_roles_without_a_caseload_cannot_list_people_of_the_town(personas, sato, role):
    user = personas[role]
    try:
        people = listed(user)
    except PermissionDenied:
        return
    assert sato not in people


def test_a_list_page_is_one_audit_event_naming_everyone_it_showed(town, personas, sato):
    other = make_person(town.n2)
    listed(personas["nurse"], query="")
    event = AuditEvent.objects.get(action=AuditAction.LIST)
    assert (event.username, event.model, event.object_id) == ("nurse", "people.person", None)
    assert set(event.changes["ids"]) == {sato.pk, other.pk}
    assert set(event.subjects.values_list("person_id", flat=True)) == {sato.pk, other.pk}
    assert event.municipality_id == town.municipality.pk


def test_opening_a_record_is_written_to_the_audit_trail(personas, sato):
    selectors.person_get_for_user(user=personas["nurse"], person_id=sato.pk)
    event = AuditEvent.objects.filter(action=AuditAction.READ).get()
    assert (event.username, event.object_id, event.model) == ("nurse", sato.pk, "people.person")


def test_opening_a_record_outside_ones_areas_is_refused_and_not_logged_as_a_read(town, personas):
    south = make_person(town.s1)
    with pytest.raises(PermissionDenied):
        selectors.person_get_for_user(user=personas["nurse"], person_id=south.pk)
    assert not AuditEvent.objects.filter(action=AuditAction.READ).exists()


def test_a_change_is_audited_with_old_and_new_values(personas, sato):
    services.person_update(
        user=personas["nurse"], person=sato, lives_alone=True, address="山口県萩市須佐1番地"
    )
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE).get()
    assert event.changes["lives_alone"] == [False, True]
    assert event.changes["address"][1] == "山口県萩市須佐1番地"


def test_an_update_that_changes_nothing_writes_nothing(personas, sato):
    services.person_update(user=personas["nurse"], person=sato, lives_alone=sato.lives_alone)
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_a_coordinator_cannot_change_a_record(personas, town):
    south = make_person(town.s1)
    with pytest.raises(PermissionDenied):
        services.person_update(user=personas["coordinator"], person=south, lives_alone=True)


def test_the_audit_trail_cannot_be_edited_or_deleted(personas, sato):
    selectors.person_get_for_user(user=personas["nurse"], person_id=sato.pk)
    event = AuditEvent.objects.get(action=AuditAction.READ)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(username="someone else")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).username == "nurse"


def test_a_malformed_insured_number_is_refused(town):
    with pytest.raises(ValidationError, match="10桁"):
        make_person(town.n1, insured_number="12345")


def test_the_same_insured_number_twice_in_a_municipality_is_refused(town):
    make_person(town.n1, insured_number="0000000001")
    with pytest.raises((ValidationError, IntegrityError)):
        make_person(town.n2, insured_number="0000000001")


def test_age_is_counted_in_whole_years_on_a_given_day(town):
    p = make_person(town.n1, birth_date=dt.date(1950, 4, 2))
    assert p.age_on(dt.date(2018, 4, 1)) == 67
    assert p.age_on(dt.date(2018, 4, 2)) == 68


@pytest.mark.parametrize("typo", [dt.date(952, 3, 18), dt.date(1899, 12, 31)])
def test_a_birth_date_before_1900_is_refused_by_the_service(town, typo):
    with pytest.raises(ValidationError) as info:
        make_person(town.n1, birth_date=typo)
    assert "1900-01-01以降" in " ".join(info.value.message_dict["birth_date"])


def test_a_birth_date_after_today_is_refused_by_the_service(town):
    from django.utils import timezone

    with pytest.raises(ValidationError) as info:
        make_person(town.n1, birth_date=timezone.localdate() + dt.timedelta(days=1))
    assert "今日" in " ".join(info.value.message_dict["birth_date"])


def test_a_birth_date_typo_is_refused_when_a_record_is_changed(personas, sato):
    with pytest.raises(ValidationError):
        services.person_update(user=personas["nurse"], person=sato, birth_date=dt.date(952, 3, 18))
    sato.refresh_from_db()
    assert sato.birth_date.year >= 1900


def test_the_database_itself_refuses_a_birth_date_before_1900(town, sato):
    from chiiki.people.models import Person

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=sato.pk).update(birth_date=dt.date(952, 3, 18))


def test_a_bulk_import_refuses_a_birth_date_before_1900(town):
    from chiiki.people.models import Person

    person = Person(
        municipality=town.municipality,
        district=town.n1,
        family_name="誤記",
        given_name="太郎",
        family_kana="ゴキ",
        given_kana="タロウ",
        sex="M",
        birth_date=dt.date(952, 3, 18),
        address="山口県萩市須佐1番地",
    )
    with pytest.raises(ValidationError, match="1900-01-01以降"):
        services.person_bulk_create(people=[person])
    assert not Person.objects.filter(family_name="誤記").exists()


def test_a_volunteer_registration_dated_before_1900_is_refused(sato):
    with pytest.raises(ValidationError, match="登録日は1900-01-01から"):
        services.volunteer_register(person=sato, registered_on=dt.date(1018, 4, 1))
