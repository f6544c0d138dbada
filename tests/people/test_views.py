import pytest
from django.urls import reverse

from tests.conftest import make_person


@pytest.fixture
def crowd(town):
    return [make_person(town.n1 if i % 2 else town.n2) for i in range(60)]


def test_the_person_list_pages_and_runs_a_fixed_number_of_queries(
    client_for, personas, crowd, django_assert_max_num_queries
):
    client = client_for(personas["nurse"])
    # The same count for 60 people as for 6000: two of them write the page's audit event.
    with django_assert_max_num_queries(10):
        page = client.get(reverse("people:list"))
    assert "60人" in page.content.decode() and "次へ" in page.content.decode()


def test_an_htmx_search_returns_only_the_results_partial(client_for, personas, crowd):
    target = crowd[0]
    page = client_for(personas["nurse"]).get(
        reverse("people:list"), {"q": target.family_kana}, headers={"HX-Request": "true"}
    )
    html = page.content.decode()
    assert (
        html.lstrip().startswith('<div id="results">')
        and target.name in html
        and "<html" not in html
    )


def test_the_person_page_shows_health_data_to_a_nurse_but_not_to_a_coordinator(
    client_for, personas, town
):
    p = make_person(town.s1, care_level="support_2", insured_number="1234567890")
    personas["nurse"].life_areas.add(town.south)
    nurse_page = (
        client_for(personas["nurse"]).get(reverse("people:detail", args=[p.pk])).content.decode()
    )
    assert "要支援2" in nurse_page and "1234567890" in nurse_page
    coord_page = (
        client_for(personas["coordinator"])
        .get(reverse("people:detail", args=[p.pk]))
        .content.decode()
    )
    assert p.name in coord_page and "要支援2" not in coord_page and "1234567890" not in coord_page


@pytest.mark.parametrize("role", ["outsider", "pref", "volunteer"])
def test_people_outside_the_users_reach_are_refused(client_for, personas, town, role):
    p = make_person(town.n1)
    assert client_for(personas[role]).get(reverse("people:detail", args=[p.pk])).status_code == 403


def test_the_person_page_leads_health_roles_to_the_checklist_at_the_counter(
    client_for, personas, town
):
    p = make_person(town.n1)
    nurse_page = (
        client_for(personas["nurse"]).get(reverse("people:detail", args=[p.pk])).content.decode()
    )
    assert reverse("surveys:kcl_counter", args=[p.pk]) in nurse_page
    personas["coordinator"].life_areas.add(town.north)
    coord_page = (
        client_for(personas["coordinator"])
        .get(reverse("people:detail", args=[p.pk]))
        .content.decode()
    )
    assert reverse("surveys:kcl_counter", args=[p.pk]) not in coord_page


