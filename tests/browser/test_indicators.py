"""The indicators in a real browser: an officer opens the dashboard, sees the charts drawn
beside their tables, changes the area to a life area and a district, downloads a table,
and reads the municipality's profile."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from chiiki.areas.models import PopulationRecord
from chiiki.core.tabular import read_csv_bytes
from chiiki.indicators.services.insurance import insurance_import

REPORT = (
    "年度,第1号被保険者数,要支援1,要支援2,要介護1,要介護2,要介護3,要介護4,要介護5,給付費,第1号保険料\n"
    "2017,160,4,4,8,6,4,4,2,480000000,5090\n"
    "2018,160,4,4,8,6,4,4,3,500000000,5190\n"
)


def _town_with_figures(town):
    for day in (dt.date(2017, 4, 1), dt.date(2018, 4, 1)):
        for i, d in enumerate((town.n1, town.n2, town.s1, town.s2)):
            for age_from, n in ((40, 60 + i), (65, 20 + i), (75, 20 - i)):
                PopulationRecord.objects.create(
                    municipality=town.municipality,
                    district=d,
                    date=day,
                    sex="M",
                    age_from=age_from,
                    count=n,
                )
    insurance_import(
        user=None, municipality=town.municipality, table=read_csv_bytes(REPORT.encode())
    )


def test_the_dashboard_changes_area_and_downloads_a_table(
    town, personas, login, live_server, screenshot
):
    _town_with_figures(town)
    page = login("officer")
    page.get_by_role("link", name="指標と計画").first.click()
    page.get_by_role("link", name="ダッシュボード").click()
    expect(page.get_by_role("heading", name="人口と高齢化率")).to_be_visible()
    expect(page.locator("#chart-population .main-svg").first).to_be_attached()
    expect(page.locator("#section-certification .summary")).to_contain_text(
        "2018年度の認定率は20.6%"
    )
    screenshot("indicators-dashboard")
    page.get_by_label("表示する地域").select_option(label="北部")
    expect(page.locator("#section-population .summary")).to_contain_text("北部の高齢化率")
    expect(page.locator("#table-population tbody tr").last).to_contain_text("201")
    assert "area=l" in page.url
    page.get_by_label("表示する地域").select_option(label="　南部 / 旭")
    expect(page.locator("#section-population .summary")).to_contain_text("南部 / 旭の高齢化率")
    expect(page.locator("#section-costs .notice")).to_contain_text("市町村全体の数値")
    with page.expect_download() as info:
        page.locator("#section-population").get_by_role("link", name="CSV").click()
    content = open(info.value.path(), "rb").read().decode("utf-8-sig").splitlines()
    assert content[0].startswith("基準日,総人口,65歳以上")
    assert content[-1].startswith("2018-04-01,102,40,18")
    screenshot("indicators-dashboard-district")


def test_the_profile_reads_like_the_guide(town, personas, login, live_server, screenshot):
    _town_with_figures(town)
    page = login("officer")
    page.goto(f"{live_server.url}/indicators/profile/")
    page.get_by_label("直営の箇所数").fill("2")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#profile-sentence")).to_contain_text(
        "平成30年4月時点で総人口406人。うち、65歳以上高齢者人口160人(39.4%)、"
        "75歳以上高齢者人口74人(18.2%)。第7期第1号保険料5,190円。地域包括支援センターは直営で2カ所設置。"
    )
    screenshot("indicators-profile")
