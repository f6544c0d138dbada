"""The prefecture's side in a real browser: 熊本県's viewer logs in, lands on the side by
side, sorts it by a column, changes the tile grid's column, and reads the dispatch table."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.prefecture.compare_world import kumamoto


def test_the_viewer_sorts_the_side_by_side_and_changes_the_tiles(
    db, login, live_server, screenshot
):
    built, viewer = kumamoto(limit=6)
    page = login(viewer.username)
    expect(page.get_by_role("heading", name="熊本県の市町村支援")).to_be_visible()
    table = page.locator("table.compare")
    expect(table.locator("tbody tr")).to_have_count(len(built.municipalities) + 1)
    page.get_by_role("link", name="認定率", exact=True).click()
    expect(table.locator("th[aria-sort=descending]")).to_contain_text("認定率")
    rates = [
        float(t.split("%")[0])
        for t in table.locator("tbody tr:not(.median) td:nth-child(6) .v").all_inner_texts()
    ]
    assert rates == sorted(rates, reverse=True) and len(rates) == len(built.municipalities)
    page.get_by_role("link", name="認定率 ↓", exact=True).click()
    expect(table.locator("th[aria-sort=ascending]")).to_contain_text("認定率")
    page.get_by_label("タイル図の指標").select_option("certification")
    expect(page.locator("#tile-summary")).to_contain_text("認定率は")
    expect(page).to_have_url(
        f"{live_server.url}/prefecture/?view=overview&sort=certification&order=asc&tile=certification"
    )
    expect(page.locator(".tilegrid rect")).to_have_count(len(built.municipalities))
    screenshot("prefecture-side-by-side")


def test_the_viewer_opens_a_municipality_and_downloads_the_open_data(
    db, login, live_server, tmp_path
):
    import zipfile

    built, viewer = kumamoto(limit=4)
    first = built.municipalities[0]
    page = login(viewer.username)
    page.get_by_role("link", name=first.name, exact=True).first.click()
    expect(page).to_have_url(f"{live_server.url}/prefecture/m/{first.code}/")
    expect(page.locator("main")).to_contain_text(first.name)
    page.goto(f"{live_server.url}/prefecture/")
    page.get_by_role("link", name="オープンデータ").first.click()
    with page.expect_download() as caught:
        page.get_by_role("link", name="すべての表をダウンロード（ZIP）").click()
    path = tmp_path / "package.zip"
    caught.value.save_as(path)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
    assert any(n.endswith("datapackage.json") for n in names)
    assert any(n.endswith("indicators-by-municipality.csv") for n in names)
