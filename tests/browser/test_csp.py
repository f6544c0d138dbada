"""The pages with charts and HTMX work under the Content-Security-Policy, and break none of it.

Every page here listens for `securitypolicyviolation` events (from before its first script
runs) and for console errors; a single violation fails the test, naming what was refused.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from chiiki.areas import services as area_services
from chiiki.core.tabular import read_table
from chiiki.mutualaid import services as aid_services
from chiiki.resources import demo as resources_demo
from chiiki.surveys import services as survey_services
from tests.conftest import make_person
from tests.mutualaid.conftest import build_aid, new_request
from tests.surveys.conftest import needs_csv, needs_rows

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.effectiveDirective} refused ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || ""}:${e.lineNumber || ""} ${e.sample || ""}`);
});
"""


@pytest.fixture
def watched(page: Page):
    """The page, with every CSP violation and console error it reports collected."""
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: console.append(f"uncaught: {e}"))
    page.add_init_script(WATCH)

    def problems() -> list[str]:
        return list(page.evaluate("window.__csp || []")) + [
            m for m in console if "Content Security Policy" in m or m.startswith("uncaught")
        ]

    page.csp_problems = problems  # type: ignore[attr-defined]
    return page


def _population(town) -> None:
    rows = ["地区,基準日,性別,年齢階級,人数"]
    for d, n in ((town.n1, 300), (town.n2, 120), (town.s1, 260), (town.s2, 90)):
        rows += [f"{d.name},2018-04-01,女,70-74,{n}", f"{d.name},2018-04-01,男,80-84,{n // 2}"]
    area_services.population_import(
        municipality=town.municipality, table=read_table("\n".join(rows).encode(), "p.csv")
    )


def test_the_survey_results_draw_and_redraw_their_chart_without_a_csp_violation(
    town, personas, login, live_server, watched, screenshot
):
    survey = survey_services.survey_create(
        user=personas["officer"],
        municipality=town.municipality,
        name="令和7年度 ニーズ調査",
        fiscal_year=2025,
    )
    result = survey_services.survey_import(
        user=personas["officer"],
        survey=survey,
        data=needs_csv(needs_rows(60, ["須佐", "田万川", "旭", "福栄"])),
        filename="needs.csv",
    )
    assert result.ok
    login("officer")
    watched.goto(f"{live_server.url}/surveys/{survey.pk}/")
    expect(watched.locator("#chart .main-svg").first).to_be_visible()
    # The heat cells take their shade from data-rate through the CSSOM, not a style attribute.
    shade = watched.locator("#heat-table td.heat-cell").first.evaluate(
        "el => el.style.getPropertyValue('--rate')"
    )
    assert shade not in ("", "0")
    watched.select_option("#by", "district")  # HTMX swaps in a new partial: chart redrawn
    expect(watched.locator("#heat-table")).to_contain_text("須佐")
    watched.wait_for_timeout(3000)
    expect(watched.locator("#chart .main-svg").first).to_be_visible()
    assert watched.locator("#heat-table td.heat-cell").first.evaluate(
        "el => el.style.getPropertyValue('--rate')"
    ) not in ("", "0")
    screenshot("csp-survey-results")
    assert watched.csp_problems() == []


def test_the_coverage_heat_map_draws_without_a_csp_violation(
    town, personas, login, live_server, watched, screenshot
):
    _population(town)
    resources_demo.build(town.municipality, 2018)
    login("officer")
    watched.goto(f"{live_server.url}/resources/coverage/")
    expect(watched.locator("#heatmap .main-svg").first).to_be_visible()
    height = watched.locator("#heatmap").evaluate("el => el.getBoundingClientRect().height")
    assert height >= 320
    screenshot("csp-resources-coverage")
    assert watched.csp_problems() == []


def test_the_mutual_aid_report_draws_without_a_csp_violation(
    town, personas, login, live_server, watched, screenshot
):
    aid = build_aid(town, personas)
    officer = personas["officer"]
    for slot, task in ((0, "mowing"), (1, "weeding")):
        req = new_request(aid, officer, task=task, slots=(slot,))
        aid_services.proposal_change(
            user=officer, request_id=req.pk, volunteer=aid.hanako, slot=slot
        )
        aid_services.proposal_confirm(user=officer, request_id=req.pk)
        aid_services.request_done(user=officer, request_id=req.pk, actual_minutes=30)
    login("officer")
    watched.goto(f"{live_server.url}/mutualaid/report/?year=2019")
    expect(watched.locator("#chart .main-svg").first).to_be_visible()
    screenshot("csp-mutualaid-report")
    assert watched.csp_problems() == []


def test_the_dashboard_bars_the_people_search_and_the_language_menu_work_under_the_csp(
    town, personas, login, live_server, watched, screenshot
):
    _population(town)
    make_person(
        town.n1, family_name="佐藤", given_name="花子", family_kana="サトウ", given_kana="ハナコ"
    )
    make_person(
        town.n1, family_name="鈴木", given_name="一郎", family_kana="スズキ", given_kana="イチロウ"
    )
    login("nurse")
    watched.goto(f"{live_server.url}/")
    bar = watched.locator("#area-table .bar").first
    assert bar.evaluate("el => el.getBoundingClientRect().width") > 0
    watched.goto(f"{live_server.url}/people/")
    with watched.expect_request(lambda r: "q=" in r.url and r.headers.get("hx-request") == "true"):
        watched.get_by_label("氏名・フリガナで検索").fill("ｻﾄｳ")
    expect(watched.locator("#results tbody tr")).to_have_count(1)
    expect(watched.locator("#results")).to_contain_text("佐藤 花子")
    screenshot("csp-people-search")
    # The language menu submits its form on change (a static script, not onchange="…").
    with watched.expect_navigation():
        watched.select_option("select[name=language]", "en")
    expect(watched.locator("html")).to_have_attribute("lang", "en")
    assert watched.csp_problems() == []


def test_the_other_pages_of_each_module_report_no_csp_violation(
    town, personas, login, live_server, watched
):
    from chiiki.resources.models import Service

    _population(town)
    resources_demo.build(town.municipality, 2018)
    build_aid(town, personas)
    cafe = Service.objects.get(uuid=resources_demo.CAFE_ID)
    person = make_person(town.n1)
    login("officer")
    seen: dict[str, list[str]] = {}
    for path in (
        "/",
        "/people/",
        f"/people/{person.pk}/",
        f"/surveys/kcl/{person.pk}/",
        "/surveys/followup/",
        "/resources/",
        f"/resources/services/{cafe.pk}/",
        f"/resources/services/{cafe.pk}/calendar/2019/1/",
        f"/resources/districts/{town.n1.pk}/sheet/",
        "/mutualaid/",
        "/mutualaid/requests/new/",
        "/accounts/audit/",
    ):
        response = watched.goto(f"{live_server.url}{path}")
        watched.wait_for_load_state("networkidle")  # and what HTMX loads after it
        seen[path] = [f"{response.status if response else '?'}", *watched.csp_problems()]
    assert {p: s for p, s in seen.items() if s[1:] or s[0] not in ("200", "403")} == {}
