from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from chiiki.accounts.models import AuditEvent
from chiiki.people.models import Person
from chiiki.surveys import services
from chiiki.surveys.models import ColumnMapping, Respondent

from .conftest import HEADER, needs_csv, needs_rows

pytestmark = pytest.mark.django_db


def test_a_cp932_file_imports_and_the_same_file_twice_changes_nothing(survey, personas):
    data = needs_csv(needs_rows(30, ["須佐", "旭"]), "cp932")
    first = services.survey_import(
        user=personas["officer"], survey=survey, data=data, filename="回答.csv"
    )
    assert first.ok and first.created == 30 and first.encoding == "cp932"
    results_before = list(
        Respondent.objects.order_by("key").values_list("key", "results", "digest")
    )
    second = services.survey_import(
        user=personas["officer"], survey=survey, data=data, filename="回答.csv"
    )
    assert (second.created, second.updated, second.unchanged) == (0, 0, 30)
    assert (
        list(Respondent.objects.order_by("key").values_list("key", "results", "digest"))
        == results_before
    )


def test_every_bad_cell_is_reported_with_row_column_value_and_expectation_and_nothing_is_written(
    survey, personas
):
    rows = needs_rows(5, ["須佐"])
    rows[1] = rows[1].replace(",須佐,", ",どこか,")
    cells = rows[3].split(",")
    cells[5] = "7"  # 問2(1) has options 1–3
    rows[3] = ",".join(cells)
    result = services.survey_import(
        user=personas["officer"], survey=survey, data=needs_csv(rows), filename="a.csv"
    )
    assert not result.ok and result.error_count == 2
    messages = [e.message for e in result.errors]
    assert any("3行目「地区」列: 「どこか」" in m for m in messages)
    assert any("5行目「問2(1)」列: 「7」" in m and "1.できるし、している" in m for m in messages)
    assert Respondent.objects.count() == 0


def test_answers_are_accepted_as_number_text_or_both_in_any_width(survey, personas):
    row = needs_rows(1, ["須佐"])[0].split(",")
    row[5], row[6], row[7] = "できない", "３", "3.できない"
    result = services.survey_import(
        user=personas["officer"], survey=survey, data=needs_csv([",".join(row)]), filename="a.csv"
    )
    assert result.ok
    assert Respondent.objects.get().answers["stairs"] == 3
    assert Respondent.objects.get().answers["chair_stand"] == 3


def test_a_respondent_links_to_a_person_by_insured_number(survey, personas, town):
    from tests.conftest import make_person

    person = make_person(town.n1, insured_number="3520470001")
    row = needs_rows(1, ["旭"])[0].split(",")
    row[1] = "3520470001"
    result = services.survey_import(
        user=personas["officer"], survey=survey, data=needs_csv([",".join(row)]), filename="a.csv"
    )
    assert result.ok
    r = Respondent.objects.get()
    assert r.person == person and r.district == town.n1  # the register's district wins
    assert AuditEvent.objects.filter(model="surveys.respondent", object_id=r.pk).exists()


def test_the_saved_mapping_lets_next_years_file_with_other_headers_map_itself(survey, personas):
    header = HEADER.replace("問2(1)", "階段昇降")
    data = ("\n".join([header, *needs_rows(3, ["須佐"])]) + "\n").encode()
    result = services.survey_import(
        user=personas["officer"], survey=survey, data=data, filename="a.csv"
    )
    assert result.ok and "階段昇降" in result.unused
    mapping = services.answers.auto_mapping(header.split(","), services.rules.instrument("needs"))
    mapping["階段昇降"] = "stairs"
    result = services.survey_import(
        user=personas["officer"], survey=survey, data=data, filename="a.csv", mapping=mapping
    )
    assert result.ok and result.updated == 3
    assert ColumnMapping.objects.get().mapping["階段昇降"] == "stairs"
    again = services.answers.auto_mapping(
        header.split(","),
        services.rules.instrument("needs"),
        services.column_mapping_for(municipality=survey.municipality, instrument="needs"),
    )
    assert again["階段昇降"] == "stairs"


def test_q_style_headers_map_to_the_same_items():
    mapping = services.answers.auto_mapping(
        ["Q2_1", "問２（２）", "q2-3"], services.rules.instrument("needs")
    )
    assert mapping == {"Q2_1": "stairs", "問２（２）": "chair_stand", "q2-3": "walk_15min"}


