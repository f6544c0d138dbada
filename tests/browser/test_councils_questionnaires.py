"""A body's district questionnaire in a real browser: define it, import a cp932 file with a
bad cell (named), fix it and import again, read the results, make one result evidence for a
regional issue, and answer on the tablet form at a phone's width."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from chiiki.councils.models import IssueEvidence, QuestionnaireAnswer
from chiiki.councils.services import issues as issue_services
from tests.councils.questionnaire_helpers import HEADER, csv_bytes, life_area_body, rows


def _file(cells: list[list[str]]) -> dict:
    return {
        "name": "地区アンケート_回答.csv",
        "mimeType": "text/csv",
        "buffer": csv_bytes(cells, "cp932"),
    }


def test_a_coordinator_imports_answers_fixes_a_bad_cell_and_makes_a_result_evidence(
    town, personas, login, live_server, screenshot
):
    body = life_area_body(town.municipality, town.south)
    issue = issue_services.issue_create(
        user=personas["coordinator"],
        municipality=town.municipality,
        title="南部の買い物の困りごと",
        life_area=town.south,
        body=body,
        status_on=dt.date(2025, 6, 1),
    )
    page = login("coordinator")
    page.goto(f"{live_server.url}/councils/bodies/{body.pk}/questionnaires/")
    page.get_by_role("link", name="地区アンケートを作る").click()
    page.get_by_label("名称").fill("令和7年度 南部 地区アンケート")
    page.get_by_label("年度").fill("2025")
    page.get_by_role("button", name="検査して保存").click()
    expect(page.locator("h1")).to_contain_text("令和7年度 南部 地区アンケート")

    cells = rows(70, ["旭"], seed=4) + rows(50, ["S2"], seed=5, start=71)
    broken = [list(r) for r in cells]
    broken[1][HEADER.index("世帯")] = "9"
    page.get_by_role("link", name="紙の回答を取り込む").click()
    page.locator("#id_file").set_input_files(_file(broken))
    page.get_by_role("button", name="取り込む", exact=True).click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("3行目「世帯」列: 「9」は使えません")
    expect(errors).to_contain_text("1.ひとり暮らし")
    expect(errors).to_contain_text("何も取り込んでいません")
    screenshot("councils-questionnaire-import-error")
    assert QuestionnaireAnswer.objects.count() == 0

    page.get_by_role("link", name="回答の取込に戻る").click()
    page.locator("#id_file").set_input_files(_file(cells))
    page.get_by_role("button", name="取り込む", exact=True).click()
    expect(page.locator("#import-result")).to_contain_text("新規 120 件")
    page.get_by_role("link", name="アンケートの結果を見る").click()
    table = page.locator("#table-troubles")
    expect(table).to_contain_text("福栄")
    expect(table).to_contain_text("全体")
    expect(page.locator("#sheets")).to_contain_text("120")
    expect(page.locator("#chart-troubles .main-svg").first).to_be_attached()
    screenshot("councils-questionnaire-results")

    # 全体's share of 買い物 among those who answered 問3, made evidence of the issue.
    total_row = table.locator("tr.group")
    total_row.locator("a.qn-cell").first.click()
    expect(page.locator("h1")).to_have_text("この結果を地域課題の根拠にする")
    expect(page.locator("#evidence-figure")).to_contain_text("買い物")
    expect(page.locator("#evidence-figure")).to_contain_text("全体")
    page.get_by_label("根拠を加える地域課題").select_option(str(issue.pk))
    screenshot("councils-questionnaire-evidence")
    page.get_by_role("button", name="根拠に加える").click()
    expect(page.locator(".messages")).to_contain_text(
        "「南部の買い物の困りごと」の根拠に加えました"
    )
    evidence = IssueEvidence.objects.get()
    snap = evidence.snapshot
    assert (snap["district"], snap["option"], snap["suppressed"]) == ("全体", "買い物", False)
    assert snap["n"] > 0 and 0 < snap["rate"] <= 1 and snap["ci_low"] <= snap["rate"]

    # One more respondent on the tablet form, at a phone's width.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/councils/questionnaires/{snap['questionnaire_id']}/tablet/")
    page.get_by_text("福栄", exact=True).click()
    page.get_by_text("75〜84歳", exact=True).click()
    page.get_by_text("通院", exact=True).first.click()
    page.get_by_text("話し相手・見守り", exact=True).click()
    box = page.locator(".qn-choice").first.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] <= 390  # a finger's target
    screenshot("councils-questionnaire-tablet")
    page.get_by_role("button", name="回答を保存する").click()
    expect(page.locator(".messages")).to_contain_text("回答を保存しました")
    stored = QuestionnaireAnswer.objects.get(method="tablet")
    assert stored.district == town.s2
    assert stored.answers == {"age_band": 3, "trouble_clinic": 1, "help_talk": 1}
    # the next respondent's form keeps the district
    expect(page.locator("#field-district input:checked")).to_have_count(1)
