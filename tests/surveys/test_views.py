from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from chiiki.accounts.models import AuditEvent
from chiiki.surveys import services
from chiiki.surveys.models import MailingEntry, Outcome, Respondent, Screening
from tests.conftest import audited, make_person

pytestmark = pytest.mark.django_db


def test_the_results_page_shows_rates_with_intervals_and_names_the_rule_set(
    filled_survey, personas, client_for
):
    response = client_for(personas["officer"]).get(
        reverse("surveys:results", args=[filled_survey.pk])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "needs_default 2026.1（provisional）" in body
    assert "運動器機能の低下" in body and "北部" in body and "plotly.min.js" in body


def test_groups_under_ten_respondents_are_suppressed(filled_survey, personas, client_for):
    client = client_for(personas["officer"])
    body = client.get(
        reverse("surveys:results", args=[filled_survey.pk]) + "?by=age_band"
    ).content.decode()
    assert "＊" in body  # 60 respondents over 7 age bands: some bands have fewer than 10


def test_exports_are_suppressed_and_formula_safe(filled_survey, personas, client_for):
    client = client_for(personas["coordinator"])
    csv = client.get(
        reverse("surveys:export", args=[filled_survey.pk, "csv"]) + "?by=district"
    ).content.decode("utf-8-sig")
    assert "該当率(%)" in csv.splitlines()[0] and "needs_default" in csv
    xlsx = client.get(reverse("surveys:export", args=[filled_survey.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.parametrize("name", ["officer", "admin", "nurse", "coordinator", "pref"])
def test_every_role_but_volunteers_sees_the_aggregates(filled_survey, personas, client_for, name):
    assert (
        client_for(personas[name])
        .get(reverse("surveys:results", args=[filled_survey.pk]))
        .status_code
        == 200
    )


@pytest.mark.parametrize(
    "url", ["surveys:results", "surveys:import", "surveys:nonrespondents", "surveys:visit_list_pdf"]
)
def test_outsiders_and_volunteers_are_refused_every_survey_page(
    filled_survey, personas, client_for, url
):
    for name in ("outsider", "volunteer"):
        response = client_for(personas[name]).get(reverse(url, args=[filled_survey.pk]))
        assert response.status_code == 403, (name, url)


def test_outsiders_cannot_export(filled_survey, personas, client_for):
    assert (
        client_for(personas["outsider"])
        .get(reverse("surveys:export", args=[filled_survey.pk, "csv"]))
        .status_code
        == 403
    )


def test_volunteers_get_nothing_from_the_survey_index(personas, client_for):
    assert client_for(personas["volunteer"]).get(reverse("surveys:index")).status_code == 403
    assert client_for(personas["officer"]).get(reverse("surveys:index")).status_code == 200


def test_coordinators_and_prefecture_see_aggregates_but_not_individual_answers(
    filled_survey, personas, client_for
):
    for name in ("coordinator", "pref"):
        client = client_for(personas[name])
        assert (
            client.get(reverse("surveys:nonrespondents", args=[filled_survey.pk])).status_code
            == 403
        )
        assert client.get(reverse("surveys:followup")).status_code == 403
        assert client.get(reverse("surveys:kcl_search")).status_code == 403


def test_the_import_page_reports_bad_cells_and_imports_a_good_file(survey, personas, client_for):
    from .conftest import needs_csv, needs_rows

    client = client_for(personas["officer"])
    rows = needs_rows(3, ["須佐"])
    bad = rows[0].replace(",須佐,", ",火星,")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(  # the upload goes to its job's page, which shows the outcome
        reverse("surveys:import", args=[survey.pk]),
        {"file": SimpleUploadedFile("a.csv", needs_csv([bad, *rows[1:]], "cp932"))},
        follow=True,
    )
    assert "2行目「地区」列: 「火星」" in response.content.decode()
    response = client.post(
        reverse("surveys:import", args=[survey.pk]),
        {"file": SimpleUploadedFile("a.csv", needs_csv(rows, "cp932"))},
    )
    assert response.status_code == 302 and Respondent.objects.count() == 3
    assert "新規 3 件" in client.get(response["Location"]).content.decode()


def test_non_respondents_are_listed_by_district_within_the_nurses_areas_and_visits_are_recorded(
    survey, personas, town, client_for
):
    north = make_person(town.n1, insured_number="3520470101", birth_date=dt.date(1940, 1, 1))
    south = make_person(town.s1, insured_number="3520470102", birth_date=dt.date(1940, 1, 1))
    assert services.mailing_from_register(survey=survey, on=dt.date(2025, 11, 1)) >= 2
    services.district_owner_set(district=town.n1, staff=personas["nurse"])
    client = client_for(personas["nurse"])
    body = client.get(reverse("surveys:nonrespondents", args=[survey.pk])).content.decode()
    assert north.name in body and south.name not in body
    entry = MailingEntry.objects.get(person=north)
    response = client.post(
        reverse("surveys:visit_record", args=[survey.pk, entry.pk]),
        {"outcome": "absent", "visited_on": "2025-12-01"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "不在" in response.content.decode()
    entry.refresh_from_db()
    assert entry.outcome == Outcome.ABSENT
    other = MailingEntry.objects.get(person=south)
    assert client.post(
        reverse("surveys:visit_record", args=[survey.pk, other.pk]),
        {"outcome": "absent", "visited_on": "2025-12-01"},
    ).status_code in (403, 404)
    pdf = client.get(reverse("surveys:visit_list_pdf", args=[survey.pk]))
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    # the printed list takes names, addresses and phones off the screen: one list read on
    # the print channel, naming everyone printed and nobody else
    printed = audited(north, action="list", channel="print")
    assert printed.count() == 1
    assert printed.get().changes["list"] == "訪問リスト（印刷）"
    assert not audited(south, channel="print").exists()


def test_the_counter_checklist_shows_the_result_as_it_goes_and_saves_it_audited(
    personas, town, client_for
):
    person = make_person(town.n1)
    client = client_for(personas["nurse"])
    url = reverse("surveys:kcl_counter", args=[person.pk])
    assert client.get(url).status_code == 200
    answers = {f"q{i}": "0" for i in range(1, 26) if i != 12} | {
        "q16": "1",
        "screened_on": "2025-12-01",
        "height_cm": "160",
        "weight_kg": "47.36",
    }
    partial = client.post(url, answers, HTTP_HX_REQUEST="true").content.decode()
    assert (
        "事業対象者に該当" in partial
        and "⑤ 閉じこもり" in partial
        and "通いの場・サロン" in partial
    )
    assert client.post(url, answers | {"save": "1"}).status_code == 302
    s = Screening.objects.get()
    assert s.eligible is True and s.results["c5"] == 1 and s.results["c3"] == 0
    assert audited(person, action="create", model="surveys.screening", object_id=s.pk).exists()
    detail = client.get(reverse("surveys:screening_detail", args=[s.pk]))
    assert detail.status_code == 200
    assert audited(person, action="read", model="surveys.screening", object_id=s.pk).exists()


def test_the_counter_checklist_is_refused_outside_the_nurses_areas(personas, town, client_for):
    person = make_person(town.s1)
    client = client_for(personas["nurse"])
    assert client.get(reverse("surveys:kcl_counter", args=[person.pk])).status_code == 403
    s = services.screening_create(
        user=None,
        person=person,
        answers_by_item={},
        height_cm=None,
        weight_kg=None,
        screened_on=dt.date(2025, 1, 1),
    )
    assert client.get(reverse("surveys:screening_detail", args=[s.pk])).status_code == 403
    assert (
        client_for(personas["outsider"])
        .get(reverse("surveys:screening_detail", args=[s.pk]))
        .status_code
        == 403
    )


def test_follow_up_lists_high_risk_people_not_yet_in_a_service(survey, personas, town, client_for):
    flagged = make_person(town.n1)
    served = make_person(town.n1)
    for p in (flagged, served):
        services.screening_create(
            user=None,
            person=p,
            answers_by_item={"q16": 1},
            height_cm=None,
            weight_kg=None,
            screened_on=dt.date(2025, 6, 1),
        )
    services.enrolment_create(person=served, kind="通所型サービスC", started_on=dt.date(2025, 7, 1))
    body = client_for(personas["nurse"]).get(reverse("surveys:followup")).content.decode()
    assert flagged.name in body and served.name not in body and "事業対象者" in body
    # The names shown beside their flags are health data: the page is one list read that
    # names exactly the people it showed.
    from chiiki.accounts.models import AuditEvent

    (event,) = AuditEvent.objects.filter(action="list", username="nurse", model="people.person")
    assert event.changes["ids"] == [flagged.pk]
    assert list(event.subjects.values_list("person_id", flat=True)) == [flagged.pk]


def test_the_api_lists_aggregates_and_refuses_outsiders(filled_survey, personas, client_for):
    client = client_for(personas["pref"])
    data = client.get(f"/api/surveys/{filled_survey.pk}/aggregate?by=district").json()
    assert data["rule_set"].startswith("needs_default") and data["suppress_below"] == 10
    assert all(r["rate"] is None for r in data["rows"] if r["suppressed"])
    assert (
        client_for(personas["outsider"])
        .get(f"/api/surveys/{filled_survey.pk}/aggregate")
        .status_code
        == 403
    )
    assert client_for(personas["volunteer"]).get("/api/surveys").status_code == 403
    assert [s["id"] for s in client_for(personas["officer"]).get("/api/surveys").json()] == [
        filled_survey.pk
    ]


def test_the_api_imports_the_same_files_and_reports_bad_cells(survey, personas, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import needs_csv, needs_rows

    client = client_for(personas["officer"])
    rows = needs_rows(2, ["旭"])
    bad = client.post(
        f"/api/surveys/{survey.pk}/import",
        {"file": SimpleUploadedFile("a.csv", needs_csv([rows[0].replace(",旭,", ",X,"), rows[1]]))},
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["row"] == 2
    ok = client.post(
        f"/api/surveys/{survey.pk}/import", {"file": SimpleUploadedFile("a.csv", needs_csv(rows))}
    )
    assert ok.status_code == 200 and ok.json()["created"] == 2
    denied = client_for(personas["outsider"]).post(
        f"/api/surveys/{survey.pk}/import", {"file": SimpleUploadedFile("a.csv", needs_csv(rows))}
    )
    assert denied.status_code == 403


def test_the_api_scores_a_kcl_file_for_health_roles_only(personas, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    header = "id," + ",".join(f"q{i}" for i in range(1, 26) if i != 12) + ",height_cm,weight_kg"
    line = "A," + ",".join(["0"] * 14 + ["1"] + ["0"] * 9) + ",160,60"
    data = f"{header}\n{line}\n".encode()
    ok = client_for(personas["nurse"]).post(
        "/api/surveys/kcl/score", {"file": SimpleUploadedFile("k.csv", data)}
    )
    assert ok.status_code == 200 and ok.json()[0]["c5"] == 1
    for name in ("coordinator", "volunteer", "pref"):
        denied = client_for(personas[name]).post(
            "/api/surveys/kcl/score", {"file": SimpleUploadedFile("k.csv", data)}
        )
        assert denied.status_code == 403, name


def test_a_municipality_edits_a_rule_set_and_rescores_a_survey_which_then_names_it(
    filled_survey, personas, client_for
):
    client = client_for(personas["officer"])
    text = client.get(reverse("surveys:rulesets") + "?from=needs_default").content.decode()
    assert "needs_default" in text
    yaml_text = (
        services.ruleset_yaml(municipality=None, name="needs_default")
        .replace("name: needs_default", "name: hagi_2025")
        .replace("at_least: 3}}", "at_least: 2}}", 1)
    )
    bad = client.post(
        reverse("surveys:rulesets"), {"yaml": yaml_text.replace("[stairs,", "[stares,")}
    )
    assert "stares" in bad.content.decode()
    assert client.post(reverse("surveys:rulesets"), {"yaml": yaml_text}).status_code == 302
    before = sum(r.results["motor"] or 0 for r in Respondent.objects.all())
    assert (
        client.post(
            reverse("surveys:rescore", args=[filled_survey.pk]), {"ruleset": "hagi_2025"}
        ).status_code
        == 302
    )
    filled_survey.refresh_from_db()
    assert filled_survey.ruleset_name == "hagi_2025"
    assert sum(r.results["motor"] or 0 for r in Respondent.objects.all()) > before
    body = client.get(reverse("surveys:results", args=[filled_survey.pk])).content.decode()
    assert "hagi_2025 2026.1（provisional）" in body


def test_only_municipal_staff_may_edit_rule_sets_or_rescore(filled_survey, personas, client_for):
    for name in ("nurse", "coordinator", "pref", "volunteer", "outsider"):
        client = client_for(personas[name])
        assert client.get(reverse("surveys:rulesets")).status_code == 403, name
        assert (
            client.post(
                reverse("surveys:rescore", args=[filled_survey.pk]),
                {"ruleset": "needs_variant_any"},
            ).status_code
            == 403
        ), name


def test_live_previews_at_the_counter_do_not_flood_the_audit_trail(personas, town, client_for):
    person = make_person(town.n1)
    client = client_for(personas["nurse"])
    url = reverse("surveys:kcl_counter", args=[person.pk])
    client.get(url)
    for i in range(1, 6):
        client.post(url, {f"q{i}": "1", "screened_on": "2025-12-01"}, HTTP_HX_REQUEST="true")
    assert AuditEvent.objects.filter(object_id=person.pk, action="read").count() == 1
    outsider = client_for(personas["outsider"])
    assert outsider.post(url, {"q1": "1"}, HTTP_HX_REQUEST="true").status_code == 403


def test_the_results_page_runs_a_fixed_number_of_queries(
    filled_survey, personas, client_for, django_assert_max_num_queries
):
    client = client_for(personas["officer"])
    with django_assert_max_num_queries(20):
        client.get(reverse("surveys:results", args=[filled_survey.pk]) + "?by=district")


def test_the_non_respondent_page_counts_by_district_and_owner_in_a_fixed_number_of_queries(
    survey, personas, town, client_for, django_assert_max_num_queries
):
    for i in range(6):
        make_person(town.n1 if i % 2 else town.n2, birth_date=dt.date(1940, 1, 1))
    services.mailing_from_register(survey=survey, on=dt.date(2025, 11, 1))
    services.district_owner_set(district=town.n1, staff=personas["nurse"])
    client = client_for(personas["nurse"])
    with django_assert_max_num_queries(20):
        body = client.get(reverse("surveys:nonrespondents", args=[survey.pk])).content.decode()
    assert (
        "須佐" in body
        and "田万川" in body
        and "（未設定）" in body
        and str(personas["nurse"]) in body
    )


def test_small_response_counts_are_hidden_alike_from_every_role(survey, personas, client_for):
    from .conftest import needs_csv, needs_rows

    services.survey_import(
        user=personas["officer"],
        survey=survey,
        data=needs_csv(needs_rows(5, ["須佐"])),
        filename="a.csv",
    )
    url = reverse("surveys:results", args=[survey.pk])
    for name in ("pref", "officer", "nurse"):
        page = client_for(personas[name]).get(url).content.decode()
        rates = page[page.index('id="rates"') :]
        assert "＊" in rates.split("須佐")[1][:300], name
        # Five answers in all: 全体 is small too, and hidden with them.
        assert "＊" in rates.split("全体")[1][:300], name


def _rates_survey(survey, personas, town):
    """Answers from 4 people in 須佐 and 30 in each other district, and a mailing to more."""
    from .conftest import needs_csv, needs_rows

    rows = needs_rows(4, ["須佐"]) + [
        row
        for i, name in enumerate(["田万川", "旭", "福栄"])
        for row in needs_rows(30, [name], seed=i + 2, start=100 * (i + 1))
    ]
    services.survey_import(
        user=personas["officer"], survey=survey, data=needs_csv(rows), filename="a.csv"
    )
    for district in (town.n1, town.n2, town.s1, town.s2):
        for _ in range(3 if district == town.n1 else 40):
            make_person(district, birth_date=dt.date(1940, 1, 1))
    services.mailing_from_register(survey=survey, on=dt.date(2025, 11, 1))
    return survey


def test_a_small_districts_counts_cannot_be_worked_out_from_the_rest(
    survey, personas, town, client_for
):
    from chiiki.surveys.selectors import response_rates

    _rates_survey(survey, personas, town)
    for name in ("officer", "pref", "nurse"):
        rows, total = response_rates(user=personas[name], survey=survey)
        by_name = {r.label.split()[-1]: r for r in rows}
        assert by_name["須佐"].hidden and not total.hidden, name
        visible = [r for r in rows if not r.hidden]
        for field in ("mailed", "by_mail", "answered"):
            # 全体 minus the visible districts is more than 須佐's own figure: another
            # district is hidden with it.
            left = getattr(total, field) - sum(getattr(r, field) for r in visible)
            assert left > getattr(by_name["須佐"], field) > 0, (name, field)
        # Its life area (北部, on the results page) cannot give it away either.
        assert by_name["田万川"].hidden
    page = client_for(personas["officer"]).get(reverse("surveys:results", args=[survey.pk]))
    rates = page.content.decode().split('id="rates"')[1]
    assert "＊" in rates.split("須佐")[1][:200] and "＊" in rates.split("田万川")[1][:200]
    assert "＊" not in rates.split("旭")[1][:200]
    page = client_for(personas["nurse"]).get(reverse("surveys:nonrespondents", args=[survey.pk]))
    rates = page.content.decode().split('id="rates"')[1]
    assert "＊" in rates.split("須佐")[1][:200] and "＊" in rates.split("田万川")[1][:200]


def test_municipal_staff_assign_district_owners_and_others_cannot(personas, town, client_for):
    client = client_for(personas["officer"])
    assert client.get(reverse("surveys:owners")).status_code == 200
    response = client.post(
        reverse("surveys:owners"), {f"district-{town.n1.pk}": str(personas["nurse"].pk)}
    )
    assert response.status_code == 302
    town.n1.refresh_from_db()
    assert town.n1.survey_owner.staff == personas["nurse"]
    client.post(reverse("surveys:owners"), {f"district-{town.n1.pk}": str(personas["outsider"].pk)})
    town.n1.refresh_from_db()
    assert not hasattr(town.n1, "survey_owner") or town.n1.survey_owner is None
    for name in ("nurse", "coordinator", "pref", "volunteer", "outsider"):
        assert client_for(personas[name]).get(reverse("surveys:owners")).status_code == 403, name


def test_the_counter_suggests_directory_services_of_the_flagged_domains_own_district_first(
    personas, town, client_for
):
    from chiiki.resources.models import Organization, Service

    org = Organization.objects.create(
        municipality=town.municipality, name="須佐地区社協", provider_kind="shakyo"
    )
    Service.objects.create(
        municipality=town.municipality,
        organization=org,
        name="旭のふれあいサロン",
        district=town.s1,
        category_codes="|kayoi|",
    )
    Service.objects.create(
        municipality=town.municipality,
        organization=org,
        name="須佐の百歳体操",
        district=town.n1,
        category_codes="|taiso|kayoi|",
    )
    person = make_person(town.n1)
    client = client_for(personas["nurse"])
    url = reverse("surveys:kcl_counter", args=[person.pk])
    client.get(url)
    answers = {f"q{i}": "0" for i in range(1, 26) if i != 12} | {
        "q6": "1",
        "q7": "1",
        "q8": "1",
        "screened_on": "2025-12-01",
    }
    body = client.post(url, answers, HTTP_HX_REQUEST="true").content.decode()
    assert "② 運動機能" in body and "須佐の百歳体操" in body
    assert body.index("須佐の百歳体操") < body.index("旭のふれあいサロン")


def test_an_eligible_person_is_registered_as_program_eligible_from_the_counter(
    personas, town, client_for
):
    person = make_person(town.n1)
    client = client_for(personas["nurse"])
    register = reverse("surveys:kcl_register", args=[person.pk])
    client.post(register)
    person.refresh_from_db()
    assert person.care_level == "none"  # no eligible checklist yet
    services.screening_create(
        user=personas["nurse"],
        person=person,
        answers_by_item={"q16": 1},
        height_cm=None,
        weight_kg=None,
        screened_on=dt.date(2025, 12, 1),
    )
    assert (
        "事業対象者として登録する"
        in client.get(reverse("surveys:kcl_counter", args=[person.pk])).content.decode()
    )
    assert client.post(register).status_code == 302
    person.refresh_from_db()
    assert person.care_level == "program_eligible"
    assert AuditEvent.objects.filter(object_id=person.pk, action="update").exists()
    assert client_for(personas["coordinator"]).post(register).status_code == 403


def test_the_api_imports_a_mailing_list_and_refuses_outsiders(survey, personas, town, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_person(town.n1, insured_number="3520470201")
    data = "被保険者番号\n3520470201\n".encode("cp932")
    ok = client_for(personas["officer"]).post(
        f"/api/surveys/{survey.pk}/mailing", {"file": SimpleUploadedFile("m.csv", data)}
    )
    assert ok.status_code == 200 and ok.json()["created"] == 1
    bad = client_for(personas["officer"]).post(
        f"/api/surveys/{survey.pk}/mailing", {"file": SimpleUploadedFile("m.csv", b"x\n1\n")}
    )
    assert bad.status_code == 400
    for name in ("outsider", "nurse", "volunteer"):
        denied = client_for(personas[name]).post(
            f"/api/surveys/{survey.pk}/mailing", {"file": SimpleUploadedFile("m.csv", data)}
        )
        assert denied.status_code == 403, name


def test_follow_up_includes_respondents_with_two_or_more_needs_survey_risks(
    survey, personas, town, client_for
):
    from .conftest import HEADER, needs_csv

    risky = make_person(town.n2, insured_number="3520470301")
    calm = make_person(town.n2, insured_number="3520470302")
    cols = HEADER.split(",")
    row = dict.fromkeys(cols, "")
    row |= {
        "回答者ID": "A1",
        "被保険者番号": "3520470301",
        "問2(4)": "1",
        "問2(6)": "1",
        "問4(1)": "1",
    }
    other = dict(row) | {
        "回答者ID": "A2",
        "被保険者番号": "3520470302",
        "問2(4)": "3",
        "問2(6)": "4",
        "問4(1)": "1",
    }
    lines = [",".join(r[c] for c in cols) for r in (row, other)]
    assert services.survey_import(
        user=personas["officer"], survey=survey, data=needs_csv(lines), filename="a.csv"
    ).ok
    body = (
        client_for(personas["nurse"])
        .get(reverse("surveys:followup") + f"?survey={survey.pk}")
        .content.decode()
    )
    assert risky.name in body and calm.name not in body
    assert "転倒リスク" in body and "閉じこもり傾向" in body and "needs_default" in body


def test_the_api_answers_a_bearer_token_and_401_without_one(filled_survey, personas, client):
    from chiiki.accounts.services import api_token_create

    _, raw = api_token_create(user=personas["coordinator"], name="test")
    body = client.get(
        f"/api/surveys/{filled_survey.pk}/aggregate?by=sex",
        headers={"Authorization": f"Bearer {raw}"},
    ).json()
    assert body["by"] == "sex" and {r["group"] for r in body["rows"]} >= {"男", "女", "全体"}
    assert client.get(f"/api/surveys/{filled_survey.pk}/aggregate").status_code == 401


def test_support_center_staff_see_respondents_of_their_areas_only_and_opening_one_is_audited(
    filled_survey, personas, client_for
):
    client = client_for(personas["nurse"])
    body = client.get(reverse("surveys:respondents", args=[filled_survey.pk])).content.decode()
    north = Respondent.objects.filter(district__life_area__name="北部").first()
    south = Respondent.objects.filter(district__life_area__name="南部").first()
    assert north.key in body and south.key not in body
    detail = client.get(reverse("surveys:respondent_detail", args=[filled_survey.pk, north.pk]))
    assert detail.status_code == 200 and "運動器機能の低下" in detail.content.decode()
    assert AuditEvent.objects.filter(
        model="surveys.respondent", object_id=north.pk, action="read"
    ).exists()
    assert (
        client.get(
            reverse("surveys:respondent_detail", args=[filled_survey.pk, south.pk])
        ).status_code
        == 403
    )
    motor = client.get(
        reverse("surveys:respondents", args=[filled_survey.pk]) + "?risk=motor"
    ).content.decode()
    assert all(
        r.key in motor
        for r in Respondent.objects.filter(district__life_area__name="北部", results__motor=1)
    )
    for name in ("coordinator", "pref", "volunteer", "outsider"):
        assert (
            client_for(personas[name])
            .get(reverse("surveys:respondents", args=[filled_survey.pk]))
            .status_code
            == 403
        ), name


def test_results_cross_two_dimensions_on_the_page_the_export_and_the_api(
    filled_survey, personas, client_for
):
    client = client_for(personas["officer"])
    url = reverse("surveys:results", args=[filled_survey.pk])
    body = client.get(url + "?by=life_area&then=sex").content.decode()
    assert "北部 / 女" in body and "日常生活圏域×性別" in body
    csv = client.get(
        reverse("surveys:export", args=[filled_survey.pk, "csv"]) + "?by=life_area&then=sex"
    )
    assert csv.content.decode("utf-8-sig").splitlines()[0].startswith("日常生活圏域,性別,リスク")
    data = client.get(f"/api/surveys/{filled_survey.pk}/aggregate?by=life_area,sex").json()
    assert data["by"] == "life_area,sex" and "北部 / 女" in {r["group"] for r in data["rows"]}
    assert "全体 / 全体" in {r["group"] for r in data["rows"]}


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"height_cm": Decimal("999.99")}, "height_cm"),
        ({"weight_kg": Decimal("5")}, "weight_kg"),
        ({"screened_on": dt.date(952, 3, 18)}, "screened_on"),
    ],
)
def test_a_checklist_with_a_value_out_of_range_is_refused_by_the_service(town, fields, where):
    from django.core.exceptions import ValidationError

    values = {"height_cm": None, "weight_kg": None, "screened_on": dt.date(2025, 1, 1), **fields}
    with pytest.raises(ValidationError) as info:
        services.screening_create(
            user=None, person=make_person(town.n1), answers_by_item={}, **values
        )
    assert where in info.value.message_dict


def test_a_survey_of_fiscal_year_0_is_refused(town, personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="年度は1900以上2100以下"):
        services.survey_create(
            user=personas["officer"], municipality=town.municipality, name="誤り", fiscal_year=0
        )
