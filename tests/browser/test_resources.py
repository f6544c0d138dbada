"""The resource directory's main path in a real browser: search, filter, calendar, sheet."""

from __future__ import annotations

import subprocess

from playwright.sync_api import expect

from chiiki.resources import demo


def test_a_coordinator_searches_filters_opens_a_calendar_and_downloads_the_area_sheet(
    town, personas, login, screenshot, tmp_path
):
    demo.build(town.municipality, 2018)
    page = login("coordinator")
    page.get_by_role("link", name="地域資源", exact=True).click()
    expect(page.locator("h1")).to_contain_text("地域資源")

    page.get_by_label("キーワード").fill("ｶﾌｪ")  # half-width kana finds カフェ
    expect(page.locator("#results")).to_contain_text(demo.CAFE_NAME)
    page.get_by_label("種類").select_option(label="買い物支援・移動販売")
    page.get_by_label("送迎あり").check()
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text(demo.CAFE_NAME)
    screenshot("resources-search")

    page.get_by_role("link", name=demo.CAFE_NAME).click()
    expect(page.locator("h1")).to_contain_text(demo.CAFE_NAME)
    page.goto(page.url + "calendar/2019/1/")
    expect(page.locator("#calendar td[data-date='2019-01-01']")).to_contain_text("元日")
    expect(page.locator("#calendar td[data-date='2019-01-08']")).to_contain_text("8:00~12:00")
    expect(page.locator("#calendar td[data-date='2019-01-10']")).to_contain_text("★出張販売 11:45~")
    expect(page.locator("#calendar td[data-date='2019-01-14']")).to_contain_text("成人の日")
    screenshot("resources-calendar")

    page.get_by_role("link", name=f"← {demo.CAFE_NAME}").click()
    page.get_by_role("link", name="地区の資源シート").click()
    expect(page.locator("h1")).to_contain_text("わがまちこんなとこシート")
    page.get_by_text("ええとこ・いかんとこを編集する").click()
    page.get_by_label("地域のええとこ（良いところ）").fill(
        "顔見知りが多い。神社の祭りが続いている。"
    )
    page.get_by_label("地域のいかんとこ（困りごと・課題）").fill("バスが1日2便。買い物が不便。")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("保存しました")
    screenshot("resources-sheet")
    with page.expect_download() as info:
        page.locator("#sheet-pdf").click()
    path = tmp_path / "sheet.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "Noto-Sans-CJK-JP" in fonts
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "バスが1日2便" in text and demo.CAFE_NAME in text


def test_an_outsider_cannot_open_the_calendar_of_another_municipality(
    town, personas, login, live_server
):
    demo.build(town.municipality, 2018)
    from chiiki.resources.models import Service

    cafe = Service.objects.get(uuid=demo.CAFE_ID)
    page = login("outsider")
    response = page.goto(f"{live_server.url}/resources/services/{cafe.pk}/calendar/2019/1/")
    assert response.status == 403


def test_an_officer_sees_the_coverage_heat_map_with_the_gaps_flagged(
    town, personas, login, screenshot, live_server
):
    from chiiki.areas import services
    from chiiki.core.tabular import read_table

    rows = ["地区,基準日,性別,年齢階級,人数"]
    for d, n in ((town.n1, 300), (town.n2, 120), (town.s1, 260), (town.s2, 90)):
        rows += [f"{d.name},2018-04-01,女,70-74,{n}", f"{d.name},2018-04-01,男,80-84,{n // 2}"]
    services.population_import(
        municipality=town.municipality, table=read_table("\n".join(rows).encode(), "p.csv")
    )
    demo.build(town.municipality, 2018)
    page = login("officer")
    page.goto(f"{live_server.url}/resources/coverage/")
    expect(page.locator("#heatmap .main-svg").first).to_be_visible()
    expect(page.locator("#coverage-table")).to_contain_text("須佐")
    screenshot("resources-coverage")
