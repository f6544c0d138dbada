"""The platform defects an outside review found, each held by a test of its own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from chiiki.accounts.models import AuditAction, AuditEvent
from chiiki.accounts.services import api_token_create
from chiiki.surveys import services as survey_services
from tests.conftest import audited, make_person
from tests.surveys.conftest import needs_csv, needs_rows


@pytest.fixture
def survey(town, personas):
    survey = survey_services.survey_create(
        user=personas["officer"],
        municipality=town.municipality,
        name="令和7年度 ニーズ調査",
        fiscal_year=2025,
        mailed_on=dt.date(2025, 11, 1),
    )
    data = needs_csv(needs_rows(20, ["須佐", "田万川"]))
    assert survey_services.survey_import(
        user=personas["officer"], survey=survey, data=data, filename="a.csv"
    ).ok
    return survey


def test_the_rule_set_editor_reads_no_file_but_the_shipped_rule_sets(client_for, personas):
    client = client_for(personas["officer"])
    for sneaky in ("../../../pyproject", "../rulesets/kcl_mhlw", "/etc/passwd", "kcl_mhlw/../x"):
        response = client.get(reverse("surveys:rulesets"), {"from": sneaky})
        assert response.status_code == 400
        assert "[tool." not in response.content.decode()
    shipped = client.get(reverse("surveys:rulesets"), {"from": "kcl_mhlw"})
    assert shipped.status_code == 200 and "kcl_mhlw" in shipped.content.decode()


def test_each_page_of_the_people_api_is_one_audited_list_read(client, town, personas):
    people = [make_person(town.n1) for _ in range(3)]
    _, raw = api_token_create(user=personas["nurse"], name="t")
    body = client.get("/api/people?page_size=2", headers={"Authorization": f"Bearer {raw}"}).json()
    shown = [p["id"] for p in body["items"]]
    event = AuditEvent.objects.get(action=AuditAction.LIST)
    assert (event.channel, event.changes["ids"]) == ("api", shown)
    assert set(event.subjects.values_list("person_id", flat=True)) == set(shown)
    hidden = next(p for p in people if p.pk not in shown)
    assert not audited(hidden, action__in=["read", "list"]).exists()


def test_the_non_respondent_list_is_audited_with_the_people_it_showed(
    client_for, personas, survey, town
):
    aged_75 = dt.date(1950, 1, 1)  # mailed: 65+ when the survey went out
    north, south = (
        make_person(town.n1, birth_date=aged_75),
        make_person(town.s1, birth_date=aged_75),
    )
    survey_services.mailing_from_register(survey=survey, on=dt.date(2025, 11, 1))
    client_for(personas["nurse"]).get(reverse("surveys:nonrespondents", args=[survey.pk]))
    assert audited(north, action="list", username="nurse").count() == 1
    assert not audited(south, action__in=["read", "list"]).exists()


def test_the_respondent_list_is_audited_even_without_a_risk_filter(client_for, personas, survey):
    client_for(personas["nurse"]).get(reverse("surveys:respondents", args=[survey.pk]))
    event = AuditEvent.objects.get(action=AuditAction.LIST, model="surveys.respondent")
    assert event.changes["ids"] and event.municipality_id == survey.municipality_id


def test_opening_an_answer_sheet_is_on_the_administrators_audit_page(client_for, personas, survey):
    respondent = survey.respondents.first()
    client_for(personas["nurse"]).get(
        reverse("surveys:respondent_detail", args=[survey.pk, respondent.pk])
    )
    event = AuditEvent.objects.get(action=AuditAction.READ, model="surveys.respondent")
    assert event.municipality_id == survey.municipality_id
    page = client_for(personas["admin"]).get(reverse("accounts:audit")).content.decode()
    assert respondent.key in page


def test_the_audit_page_prints_details_as_words_not_characters(client_for, personas, town):
    person = make_person(town.n1)
    client_for(personas["nurse"]).get(reverse("people:list"))
    page = (
        client_for(personas["admin"])
        .get(reverse("accounts:audit"), {"person": person.pk})
        .content.decode()
    )
    assert f"表示したID: {person.pk}" in page
    assert "l → i" not in page and "i → d" not in page  # the old template split strings


def test_the_audit_page_finds_every_read_of_one_resident(client_for, personas, town):
    person, other = make_person(town.n1), make_person(town.n1)
    nurse = client_for(personas["nurse"])
    nurse.get(reverse("people:list"))
    nurse.get(reverse("people:detail", args=[person.pk]))
    nurse.get(reverse("people:detail", args=[other.pk]))
    rows = client_for(personas["admin"]).get(reverse("accounts:audit"), {"person": person.pk})
    events = [row.event for row in rows.context["page"]]
    assert {e.action for e in events} == {"create", "list", "read"}
    assert all(e.object_id in (None, person.pk) for e in events)


def test_the_follow_up_list_is_paged_and_one_view_is_one_audit_event(client_for, personas, town):
    for _ in range(55):
        survey_services.screening_create(
            user=None,
            person=make_person(town.n1),
            answers_by_item={"q16": 1},
            height_cm=None,
            weight_kg=None,
            screened_on=dt.date(2025, 6, 1),
        )
    client = client_for(personas["nurse"])
    first = client.get(reverse("surveys:followup"))
    assert first.context["count"] == 55 and len(first.context["items"]) == 50
    assert AuditEvent.objects.filter(username="nurse").count() == 1
    second = client.get(reverse("surveys:followup"), {"page": 2})
    assert len(second.context["items"]) == 5
    only = client.get(reverse("surveys:followup"), {"district": town.n2.pk})
    assert only.context["count"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "/people/?district=²",
        "/surveys/followup/?page=-1",
        "/mutualaid/?week=9999-12-31",
        "/mutualaid/report/?year=0",
        "/accounts/audit/?person=12345678901234567890",
    ],
)
def test_odd_parameters_get_a_400_in_japanese_that_names_them(client_for, personas, url):
    response = client_for(personas["admin"]).get(url)
    assert response.status_code == 400
    body = response.content.decode()
    name = url.split("?")[1].split("=")[0]
    assert f"パラメータ「{name}」" in body


def test_a_twenty_digit_id_in_a_path_is_not_found_not_a_server_error(client_for, personas):
    response = client_for(personas["admin"]).get("/people/12345678901234567890/")
    assert response.status_code == 404


def test_a_calendar_of_the_year_99999_is_not_found(client_for, personas, town):
    response = client_for(personas["admin"]).get(
        f"/resources/districts/{town.n1.pk}/calendar/99999/1/"
    )
    assert response.status_code == 404