def test_an_xlsx_file_imports_like_a_csv(survey, personas):
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    for row in needs_rows(4, ["旭"]):
        ws.append(row.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    result = services.survey_import(
        user=personas["officer"], survey=survey, data=buf.getvalue(), filename="a.xlsx"
    )
    assert result.ok and result.created == 4


def test_only_municipal_staff_of_the_same_municipality_may_import(survey, personas):
    data = needs_csv(needs_rows(2, ["旭"]))
    for name in ("nurse", "coordinator", "volunteer", "pref", "outsider"):
        with pytest.raises(PermissionDenied):
            services.survey_import(user=personas[name], survey=survey, data=data, filename="a.csv")


def test_the_mailing_list_imports_by_insured_number_all_or_nothing(survey, personas, town):
    from tests.conftest import make_person

    make_person(town.n1, insured_number="3520470011")
    bad = services.mailing_import(
        user=personas["officer"],
        survey=survey,
        data="被保険者番号\n3520470011\n9999999999\n".encode(),
        filename="m.csv",
    )
    assert not bad.ok and "3行目" in bad.errors[0].message
    assert survey.mailing.count() == 0
    good = services.mailing_import(
        user=personas["officer"],
        survey=survey,
        data="被保険者番号\n3520470011\n".encode(),
        filename="m.csv",
    )
    assert good.ok and good.created == 1
    again = services.mailing_import(
        user=personas["officer"],
        survey=survey,
        data="被保険者番号\n3520470011\n".encode(),
        filename="m.csv",
    )
    assert again.created == 0 and Person.objects.count() >= 1


def test_the_cli_imports_the_same_files_all_or_nothing(survey, tmp_path):
    from django.core.management import CommandError, call_command

    rows = needs_rows(12, ["須佐", "旭"])
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        needs_csv([rows[0].replace(",須佐,", ",月,").replace(",旭,", ",月,"), *rows[1:]], "cp932")
    )
    with pytest.raises(CommandError, match="2行目「地区」列: 「月」"):
        call_command("survey", "import", str(bad), "--survey", str(survey.pk))
    assert Respondent.objects.count() == 0
    good = tmp_path / "good.csv"
    good.write_bytes(needs_csv(rows, "cp932"))
    call_command("survey", "import", str(good), "--survey", str(survey.pk))
    call_command("survey", "import", str(good), "--survey", str(survey.pk))
    assert Respondent.objects.count() == 12


def test_a_mailed_kcl_survey_imports_and_reports_by_area(town, personas, client_for):
    import random

    from django.urls import reverse

    survey = services.survey_create(
        user=personas["officer"],
        municipality=town.municipality,
        name="KCL 郵送",
        fiscal_year=2025,
        instrument="kcl",
        ruleset_name="kcl_mhlw",
    )
    rng = random.Random(3)
    header = (
        "id,地区," + ",".join(f"q{i}" for i in range(1, 26) if i != 12) + ",height_cm,weight_kg"
    )
    lines = [header] + [
        f"K{i},{rng.choice(['須佐', '旭'])},"
        + ",".join(rng.choice("0001") for _ in range(24))
        + ",155,50"
        for i in range(30)
    ]
    result = services.survey_import(
        user=personas["officer"], survey=survey, data="\n".join(lines).encode(), filename="k.csv"
    )
    assert result.ok and result.created == 30
    r = Respondent.objects.filter(survey=survey).first()
    assert set(r.results) >= {"c1", "c7", "eligible", "total_25", "band"}
    body = (
        client_for(personas["officer"])
        .get(reverse("surveys:results", args=[survey.pk]))
        .content.decode()
    )
    assert "事業対象者" in body and "kcl_mhlw 2015.1（confirmed）" in body


def test_a_file_with_not_one_question_column_is_refused_as_the_wrong_file(tmp_path, db):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "wrong.csv"
    path.write_text("id,氏名,住所\n1,a,b\n", encoding="utf-8")
    with pytest.raises(CommandError, match="設問に当たる列が1つもありません"):
        call_command("kcl", "score", str(path))


def test_a_survey_mailed_before_a_linked_person_was_born_stores_no_age(survey, personas, town):
    """The register fills a missing age from the birth date, never with a negative one."""
    import datetime as dt

    from tests.conftest import make_person

    make_person(town.n1, insured_number="3520470009", birth_date=dt.date(2026, 1, 1))
    row = needs_rows(1, ["須佐"])[0].split(",")
    row[1], row[3] = "3520470009", ""  # linked by number, no age on the sheet
    result = services.survey_import(
        user=personas["officer"], survey=survey, data=needs_csv([",".join(row)]), filename="a.csv"
    )
    assert result.ok
    assert Respondent.objects.get().age is None


def test_the_database_refuses_a_respondent_age_beyond_130(filled_survey):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Respondent.objects.filter(survey=filled_survey).update(age=32767)
