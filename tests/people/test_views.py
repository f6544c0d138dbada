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
    with django_assert_max_num_queries(8):
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
