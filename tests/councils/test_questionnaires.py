"""District questionnaires (地区アンケート): the instrument's YAML check, the tally with its
suppression, the paper import, the tablet form, the results, the export, a result as
evidence, the demo, and every role on every route."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from chiiki.accounts.models import AuditEvent
from chiiki.core import suppression
from chiiki.councils import demo_questionnaires, instrument, tally
from chiiki.councils.models import (
    AnswerMethod,
    EvidenceKind,
    IssueEvidence,
    QuestionnaireAnswer,
)
from chiiki.councils.selectors import questionnaires as selectors
from chiiki.councils.services import issues as issue_services
from chiiki.councils.services import questionnaires as services
from chiiki.imports.models import ImportJob, ImportKind, ImportStatus
from chiiki.imports.services import import_job_create
from chiiki.surveys.aggregate import wilson

from .questionnaire_helpers import HEADER, csv_bytes, life_area_body, questionnaire_for, rows

EXAMPLE = instrument.example_yaml()
QUESTIONS = instrument.questions(instrument.check(EXAMPLE))


def _faults(text: str) -> list[str]:
    with pytest.raises(instrument.InstrumentError) as caught:
        instrument.check(text)
    return caught.value.errors


HEAD = "id: t\nname: テスト\nversion: '1'\nsections: {s: 問 困りごと}\nitems:\n"


# --- the instrument's YAML ---------------------------------------------------------------------


def test_the_shipped_example_is_an_instrument_of_the_survey_engine_with_both_kinds_of_question():
    inst = instrument.check(EXAMPLE)
    assert inst.id == "district_questionnaire"
    kinds = {q.id: q.multiple for q in QUESTIONS}
    assert kinds == {
        "age_band": False,
        "household": False,
        "troubles": True,
        "helps": True,
        "stay": False,
    }
    troubles = next(q for q in QUESTIONS if q.id == "troubles")
    assert [label for _, label in troubles.options] == [
        "買い物",
        "通院",
        "ごみ出し",
        "草刈り",
        "話し相手がいない",
        "特にない",
    ]
    assert troubles.text.startswith("問3")


def test_a_yaml_syntax_error_names_its_line():
    faults = _faults(HEAD + "  - {id: a, text: x, options: {1: a, 2: b}\n  - {id: b\n")
    assert len(faults) == 1 and re.match(r"^\d+行目 \d+文字目: YAML として読めません", faults[0])


def test_every_fault_of_an_item_names_its_line_and_field():
    text = HEAD + (
        "  - {id: age, text: 年齢, kind: number}\n"  # line 6
        "  - {id: q2, text: 困りごと, options: {1: 買い物}}\n"  # line 7: a mark without section
        "  - {id: q3, text: 世帯, optons: {1: a, 2: b}}\n"  # line 8: a typo
        "  - id: q4\n"  # line 9
        "    text: 地区の印象\n"
        "    options: {1: よい, x: わるい, 3: よい}\n"  # line 11
        "  - {id: q4, text: 重複, options: {1: a, 2: b}}\n"  # line 12
        "  - {id: q6, text: 地区, aliases: [地区], options: {1: a, 2: b}, section: nowhere}\n"
    )
    faults = _faults(text)
    expected = [
        "6行目 items の1番目（id: age）の kind: 地区アンケートでは kind: choice",
        "7行目 items の2番目（id: q2）の section: 選択肢が1つの項目は複数回答の○です",
        "8行目 items の3番目（id: q3）の optons: 使えない項目名です",
        "8行目 items の3番目（id: q3）の options: 選択肢を「番号: 文言」の対応表で",
        "11行目 items の4番目（id: q4）の options: 選択肢の番号「x」は 0〜99 の整数",
        "11行目 items の4番目（id: q4）の options: 選択肢の文言「よい」が重複しています",
        "12行目 items の5番目の id: 「q4」は4番目の項目と重複しています",
        "13行目 items の6番目（id: q6）の section: section「nowhere」が sections にありません",
    ]
    for start in expected:
        assert any(f.startswith(start) for f in faults), (start, faults)


def test_an_item_whose_header_would_be_the_district_column_is_refused():
    faults = _faults(
        HEAD + "  - {id: q1, text: 地区, aliases: [地区名, 地区], options: {1: a, 2: b}}\n"
    )
    assert faults == [
        "6行目 items の1番目（id: q1）の aliases: 「地区」は取込の列「地区」と同じ見出しになるため使えません"
    ]


def test_a_top_level_that_is_not_a_mapping_or_lacks_items_is_refused():
    assert _faults("- a\n- b\n")[0].startswith("1行目: 調査票の最上位は")
    assert any(f.startswith("3行目 items:") for f in _faults("id: t\nname: n\nitems: []\n"))
    assert any("version: 版を書いてください" in f for f in _faults("id: t\nname: n\nitems: []\n"))


# --- the tally ---------------------------------------------------------------------------------


def _sheets(spec: dict[int, int], seed: int = 3) -> list[tuple[int, dict]]:
    rng = random.Random(seed)
    out = []
    for group, n in spec.items():
        for _ in range(n):
            sheet = {"household": rng.choice([1, 2, 3]), "stay": rng.choice([1, 2, 3, 4])}
            for mark in ("trouble_shopping", "trouble_clinic", "trouble_talk"):
                if rng.random() < 0.45:
                    sheet[mark] = 1
            out.append((group, sheet))
    return out


def test_a_rate_is_count_over_those_who_answered_with_its_wilson_interval():
    sheets = [(1, {"household": 1})] * 12 + [(1, {"household": 2})] * 18 + [(1, {"stay": 1})] * 5
    t = tally.tally(QUESTIONS, sheets, [1])
    alone = t.figure("household", "1", 1)
    assert (alone.count, alone.n) == (12, 30)  # the 5 who skipped the question are not in n
    assert alone.rate == pytest.approx(0.4)
    assert (alone.ci_low, alone.ci_high) == pytest.approx(wilson(12, 30))
    assert t.sheets[1] == 35


def test_a_multiple_answer_question_counts_those_who_marked_at_least_one_mark():
    sheets = (
        [(1, {"trouble_shopping": 1, "trouble_clinic": 1})] * 10
        + [(1, {"trouble_shopping": 1})] * 10
        + [(1, {"household": 1})] * 10  # marked nothing: did not answer 問3
    )
    t = tally.tally(QUESTIONS, sheets, [1])
    shopping = t.figure("troubles", "trouble_shopping", 1)
    clinic = t.figure("troubles", "trouble_clinic", 1)
    assert (shopping.count, shopping.n, shopping.rate) == (20, 20, 1.0)
    assert (clinic.count, clinic.n, clinic.rate) == (10, 20, 0.5)


def test_a_small_district_is_hidden_and_another_with_it_so_that_total_gives_nothing_away():
    t = tally.tally(QUESTIONS, _sheets({1: 60, 2: 45, 3: 4}), [1, 2, 3])
    # the district of 4 answers: every figure of it is hidden …
    assert t.sheets[3] is None
    row3 = t.result("household").row(3)
    assert row3.n is None and all(f.suppressed and f.rate is None for f in row3.figures)
    assert {f.count for f in row3.figures} <= {None, 0}  # a zero is published, as in core
    # … and, so that 全体 minus the others does not give it back, so is one more district
    assert sum(t.sheets[g] is None for g in (1, 2)) == 1
    assert t.sheets[tally.TOTAL] == 109
    for q in ("household", "stay", "troubles"):
        for key, _ in t.result(q).question.options:
            hidden = [g for g in (1, 2, 3) if (g, q, key) in t.hidden]
            assert len(hidden) != 1, (q, key, hidden)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=5),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_no_hidden_count_can_be_worked_out_and_no_shown_count_is_small(sizes, seed):
    groups = list(range(1, len(sizes) + 1))
    t = tally.tally(QUESTIONS, _sheets(dict(zip(groups, sizes, strict=True)), seed), groups)
    assert suppression.lone_hidden(set(t.hidden), tally.margins(QUESTIONS, groups)) == []
    for res in t.results:
        for row in res.rows:
            assert row.n is None or row.n == 0 or row.n >= 10
            for f in row.figures:
                assert f.count is None or f.count == 0 or f.count >= 10
                if f.rate is not None:  # a rate shown never lets a hidden n be worked out
                    assert f.count is not None and row.n is not None


# --- defining a questionnaire --------------------------------------------------------------------


@pytest.fixture
def bodies(town):
    return {
        "north": life_area_body(town.municipality, town.north),
        "south": life_area_body(town.municipality, town.south),
    }


@pytest.fixture
def south_q(bodies):
    return questionnaire_for(bodies["south"])


def test_a_coordinator_defines_a_questionnaire_of_their_own_areas_body(bodies, personas):
    q = services.questionnaire_create(
        user=personas["coordinator"],
        body=bodies["south"],
        name="南部 地区アンケート",
        fiscal_year=2025,
        instrument_yaml=EXAMPLE,
    )
    assert q.body == bodies["south"]
    assert AuditEvent.objects.filter(model="councils.questionnaire", object_id=q.pk).exists()
    with pytest.raises(PermissionDenied):
        services.questionnaire_create(
            user=personas["coordinator"],
            body=bodies["north"],
            name="北部",
            fiscal_year=2025,
            instrument_yaml=EXAMPLE,
        )


def test_a_broken_yaml_is_not_kept_and_the_page_names_its_line_and_field(
    bodies, personas, client_for
):
    client = client_for(personas["coordinator"])
    url = reverse("councils:questionnaire_new", args=[bodies["south"].pk])
    assert "district_questionnaire" in client.get(url).content.decode()  # the example is there
    broken = EXAMPLE.replace("{1: 64歳以下,", "{one: 64歳以下,")
    response = client.post(url, {"name": "南部", "fiscal_year": "2025", "instrument_yaml": broken})
    assert response.status_code == 400
    page = response.content.decode()
    assert "items の1番目（id: age_band）の options: 選択肢の番号「one」は 0〜99 の整数" in page
    assert re.search(r"\d+行目 items の1番目", page)
    assert not selectors.questionnaire_list_for_body(user=personas["admin"], body=bodies["south"])
    response = client.post(
        url, {"name": "南部 地区アンケート", "fiscal_year": "2025", "instrument_yaml": EXAMPLE}
    )
    assert response.status_code == 302
    (q,) = selectors.questionnaire_list_for_body(user=personas["admin"], body=bodies["south"])
    assert response["Location"] == reverse("councils:questionnaire_detail", args=[q.pk])


def test_a_fiscal_year_out_of_range_is_refused_with_the_field_named(bodies, personas, client_for):
    client = client_for(personas["officer"])
    response = client.post(
        reverse("councils:questionnaire_new", args=[bodies["south"].pk]),
        {"name": "x", "fiscal_year": "99999", "instrument_yaml": EXAMPLE},
    )
    assert response.status_code == 400
    assert "2100" in response.content.decode()


# --- paper: the import -----------------------------------------------------------------------


def _import(q, user, data, filename="回答.csv"):
    return services.questionnaire_import(user=user, questionnaire=q, data=data, filename=filename)


def test_a_cp932_file_imports_and_the_same_file_twice_changes_nothing(south_q, personas):
    data = csv_bytes(rows(40, ["旭", "S2"]), "cp932")  # a district by name or by code
    first = _import(south_q, personas["coordinator"], data)
    assert first.ok and (first.created, first.encoding) == (40, "cp932")
    stored = list(QuestionnaireAnswer.objects.order_by("key").values_list("key", "digest"))
    assert {a.district.name for a in QuestionnaireAnswer.objects.all()} == {"旭", "福栄"}
    assert set(QuestionnaireAnswer.objects.values_list("method", flat=True)) == {"paper"}
    second = _import(south_q, personas["coordinator"], data)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 40)
    assert list(QuestionnaireAnswer.objects.order_by("key").values_list("key", "digest")) == stored


def test_a_corrected_row_is_updated_and_the_rest_left_alone(south_q, personas):
    cells = rows(20, ["旭"])
    _import(south_q, personas["officer"], csv_bytes(cells))
    cells[4][HEADER.index("世帯")] = "1" if cells[4][HEADER.index("世帯")] != "1" else "2"
    again = _import(south_q, personas["officer"], csv_bytes(cells))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 19)
    assert QuestionnaireAnswer.objects.get(key="Q0005").answers["household"] == int(
        cells[4][HEADER.index("世帯")]
    )


def test_every_bad_cell_is_named_and_nothing_is_written(south_q, personas):
    cells = rows(6, ["旭"])
    cells[0][HEADER.index("世帯")] = "9"
    cells[1][HEADER.index("地区")] = "須佐"  # a district of 北部, not of this body's area
    cells[2][HEADER.index("地区")] = ""
    cells[3][HEADER.index("困りごと_買い物")] = "0"  # a mark is 1 or blank
    cells[5][0] = cells[4][0]  # the same ID twice
    result = _import(south_q, personas["coordinator"], csv_bytes(cells))
    assert not result.ok and result.error_count == 6
    messages = [e.message for e in result.errors]
    assert (
        "2行目「世帯」列: 「9」は使えません。選択肢の番号か文言（1.ひとり暮らし、2.夫婦のみ、3.その他の同居）を入力してください"
        in messages
    )
    assert (
        "3行目「地区」列: 「須佐」は使えません。この協議体の圏域の地区コードか地区名（旭、福栄）を入力してください"
        in messages
    )
    assert any(m.startswith("4行目「地区」列: 「」は使えません。地区は必須です") for m in messages)
    assert any(m.startswith("5行目「困りごと_買い物」列: 「0」は使えません。") for m in messages)
    assert sum("回答者IDが重複しています" in m for m in messages) == 2
    assert QuestionnaireAnswer.objects.count() == 0


def test_an_answer_file_with_insured_numbers_is_refused_the_questionnaire_is_anonymous(
    south_q, personas
):
    header = [*HEADER, "被保険者番号"]
    cells = [[*r, "1234567890"] for r in rows(3, ["旭"])]
    result = _import(south_q, personas["officer"], csv_bytes(cells, header=header))
    assert not result.ok
    assert result.errors[0].message.startswith("見出し行「被保険者番号」列")
    assert QuestionnaireAnswer.objects.count() == 0


def test_an_xlsx_file_imports_too(south_q, personas):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows(12, ["旭", "福栄"]):
        ws.append([int(c) if c.isdigit() else (c or None) for c in r])
    buf = io.BytesIO()
    wb.save(buf)
    result = _import(south_q, personas["officer"], buf.getvalue(), "回答.xlsx")
    assert result.ok and result.created == 12


def test_the_import_runs_as_a_job_of_the_import_platform(south_q, personas, client_for):
    client = client_for(personas["coordinator"])
    url = reverse("councils:questionnaire_import", args=[south_q.pk])
    page = client.get(url).content.decode()
    assert "困りごと_買い物" in page and "S1 旭" in page  # the columns and the districts
    upload = SimpleUploadedFile("回答.csv", csv_bytes(rows(15, ["旭"]), "cp932"))
    response = client.post(url, {"file": upload})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert (job.kind, job.status, job.params["questionnaire_id"]) == (
        ImportKind.QUESTIONNAIRE,
        ImportStatus.DONE,
        south_q.pk,
    )
    page = client.get(response["Location"]).content.decode()
    assert (
        "新規 15 件" in page and reverse("councils:questionnaire_detail", args=[south_q.pk]) in page
    )
    assert "回答.csv" in client.get(url).content.decode()  # the recent jobs of this questionnaire


def test_a_job_of_someone_outside_the_bodys_area_imports_nothing(south_q, personas):
    """The platform checks the municipality only; the service checks the body's area."""
    job = import_job_create(
        user=personas["nurse"],  # 北部: may import for the municipality, not for 南部's body
        kind=ImportKind.QUESTIONNAIRE,
        municipality=south_q.body.municipality,
        upload=SimpleUploadedFile("回答.csv", csv_bytes(rows(5, ["旭"]))),
        params={"questionnaire_id": south_q.pk},
    )
    assert job.status == ImportStatus.FAILED
    assert "この協議体の地区アンケートを運営する権限がありません" in job.errors[0]["message"]
    assert QuestionnaireAnswer.objects.count() == 0


