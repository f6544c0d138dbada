"""The grant's self-assessment pages: who reads and who writes, the form that proposes the
year's records, refusals in Japanese naming the field, and the XLSX and CSV exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from chiiki.indicators.grant import services
from chiiki.indicators.models import GrantAnswer, GrantEvidence
from tests.indicators.grant_world import FY, build_grant_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant_world(town, other_town, personas):
    return build_grant_world(town, other_town, personas)


YEAR = f"/indicators/grant/{FY}/"


def _post(client, indicator="sc-groundwork", **data):
    return client.post(f"{YEAR}{indicator}/", {"answer": "yes", "note": "", **data})


def test_the_page_proposes_the_years_records_to_pick(client_for, personas, grant_world):
    body = client_for(personas["officer"]).get(YEAR).content.decode()
    assert "萩市 2024年度 保険者機能強化推進交付金の自己評価" in body
    assert (
        "北部 地域ささえあい協議体" in body and f'value="meeting:{grant_world.meeting.pk}"' in body
    )
    assert f'value="issue:{grant_world.issue.pk}"' in body
    assert f'value="meeting:{grant_world.foreign_meeting.pk}"' not in body
    assert f'value="meeting:{grant_world.last_year_meeting.pk}"' not in body
    assert "冊子が引用するもの" in body  # 2024 is answered against the 2018 indicators


def test_an_editor_records_an_answer_with_picked_evidence(client_for, personas, grant_world):
    client = client_for(personas["officer"])
    response = _post(client, evidence=[f"meeting:{grant_world.meeting.pk}"], note="ニーズを把握")
    assert response.status_code == 302 and response["Location"].endswith("#ind-sc-groundwork")
    answer = GrantAnswer.objects.get(indicator_id="sc-groundwork")
    assert answer.note == "ニーズを把握"
    assert list(answer.evidence.values_list("record_id", flat=True)) == [grant_world.meeting.pk]
    page = client.get(YEAR).content.decode()
    assert "北部 地域ささえあい協議体" in page and "根拠がありません" not in page


def test_a_foreign_municipalitys_id_in_the_post_is_refused(client_for, personas, grant_world):
    client = client_for(personas["officer"])
    foreign = grant_world.foreign_meeting.pk
    response = _post(client, evidence=[f"meeting:{foreign}"])
    assert response.status_code == 400
    body = response.content.decode()
    assert f"「根拠」の meeting:{foreign} はこの年度の候補にありません" in body
    # Nor through a kind the indicator does not take, nor a malformed value.
    for value in (f"resource:{grant_world.foreign_resource.pk}", "meeting:abc", "meeting"):
        assert _post(client, evidence=[value]).status_code == 400
    assert not GrantAnswer.objects.exists() and not GrantEvidence.objects.exists()


def test_bad_input_is_answered_in_japanese_naming_the_field(client_for, personas, grant_world):
    client = client_for(personas["officer"])
    response = _post(client, answer="maybe")
    assert response.status_code == 400
    assert "「回答」は「はい」「一部」「いいえ」のいずれかです" in response.content.decode()
    response = _post(client, note="あ" * 4001)
    assert "「メモ」は 4000 文字以内です" in response.content.decode()
    assert client.post(f"{YEAR}no-such-indicator/", {"answer": "yes"}).status_code == 400
    assert client.get("/indicators/grant/1999/").status_code == 400
    assert client.get("/indicators/grant/?year=abc").status_code == 400
    assert client.get("/indicators/grant/?year=2024")["Location"] == YEAR
    assert not GrantAnswer.objects.exists()


def test_the_nurse_reads_but_cannot_write(client_for, personas, grant_world, town):
    services.grant_answer_save(
        user=personas["officer"],
        municipality=town.municipality,
        fiscal_year=FY,
        indicator_id="sc-groundwork",
        answer="yes",
    )
    for name in ("nurse", "coordinator"):
        client = client_for(personas[name])
        page = client.get(YEAR)
        assert page.status_code == 200
        body = page.content.decode()
        assert "根拠がありません" in body and "回答を記録する" not in body
        assert client.get("/indicators/grant/").status_code == 200
        assert client.get(f"{YEAR}export.xlsx").status_code == 200
        assert _post(client, answer="no").status_code == 403
    assert GrantAnswer.objects.get().answer == "yes"


def test_those_without_the_capability_are_refused_everywhere(client_for, personas, grant_world):
    for name in ("volunteer", "advisor", "pref"):
        client = client_for(personas[name])
        for url in ("/indicators/grant/", YEAR, f"{YEAR}export.xlsx", f"{YEAR}export.csv"):
            assert client.get(url).status_code == 403, (name, url)
        assert _post(client).status_code == 403
    assert Client().get(YEAR).status_code == 302  # to the login
    assert not GrantAnswer.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(personas, grant_world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["officer"], backend="django.contrib.auth.backends.ModelBackend")
    assert _post(client).status_code == 403
    assert not GrantAnswer.objects.exists()


def _answer_all(client, w):
    _post(client, "sc-groundwork", evidence=[f"meeting:{w.meeting.pk}", f"issue:{w.issue.pk}"])
    _post(client, "diverse-services", answer="partly", note='=HYPERLINK("x")')
    _post(client, "dementia-volunteers", answer="no")


def test_the_xlsx_export_has_one_row_per_indicator_with_its_flag(client_for, personas, grant_world):
    client = client_for(personas["officer"])
    _answer_all(client, grant_world)
    response = client.get(f"{YEAR}export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('grant-self-assessment-2024.xlsx"')
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0].startswith("萩市 2024年度 保険者機能強化推進交付金")
    assert rows[1][:7] == ("類型", "指標ID", "評価指標", "配点", "回答", "根拠", "注意")
    by_id = {r[1]: r for r in rows[2:]}
    assert list(by_id) == [
        "dementia-volunteers",
        "diverse-services",
        "sc-groundwork",
        "sc-resources-developed",
    ]
    groundwork = by_id["sc-groundwork"]
    assert groundwork[0] == "II 自立支援、重度化防止等に資する施策の推進"
    assert groundwork[3] == "未確認" and groundwork[4] == "はい" and groundwork[6] is None
    assert groundwork[5].splitlines() == [
        "協議体の会議: 2024-06-10 北部 地域ささえあい協議体",
        "地域課題（台帳）: 2024-05-01 ごみ出しが難しい高齢者世帯（把握）",
    ]
    assert by_id["diverse-services"][4] == "一部"
    assert by_id["diverse-services"][6] == "根拠がありません"
    assert by_id["diverse-services"][7] == '\'=HYPERLINK("x")'  # never a formula
    assert by_id["dementia-volunteers"][4] == "いいえ" and by_id["dementia-volunteers"][6] is None
    assert by_id["sc-resources-developed"][4] == "未回答"
    assert "配点" in by_id["sc-groundwork"][11]  # what is not confirmed goes along


def test_the_csv_export_is_the_same_table_formula_safe(client_for, personas, grant_world):
    client = client_for(personas["officer"])
    _answer_all(client, grant_world)
    response = client.get(f"{YEAR}export.csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:7] == ["類型", "指標ID", "評価指標", "配点", "回答", "根拠", "注意"]
    by_id = {r[1]: r for r in rows[1:]}
    assert by_id["diverse-services"][6] == "根拠がありません"
    assert by_id["diverse-services"][7] == '\'=HYPERLINK("x")'
    years = client.get("/indicators/grant/").content.decode()
    assert "2024年度" in years and "1 / 4" not in years and "3 / 4" in years


def test_the_year_page_runs_a_fixed_number_of_queries(
    client_for, personas, grant_world, django_assert_max_num_queries
):
    client = client_for(personas["officer"])
    _answer_all(client, grant_world)
    with django_assert_max_num_queries(16) as counted:
        assert client.get(YEAR).status_code == 200
    first = len(counted.captured_queries)
    _post(client, "sc-resources-developed", evidence=[f"meeting:{grant_world.meeting.pk}"])
    with django_assert_max_num_queries(first):  # one more answer costs no more queries
        client.get(YEAR)
