import pytest
from django.urls import reverse

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.services import api_token_create
from tests.conftest import PASSWORD, make_person

# What each role may do: (view people, view health data, edit people, import population, audit)
MATRIX = {
    "admin": (True, True, True, True, True),
    "officer": (True, True, True, True, False),
    "nurse": (True, True, True, False, False),
    "coordinator": (True, False, False, False, False),
    "volunteer": (False, False, False, False, False),
    "pref": (False, False, False, False, False),
    "outsider": (True, True, True, False, False),
}


@pytest.mark.parametrize("name,expected", MATRIX.items())
def test_each_role_has_exactly_its_permissions(personas, name, expected):
    user = personas[name]
    caps = (
        Cap.PEOPLE_LIST,
        Cap.HEALTH_VIEW,
        Cap.PEOPLE_EDIT,
        Cap.POPULATION_IMPORT,
        Cap.AUDIT_VIEW,
    )
    assert tuple(access.can(user, c) for c in caps) == expected


def test_an_anonymous_user_may_do_nothing(db):
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    assert not any(access.can(anon, cap) for cap in Cap)


def test_a_support_center_user_without_areas_sees_nobody(town, personas):
    nurse = personas["nurse"]
    nurse.life_areas.clear()
    make_person(town.n1)
    from chiiki.people.models import Person

    access.forget(nurse)
    assert not access.visible(nurse, Cap.PEOPLE_VIEW, Person.objects.all()).exists()


def test_a_volunteer_sees_only_their_own_record(town, personas):
    from chiiki.people.models import Person

    make_person(town.s1)
    assert list(access.visible(personas["volunteer"], Cap.PEOPLE_VIEW, Person.objects.all())) == [
        personas["volunteer"].person
    ]


def test_login_is_locked_after_five_failures(client, personas):
    url = reverse("login")
    for _ in range(5):
        client.post(url, {"username": "nurse", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(url, {"username": "nurse", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code in (403, 429)
    assert "停止" in response.content.decode()


def test_a_good_login_lands_on_the_dashboard(client, personas):
    response = client.post(
        reverse("login"), {"username": "officer", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")


def test_pages_require_login(client, db):
    for name in ("dashboard", "people:list", "accounts:audit", "areas:population_import"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_only_administrators_see_the_audit_trail(client_for, personas, town):
    p = make_person(town.n1)
    client = client_for(personas["nurse"])
    client.get(reverse("people:detail", args=[p.pk]))
    assert client.get(reverse("accounts:audit")).status_code == 403
    page = client_for(personas["admin"]).get(reverse("accounts:audit"))
    assert page.status_code == 200
    assert p.name in page.content.decode()


def test_api_tokens_are_stored_only_as_digests(personas):
    token, raw = api_token_create(user=personas["officer"], name="集計")
    assert raw not in (token.digest, token.prefix)
    assert token.digest == token.hash(raw)
    assert raw.startswith("chk_") and raw[4:12] == token.prefix


def test_an_administrator_sees_the_trail_of_their_own_municipality_only(
    client_for, personas, town, other_town
):
    make_person(town.n1, family_name="萩野")
    theirs = make_person(other_town.districts.first(), family_name="国東野", care_level="care_3")
    client_for(personas["outsider"]).get(reverse("people:detail", args=[theirs.pk]))
    page = client_for(personas["admin"]).get(reverse("accounts:audit")).content.decode()
    assert "萩野" in page and "国東野" not in page