def test_a_nurse_edits_a_record_and_the_audit_trail_keeps_old_and_new(client_for, personas, town):
    from chiiki.accounts.models import AuditEvent

    p = make_person(town.n1, lives_alone=False)
    client = client_for(personas["nurse"])
    form = client.get(reverse("people:edit", args=[p.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(district=town.n2.pk, lives_alone="on", birth_date=p.birth_date.isoformat())
    response = client.post(reverse("people:edit", args=[p.pk]), data)
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.district, p.lives_alone) == (town.n2, True)
    change = AuditEvent.objects.filter(action="update", object_id=p.pk).get()
    assert change.changes["lives_alone"] == [False, True]
    assert change.changes["district"] == ["須佐", "田万川"]


def test_a_bad_insured_number_is_named_on_the_form_and_nothing_changes(client_for, personas, town):
    p = make_person(town.n1)
    client = client_for(personas["nurse"])
    data = {
        k: v
        for k, v in client.get(reverse("people:edit", args=[p.pk])).context["form"].initial.items()
        if v is not None
    }
    data.update(district=p.district_id, insured_number="12ab", birth_date=p.birth_date.isoformat())
    page = client.post(reverse("people:edit", args=[p.pk]), data).content.decode()
    assert "被保険者番号は10桁の数字です" in page
    p.refresh_from_db()
    assert p.insured_number is None


def test_a_nurse_registers_a_person_only_in_her_own_districts(client_for, personas, town):
    from chiiki.people.models import Person

    client = client_for(personas["nurse"])
    data = {
        "family_name": "新規",
        "given_name": "登録",
        "family_kana": "しんき",
        "given_kana": "とうろく",
        "sex": "F",
        "birth_date": "1950-04-01",
        "address": "山口県萩市須佐1番地",
        "care_level": "none",
    }
    refused = client.post(reverse("people:new"), {**data, "district": town.s1.pk})
    assert refused.status_code == 200 and not Person.objects.filter(family_name="新規").exists()
    created = client.post(reverse("people:new"), {**data, "district": town.n1.pk})
    assert created.status_code == 302
    assert Person.objects.get(family_name="新規").family_kana == "シンキ"


@pytest.mark.parametrize("role", ["coordinator", "volunteer", "pref"])
def test_roles_that_may_not_edit_people_are_refused_the_forms(client_for, personas, town, role):
    p = make_person(town.s1)
    client = client_for(personas[role])
    assert client.get(reverse("people:new")).status_code == 403
    assert client.get(reverse("people:edit", args=[p.pk])).status_code == 403


def test_staff_of_another_municipality_cannot_edit_this_towns_people(client_for, personas, town):
    p = make_person(town.n1)
    client = client_for(personas["outsider"])
    assert client.get(reverse("people:edit", args=[p.pk])).status_code == 403
    districts = client.get(reverse("people:new")).context["form"].fields["district"].queryset
    assert town.n1 not in districts


def _new_person(district, **fields):
    return {
        "family_name": "新規",
        "given_name": "登録",
        "family_kana": "しんき",
        "given_kana": "とうろく",
        "sex": "F",
        "birth_date": "1950-04-01",
        "address": "山口県萩市須佐1番地",
        "care_level": "none",
        "district": district.pk,
        **fields,
    }


@pytest.mark.parametrize("typo", ["0952-03-18", "2999-01-01"])
def test_a_birth_date_typo_is_named_on_the_form_and_nothing_is_stored(
    client_for, personas, town, typo
):
    from chiiki.people.models import Person

    page = client_for(personas["nurse"]).post(
        reverse("people:new"), _new_person(town.n1, birth_date=typo)
    )
    assert page.status_code == 200
    errors = page.context["form"].errors["birth_date"]
    assert any("生年月日は" in e for e in errors)
    assert not Person.objects.filter(family_name="新規").exists()


def test_the_person_form_offers_only_birth_dates_from_1900_to_today(client_for, personas):
    from django.utils import timezone

    html = client_for(personas["nurse"]).get(reverse("people:new")).content.decode()
    assert 'min="1900-01-01"' in html and f'max="{timezone.localdate().isoformat()}"' in html


def test_editing_a_birth_date_to_a_typo_is_refused_and_the_record_keeps_its_date(
    client_for, personas, town
):
    p = make_person(town.n1)
    client = client_for(personas["nurse"])
    data = {
        k: v
        for k, v in client.get(reverse("people:edit", args=[p.pk])).context["form"].initial.items()
        if v is not None
    }
    data.update(district=p.district_id, birth_date="0952-03-18")
    page = client.post(reverse("people:edit", args=[p.pk]), data)
    assert page.status_code == 200 and "生年月日は1900-01-01以降" in page.content.decode()
    before = p.birth_date
    p.refresh_from_db()
    assert p.birth_date == before


def test_an_insured_number_clash_gets_one_neutral_answer_on_the_field_inside_or_outside_her_areas(
    client_for, personas, town
):
    from chiiki.people.models import INSURED_NUMBER_REFUSED, Person

    make_person(town.n2, insured_number="3520470001")  # in the nurse's area (北部)
    make_person(town.s1, insured_number="3520470002")  # outside it (南部)
    client = client_for(personas["nurse"])
    answers = []
    for number in ("3520470001", "3520470002"):
        page = client.post(reverse("people:new"), _new_person(town.n1, insured_number=number))
        form = page.context["form"]
        assert form.errors["insured_number"] == [INSURED_NUMBER_REFUSED]
        assert "__all__" not in form.errors
        answers.append(page.content.decode().count(INSURED_NUMBER_REFUSED))
    assert answers == [1, 1]
    # The refusal names no one and says nothing of where the number is.
    assert "存在" not in INSURED_NUMBER_REFUSED and "担当外" not in INSURED_NUMBER_REFUSED
    assert Person.objects.filter(family_name="新規").count() == 0


def test_changing_a_record_to_a_number_held_elsewhere_gets_the_same_neutral_answer(
    client_for, personas, town
):
    from chiiki.people.models import INSURED_NUMBER_REFUSED

    make_person(town.s1, insured_number="3520470002")
    p = make_person(town.n1)
    client = client_for(personas["nurse"])
    data = {
        k: v
        for k, v in client.get(reverse("people:edit", args=[p.pk])).context["form"].initial.items()
        if v is not None
    }
    data.update(
        district=p.district_id, insured_number="3520470002", birth_date=p.birth_date.isoformat()
    )
    page = client.post(reverse("people:edit", args=[p.pk]), data)
    assert page.context["form"].errors["insured_number"] == [INSURED_NUMBER_REFUSED]
    p.refresh_from_db()
    assert p.insured_number is None
