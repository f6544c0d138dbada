"""Every defect the outside review found, on every import path: a message with row and
column, never a 500 or a traceback, and nothing stored (issue 8, uploads)."""

from __future__ import annotations

import html
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from chiiki.areas.models import PopulationRecord
from chiiki.surveys.models import MailingEntry, Respondent
from tests.surveys.conftest import HEADER, needs_rows
from tests.uploads import defects

pytestmark = pytest.mark.django_db

POPULATION = defects(
    ["地区", "基準日", "性別", "年齢階級", "人数"],
    [["須佐", "2018-04-01", "男", f"{a}-{a + 4}", "10"] for a in (65, 70, 75)],
)
ANSWERS = defects(HEADER.split(","), [r.split(",") for r in needs_rows(3, ["須佐"])])
MAILING = defects(["被保険者番号"], [["3520470011"], ["3520470012"], ["3520470013"]])
DEFECTS = list(POPULATION)
ROWS = {"repeated_header": 1, "ragged_row": 3, "unterminated_quote": 3}


@pytest.fixture
def survey(town, personas):
    from chiiki.surveys import services

    return services.survey_create(
        user=personas["officer"], municipality=town.municipality, name="調査", fiscal_year=2025
    )


def _page(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("defect", DEFECTS)
def test_population_web_upload_names_the_fault(defect, personas, client_for):
    name, data, expected = POPULATION[defect]
    response = client_for(personas["officer"]).post(
        reverse("areas:population_import"), {"file": SimpleUploadedFile(name, data)}, follow=True
    )
    page = _page(response)
    assert expected in page and "何も取り込んでいません" in page
    assert PopulationRecord.objects.count() == 0


@pytest.mark.parametrize("defect", DEFECTS)
def test_population_cli_names_the_fault(defect, town, tmp_path):
    name, data, expected = POPULATION[defect]
    (tmp_path / name).write_bytes(data)
    with pytest.raises(CommandError) as caught:
        call_command("population", "import", str(tmp_path / name))
    assert expected in str(caught.value) and "何も保存していません" in str(caught.value)
    assert PopulationRecord.objects.count() == 0


@pytest.mark.parametrize("defect", DEFECTS)
def test_survey_web_upload_names_the_fault(defect, survey, personas, client_for):
    name, data, expected = ANSWERS[defect]
    response = client_for(personas["officer"]).post(
        reverse("surveys:import", args=[survey.pk]),
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
    )
    assert expected in _page(response)
    assert Respondent.objects.count() == 0


@pytest.mark.parametrize("defect", DEFECTS)
def test_survey_api_import_names_the_fault(defect, survey, personas, client_for):
    name, data, expected = ANSWERS[defect]
    response = client_for(personas["officer"]).post(
        f"/api/surveys/{survey.pk}/import", {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert expected in error["message"]
    assert error["row"] == ROWS.get(defect, error["row"])
    assert Respondent.objects.count() == 0


@pytest.mark.parametrize("defect", DEFECTS)
def test_survey_cli_import_names_the_fault(defect, survey, tmp_path):
    name, data, expected = ANSWERS[defect]
    (tmp_path / name).write_bytes(data)
    with pytest.raises(CommandError) as caught:
        call_command("survey", "import", str(tmp_path / name), "--survey", str(survey.pk))
    assert expected in str(caught.value)
    assert Respondent.objects.count() == 0


@pytest.mark.parametrize("defect", DEFECTS)
def test_mailing_web_upload_names_the_fault(defect, survey, personas, client_for):
    name, data, expected = MAILING[defect]
    response = client_for(personas["officer"]).post(
        reverse("surveys:import_mailing", args=[survey.pk]),
        {"mailing-file": SimpleUploadedFile(name, data)},
        follow=True,
    )
    assert expected in _page(response)
    assert MailingEntry.objects.count() == 0


@pytest.mark.parametrize("defect", DEFECTS)
def test_mailing_api_import_names_the_fault(defect, survey, personas, client_for):
    name, data, expected = MAILING[defect]
    response = client_for(personas["officer"]).post(
        f"/api/surveys/{survey.pk}/mailing", {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 400 and expected in response.json()["errors"][0]["message"]
    assert MailingEntry.objects.count() == 0


@pytest.mark.parametrize("defect", DEFECTS)
def test_mailing_cli_import_names_the_fault(defect, survey, tmp_path):
    name, data, expected = MAILING[defect]
    (tmp_path / name).write_bytes(data)
    with pytest.raises(CommandError) as caught:
        call_command("survey", "mailing", str(tmp_path / name), "--survey", str(survey.pk))
    assert expected in str(caught.value)
    assert MailingEntry.objects.count() == 0


@pytest.mark.parametrize("defect", DEFECTS)
def test_kcl_scoring_api_names_the_fault(defect, personas, client_for):
    name, data, expected = ANSWERS[defect]
    response = client_for(personas["nurse"]).post(
        "/api/surveys/kcl/score", {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 400 and expected in response.json()["errors"][0]["message"]


def test_hsds_import_names_the_line_and_column_of_broken_json(town, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "contents": [\n    {"id": "a",, "name": "x"}\n  ]\n}\n', encoding="utf-8")
    with pytest.raises(json.JSONDecodeError) as parsed:
        json.loads(path.read_text(encoding="utf-8"))
    with pytest.raises(CommandError) as caught:
        call_command("resources", "import-hsds", str(path))
    message = str(caught.value)
    assert f"{parsed.value.lineno}行目 {parsed.value.colno}文字目: JSON として読めません" in message
    assert "何も保存していません" in message


@pytest.mark.parametrize(
    "path", ["population", "survey_web", "survey_api", "survey_cli", "mailing_api", "hsds"]
)
def test_a_file_over_the_byte_limit_is_refused_on_every_path_with_size_and_limit(
    path, survey, personas, client_for, settings, tmp_path
):
    settings.CHIIKI_UPLOAD_MAX_BYTES = 1024
    data = ("\r\n".join([HEADER, *needs_rows(40, ["須佐"])]) + "\r\n").encode()
    assert len(data) > 2048
    expected = "ファイルが大きすぎます: "
    client = client_for(personas["officer"])
    file = SimpleUploadedFile("big.csv", data)
    if path == "population":
        body = _page(client.post(reverse("areas:population_import"), {"file": file}, follow=True))
    elif path == "survey_web":
        body = _page(
            client.post(reverse("surveys:import", args=[survey.pk]), {"file": file}, follow=True)
        )
    elif path in ("survey_api", "mailing_api"):
        url = f"/api/surveys/{survey.pk}/{'import' if path == 'survey_api' else 'mailing'}"
        response = client.post(url, {"file": file})
        assert response.status_code == 400
        body = response.json()["errors"][0]["message"]
    else:
        (tmp_path / "big.csv").write_bytes(data)
        command = (
            ("survey", "import", str(tmp_path / "big.csv"), "--survey", str(survey.pk))
            if path == "survey_cli"
            else ("resources", "import-hsds", str(tmp_path / "big.csv"), "--municipality", "352047")
        )
        with pytest.raises(CommandError) as caught:
            call_command(*command)
        body = str(caught.value)
    assert expected in body and "（上限 1 KB）" in body
    assert Respondent.objects.count() == 0
