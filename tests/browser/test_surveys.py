"""The surveys module's main paths in a real browser: import and area results; the counter checklist."""

from __future__ import annotations

from playwright.sync_api import expect

from chiiki.surveys import services
from tests.conftest import make_person
from tests.surveys.conftest import HEADER, needs_rows


def _file(rows: list[str]) -> dict:
    # Next year's form renamed 問2(1): the nurse maps it by hand in the form.
    header = HEADER.replace("問2(1)", "階段の昇り")
    text = "\r\n".join([header, *rows]) + "\r\n"
    return {"name": "ニーズ調査_回答.csv", "mimeType": "text/csv", "buffer": text.encode("cp932")}


def test_an_officer_imports_a_cp932_file_fixes_a_bad_cell_and_downloads_the_area_results(
    town, personas, login, live_server, screenshot
):
    survey = services.survey_create(
        user=personas["officer"],
        municipality=town.municipality,
        name="令和7年度 ニーズ調査",
        fiscal_year=2025,
    )
    rows = needs_rows(48, ["須佐", "田万川", "旭", "福栄"])
    broken = [*rows]
    broken[1] = (
        broken[1]
        .replace(",田万川,", ",たまがわ村,")
        .replace(",須佐,", ",たまがわ村,")
        .replace(",旭,", ",たまがわ村,")
        .replace(",福栄,", ",たまがわ村,")
    )
    page = login("officer")
    page.goto(f"{live_server.url}/surveys/{survey.pk}/import/")
    page.locator("#id_file").set_input_files(_file(broken))
    page.locator("#id_mapping").fill("階段の昇り=stairs")
    page.get_by_role("button", name="取り込む", exact=True).click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("3行目「地区」列: 「たまがわ村」")
    expect(errors).to_contain_text("何も取り込んでいません")
    screenshot("surveys-import-error")

    # The outcome is on the import's job page; the officer goes back to the form.
    page.get_by_role("link", name="回答の取込に戻る").click()
    page.locator("#id_file").set_input_files(_file(rows))
    page.locator("#id_mapping").fill("階段の昇り=stairs")
    page.get_by_role("button", name="取り込む", exact=True).click()
    expect(page.locator("#import-result")).to_contain_text("新規 48 件")
    page.get_by_role("link", name="調査の結果を見る").click()
    expect(page.locator("#ruleset")).to_contain_text("needs_default")
    expect(page.locator("#heat-table")).to_contain_text("北部")
    expect(page.locator("#heat-table")).to_contain_text("運動器機能の低下")
    expect(page.locator("#chart .main-svg").first).to_be_attached()
    page.select_option("#by", "district")
    expect(page.locator("#heat-table")).to_contain_text("須佐")
    screenshot("surveys-results")
    with page.expect_download() as download:
        page.locator("#export-csv").click()
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert "地区,リスク,回答者数" in content and "needs_default" in content
    assert "階段の昇り" in services.column_mapping_for(
        municipality=town.municipality, instrument="needs"
    )


def test_a_nurse_fills_the_checklist_at_the_counter_and_sees_the_result_as_she_goes(
    town, personas, login, live_server, screenshot
):
    person = make_person(
        town.n1, family_name="窓口", given_name="太郎", family_kana="マドグチ", given_kana="タロウ"
    )
    page = login("nurse")
    page.goto(f"{live_server.url}/surveys/kcl/?q=ﾏﾄﾞｸﾞﾁ")
    page.get_by_role("link", name="実施する").click()
    expect(page.locator("h1")).to_contain_text("窓口 太郎")
    # Weight lost (No.11): the BMI (No.12, from height and weight) now decides the nutrition
    # criterion, so the result cannot be decided until they are given. (With No.11 at 0 it
    # could: no BMI would make both of 11–12 apply, and the page rightly says 非該当.)
    for i in [*range(1, 11), *range(13, 26)]:
        page.locator(f'input[name="q{i}"][value="0"]').check()
    page.locator('input[name="q11"][value="1"]').check()
    expect(page.locator("#eligible")).to_contain_text("判定不能")  # height and weight not yet given
    page.locator("#id_height_cm").fill("160")
    page.locator("#id_weight_kg").fill("58")
    page.locator("#id_weight_kg").dispatch_event("change")
    expect(page.locator("#eligible")).to_contain_text("非該当")
    page.locator('input[name="q16"][value="1"]').check()
    expect(page.locator("#eligible")).to_contain_text("事業対象者に該当")
    expect(page.locator("#suggestions")).to_contain_text("通いの場・サロン")
    screenshot("surveys-kcl-counter")
    page.get_by_role("button", name="この結果を保存する").click()
    expect(page.locator(".messages")).to_contain_text("保存しました")
    expect(page.locator("#history tbody tr")).to_have_count(1)
    expect(page.locator("#history")).to_contain_text("該当")
    assert person.screenings.get().eligible is True


def test_a_nurse_records_a_visit_to_a_non_respondent_in_her_district(
    town, personas, login, live_server, screenshot
):
    import datetime as dt

    survey = services.survey_create(
        user=personas["officer"],
        municipality=town.municipality,
        name="令和7年度 ニーズ調査",
        fiscal_year=2025,
    )
    person = make_person(
        town.n1,
        family_name="訪問",
        given_name="花子",
        family_kana="ホウモン",
        given_kana="ハナコ",
        birth_date=dt.date(1938, 3, 3),
    )
    make_person(
        town.s1,
        family_name="南部",
        given_name="次郎",
        family_kana="ナンブ",
        given_kana="ジロウ",
        birth_date=dt.date(1938, 3, 3),
    )
    services.mailing_from_register(survey=survey, on=dt.date(2025, 11, 1))
    services.district_owner_set(district=town.n1, staff=personas["nurse"])
    page = login("nurse")
    page.goto(f"{live_server.url}/surveys/{survey.pk}/nonrespondents/")
    expect(page.locator("#entries")).to_contain_text("訪問 花子")
    expect(page.locator("#entries")).not_to_contain_text("南部 次郎")
    expect(page.locator("#by-owner")).to_contain_text(str(personas["nurse"]))
    row = page.locator("#entries tr", has_text="訪問 花子")
    row.locator("select[name=outcome]").select_option("absent")
    row.get_by_role("button", name="記録").click()
    # The 結果 cell, not the row: the row's own select lists 「不在」 before anything is saved.
    expect(page.locator("#entries tr", has_text="訪問 花子").locator("td").nth(4)).to_have_text(
        "不在"
    )
    screenshot("surveys-nonrespondents")
    assert person.survey_mailings.get().outcome == "absent"
