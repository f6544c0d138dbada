"""The foundation's main path in a real browser."""

import re

from playwright.sync_api import expect

from chiiki.areas import services
from chiiki.core.tabular import read_table
from tests.conftest import make_person


def _population(town):
    rows = ["地区,基準日,性別,年齢階級,人数"]
    for d, n in ((town.n1, 100), (town.n2, 80), (town.s1, 60), (town.s2, 40)):
        rows += [
            f"{d.name},2018-04-01,男,60-64,{n}",
            f"{d.name},2018-04-01,女,70-74,{n}",
            f"{d.name},2018-04-01,女,80-84,{n // 2}",
        ]
    services.population_import(
        municipality=town.municipality, table=read_table("\n".join(rows).encode(), "p.csv")
    )


def test_an_officer_logs_in_and_sees_the_dashboard_with_aging_rates(
    town, personas, login, screenshot
):
    _population(town)
    page = login("officer")
    expect(page.locator("h1")).to_contain_text("萩市")
    expect(page.locator("#summary")).to_contain_text("平成30年4月時点で総人口700人")
    expect(page.locator("#area-table")).to_contain_text("須佐")
    screenshot("dashboard")


def test_a_nurse_finds_a_person_by_half_width_kana(town, personas, login, screenshot):
    make_person(
        town.n1,
        sex="F",
        family_name="佐藤",
        given_name="花子",
        family_kana="サトウ",
        given_kana="ハナコ",
    )
    make_person(
        town.n1, family_name="鈴木", given_name="一郎", family_kana="スズキ", given_kana="イチロウ"
    )
    page = login("nurse")
    page.get_by_role("link", name="人", exact=True).click()
    page.get_by_label("氏名・フリガナで検索").fill("ｻﾄｳ")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("佐藤 花子")
    screenshot("people-search")
    page.get_by_role("link", name="佐藤 花子").click()
    expect(page.locator("h1")).to_contain_text("佐藤 花子")
    expect(page.locator("dl.fields")).to_contain_text("要介護度")
    # What is open nearby this week arrives through HTMX once the page has loaded.
    expect(page.locator("main")).not_to_contain_text("読み込み中")
    screenshot("person-page")


def test_a_support_center_user_is_refused_a_person_outside_their_areas(
    town, personas, login, live_server
):
    outside = make_person(
        town.s1, family_name="山田", given_name="太郎", family_kana="ヤマダ", given_kana="タロウ"
    )
    page = login("nurse")
    response = page.goto(f"{live_server.url}/people/{outside.pk}/")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("閲覧できません")
    page.goto(f"{live_server.url}/people/?q=やまだ")
    expect(page.locator("#results")).to_contain_text("該当する人はいません")
    expect(page.locator("body")).not_to_contain_text(re.compile("山田"))