def test_a_job_for_a_questionnaire_of_another_municipality_finds_nothing(
    south_q, personas, other_town
):
    job = import_job_create(
        user=personas["outsider"],
        kind=ImportKind.QUESTIONNAIRE,
        municipality=other_town,
        upload=SimpleUploadedFile("回答.csv", csv_bytes(rows(5, ["旭"]))),
        params={"questionnaire_id": south_q.pk},
    )
    assert job.status == ImportStatus.FAILED
    assert "見つかりません" in job.errors[0]["message"]
    assert QuestionnaireAnswer.objects.count() == 0


# --- tablet ----------------------------------------------------------------------------------


def _tablet_post(client, q, district, token="a" * 32, **answers):
    data = {"token": token, "district": str(district.pk), **answers}
    return client.post(reverse("councils:questionnaire_tablet", args=[q.pk]), data)


def test_the_tablet_stores_one_respondent_as_a_tablet_answer_and_a_double_tap_once(
    south_q, town, personas, client_for
):
    client = client_for(personas["coordinator"])
    page = client.get(reverse("councils:questionnaire_tablet", args=[south_q.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "qn-tablet" in html and 'name="q_troubles"' in html and "福栄" in html
    assert "須佐" not in html  # only the body's area's districts
    answers = {"q_household": "1", "q_troubles": ["trouble_shopping", "trouble_talk"]}
    response = _tablet_post(client, south_q, town.s1, **answers)
    assert response.status_code == 302 and response["Location"].endswith(f"?district={town.s1.pk}")
    answer = QuestionnaireAnswer.objects.get()
    assert answer.method == AnswerMethod.TABLET and answer.district == town.s1
    assert answer.answers == {"household": 1, "trouble_shopping": 1, "trouble_talk": 1}
    _tablet_post(client, south_q, town.s1, **answers)  # the same form sent again
    assert QuestionnaireAnswer.objects.count() == 1
    changed = _tablet_post(client, south_q, town.s1, q_household="2")
    assert changed.status_code == 400 and "すでに保存しました" in changed.content.decode()
    assert QuestionnaireAnswer.objects.get().answers["household"] == 1


def test_the_tablet_refuses_a_district_outside_the_area_an_empty_sheet_and_a_bad_option(
    south_q, town, personas, client_for
):
    client = client_for(personas["coordinator"])
    outside = _tablet_post(client, south_q, town.n1, q_household="1")
    assert outside.status_code == 400 and "お住まいの地区" in outside.content.decode()
    empty = _tablet_post(client, south_q, town.s1)
    assert empty.status_code == 400 and "どの設問にも回答がありません" in empty.content.decode()
    bad = _tablet_post(client, south_q, town.s1, q_household="7")
    assert bad.status_code == 400
    assert QuestionnaireAnswer.objects.count() == 0
    with pytest.raises(ValidationError) as caught:
        services.questionnaire_answer_record(
            user=personas["coordinator"],
            questionnaire=south_q,
            district=town.n1,
            sheet={"household": 1},
            token="b" * 32,
        )
    assert "旭、福栄" in caught.value.message_dict["district"][0]


# --- results, chart and export ---------------------------------------------------------------


@pytest.fixture
def answered(south_q, personas):
    cells = rows(60, ["旭"], seed=2) + rows(30, ["福栄"], seed=3, start=61)
    assert _import(south_q, personas["officer"], csv_bytes(cells)).ok
    return south_q


def test_the_results_show_counts_rates_and_intervals_and_hide_small_cells(
    answered, town, personas, client_for
):
    response = client_for(personas["nurse"]).get(  # any staff member reads the results
        reverse("councils:questionnaire_detail", args=[answered.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    results = selectors.questionnaire_results(user=personas["nurse"], questionnaire=answered)
    assert results.tally.sheets == {town.s1.pk: 60, town.s2.pk: 30, tally.TOTAL: 90}
    hidden = [k for k in results.tally.hidden if k[0] is not tally.TOTAL]
    assert hidden and "＊" in page
    shown = next(
        f
        for res in results.tally.results
        for row in res.rows
        for f in row.figures
        if f.quotable and row.group is not tally.TOTAL
    )
    assert f"{shown.count}（{shown.rate * 100:.1f}%）" in page
    assert 'data-chart="figure-plain"' in page and 'id="chart-data-troubles"' in page
    assert "<script>" not in page  # charts come from static files; data by json_script
    assert "style-src" in response["Content-Security-Policy"]


def test_the_export_is_the_table_as_shown_and_formula_safe(bodies, personas, client_for):
    hostile = EXAMPLE.replace("1: ひとり暮らし", """1: '=HYPERLINK("http://x")'""")
    q = services.questionnaire_create(
        user=None, body=bodies["south"], name="@SUM(1)", fiscal_year=2025, instrument_yaml=hostile
    )
    assert _import(
        q, personas["officer"], csv_bytes(rows(30, ["旭"]) + rows(3, ["福栄"], start=31))
    ).ok
    response = client_for(personas["officer"]).get(
        reverse("councils:questionnaire_export", args=[q.pk])
    )
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert all(r["地区アンケート"] == "'@SUM(1)" for r in table)
    assert any(r["選択肢"].startswith("'=HYPERLINK") for r in table)
    fukue = [r for r in table if r["地区"] == "福栄"]
    # 3 sheets: no figure of 福栄 is shown but a zero, and no rate at all
    assert fukue and all(r["回答者数"] == "" and r["割合（%）"] == "" and r["備考"] for r in fukue)
    assert {r["件数"] for r in fukue} <= {"", "0"}
    total = next(
        r
        for r in table
        if r["地区"] == "全体" and r["設問ID"] == "stay" and r["選択肢"] == "そう思う"
    )
    assert total["回答者数"] == "33"


# --- a result as evidence ------------------------------------------------------------------------


@pytest.fixture
def issue(town, personas, bodies):
    return issue_services.issue_create(
        user=personas["coordinator"],
        municipality=town.municipality,
        title="南部の買い物の困りごと",
        life_area=town.south,
        body=bodies["south"],
        status_on=dt.date(2025, 6, 1),
    )


def _cells(q, user, quotable: bool):
    results = selectors.questionnaire_results(user=user, questionnaire=q)
    for res in results.tally.results:
        for row in res.rows:
            for (key, _), f in zip(res.question.options, row.figures, strict=True):
                if f.quotable if quotable else f.suppressed:
                    yield res.question.id, key, row.group, f


def test_a_shown_result_becomes_evidence_with_its_figures_as_shown(
    answered, issue, personas, client_for
):
    question, option, group, figure = next(_cells(answered, personas["coordinator"], True))
    client = client_for(personas["coordinator"])
    url = reverse("councils:questionnaire_evidence", args=[answered.pk])
    query = {"question": question, "option": option, "district": "" if group is None else group}
    page = client.get(url, query)
    assert page.status_code == 200 and issue.title in page.content.decode()
    response = client.post(url, {**query, "issue": issue.pk, "title": "", "note": "協議体で共有"})
    assert response.status_code == 302
    evidence = IssueEvidence.objects.get()
    assert (evidence.issue, evidence.kind) == (issue, EvidenceKind.QUESTIONNAIRE)
    assert (evidence.source_model, evidence.source_id) == ("councils.questionnaire", answered.pk)
    snap = evidence.snapshot
    assert (snap["count"], snap["n"], snap["suppressed"]) == (figure.count, figure.n, False)
    assert snap["rate"] == round(figure.rate, 4) and snap["ci_low"] == round(figure.ci_low, 4)
    assert snap["questionnaire_id"] == answered.pk and snap["questionnaire"] == answered.name
    assert snap["question_id"] == question and snap["option_key"] == option
    assert snap["taken_on"] == timezone.localdate().isoformat()
    assert f"{figure.rate * 100:.1f}%" in evidence.title


def test_a_suppressed_result_cannot_become_evidence(answered, issue, personas, client_for):
    question, option, group, _ = next(_cells(answered, personas["coordinator"], False))
    client = client_for(personas["coordinator"])
    url = reverse("councils:questionnaire_evidence", args=[answered.pk])
    query = {"question": question, "option": option, "district": "" if group is None else group}
    page = client.get(url, query)
    assert (
        page.status_code == 400
        and "伏せた数値は地域課題の根拠にできません" in page.content.decode()
    )
    response = client.post(url, {**query, "issue": issue.pk})
    assert response.status_code == 400
    with pytest.raises(ValidationError) as caught:
        services.questionnaire_evidence_add(
            user=personas["coordinator"],
            questionnaire=answered,
            issue=issue,
            question_id=question,
            option=option,
            district_id=group,
            on=dt.date(2025, 7, 1),
        )
    assert "伏せた数値" in caught.value.message_dict["option"][0]
    assert IssueEvidence.objects.count() == 0


def test_evidence_goes_only_to_an_issue_the_user_may_edit(answered, issue, personas, client_for):
    question, option, group, _ = next(_cells(answered, personas["nurse"], True))
    url = reverse("councils:questionnaire_evidence", args=[answered.pk])
    query = {"question": question, "option": option, "district": "" if group is None else group}
    nurse = client_for(personas["nurse"])  # 北部: reads the results, may not edit 南部's issue
    assert issue.title not in nurse.get(url, query).content.decode()
    assert nurse.post(url, {**query, "issue": issue.pk}).status_code == 400  # not a choice
    with pytest.raises(PermissionDenied):
        services.questionnaire_evidence_add(
            user=personas["nurse"],
            questionnaire=answered,
            issue=issue,
            question_id=question,
            option=option,
            district_id=group,
            on=dt.date(2025, 7, 1),
        )
    assert IssueEvidence.objects.count() == 0


def test_a_bad_cell_address_is_a_400_naming_the_parameter(answered, personas, client_for):
    client = client_for(personas["officer"])
    url = reverse("councils:questionnaire_evidence", args=[answered.pk])
    for query, name in (
        ({"question": "nowhere", "option": "1"}, "question"),
        ({"question": "household", "option": "trouble_shopping"}, "option"),
        ({"question": "household", "option": "1", "district": "987654"}, "district"),
    ):
        response = client.get(url, query)
        assert response.status_code == 400
        assert f"パラメータ「{name}」" in response.content.decode()


# --- the demo ----------------------------------------------------------------------------------


def test_the_demo_builds_300_answers_once_with_results_shown_and_cells_suppressed(
    town, bodies, personas
):
    for _ in range(2):  # idempotent
        demo_questionnaires.build(town.municipality, 2018, bodies.values())
    (q,) = selectors.questionnaire_list_for_body(user=personas["admin"], body=bodies["north"])
    assert q.answer_count == 300 and q.tablet_count == 40
    results = selectors.questionnaire_results(user=personas["admin"], questionnaire=q)
    figures = [f for res in results.tally.results for row in res.rows for f in row.figures]
    assert any(f.suppressed for f in figures) and sum(f.quotable for f in figures) > 20
    assert {a.district.life_area_id for a in QuestionnaireAnswer.objects.all()} == {town.north.pk}


# --- every role on every route -----------------------------------------------------------------

VIEWERS = {"admin", "officer", "nurse", "coordinator"}
MANAGERS_OF_SOUTH = {"admin", "officer", "coordinator"}
ALL = ["admin", "officer", "nurse", "coordinator", "volunteer", "pref", "outsider"]


@pytest.mark.parametrize("persona", ALL)
def test_each_role_reaches_exactly_the_questionnaire_pages_it_should(
    answered, bodies, personas, client_for, persona
):
    client = client_for(personas[persona])
    body, q = bodies["south"], answered
    cell = {"question": "stay", "option": "1", "district": ""}
    reads = {
        reverse("councils:questionnaire_list", args=[body.pk]): {},
        reverse("councils:questionnaire_detail", args=[q.pk]): {},
        reverse("councils:questionnaire_export", args=[q.pk]): {},
        reverse("councils:questionnaire_evidence", args=[q.pk]): cell,
    }
    manages = [
        reverse("councils:questionnaire_new", args=[body.pk]),
        reverse("councils:questionnaire_import", args=[q.pk]),
        reverse("councils:questionnaire_tablet", args=[q.pk]),
    ]
    for url, query in reads.items():
        status = client.get(url, query).status_code
        assert status == (200 if persona in VIEWERS else 403), (url, status)
    for url in manages:
        status = client.get(url).status_code
        assert status == (200 if persona in MANAGERS_OF_SOUTH else 403), (url, status)
    before = QuestionnaireAnswer.objects.count()
    upload = SimpleUploadedFile("回答.csv", csv_bytes(rows(3, ["旭"], start=900)))
    client.post(reverse("councils:questionnaire_import", args=[q.pk]), {"file": upload})
    client.post(
        reverse("councils:questionnaire_tablet", args=[q.pk]),
        {"token": "c" * 32, "district": str(body.life_area.districts.first().pk), "q_stay": "1"},
    )
    added = QuestionnaireAnswer.objects.count() - before
    assert added == (4 if persona in MANAGERS_OF_SOUTH else 0)


def test_the_lists_of_a_body_show_its_questionnaires_and_the_managers_links(
    answered, bodies, personas, client_for
):
    url = reverse("councils:questionnaire_list", args=[bodies["south"].pk])
    mine = client_for(personas["coordinator"]).get(url).content.decode()
    assert answered.name in mine and "紙の回答を取り込む" in mine and ">90<" in mine
    theirs = client_for(personas["nurse"]).get(url).content.decode()
    assert answered.name in theirs and "紙の回答を取り込む" not in theirs


def test_the_results_and_the_list_read_a_fixed_number_of_queries(
    answered, bodies, personas, client_for, django_assert_max_num_queries
):
    client = client_for(personas["officer"])
    more = rows(200, ["旭", "福栄"], seed=9, start=500)
    assert _import(answered, personas["officer"], csv_bytes(more)).ok  # many more sheets …
    with django_assert_max_num_queries(12):  # … and still one query for all of them
        detail = client.get(reverse("councils:questionnaire_detail", args=[answered.pk]))
        assert detail.status_code == 200
    with django_assert_max_num_queries(10):
        listing = client.get(reverse("councils:questionnaire_list", args=[bodies["south"].pk]))
        assert listing.status_code == 200
