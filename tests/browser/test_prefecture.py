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
    page.get_by_role("link", name="認定率").click()
    expect(table.locator("th[aria-sort=descending]")).to_contain_text("認定率")
    rates = [
        float(t.split("%")[0])
        for t in table.locator("tbody tr:not(.median) td:nth-child(6) .v").all_inner_texts()
    ]
    assert rates == sorted(rates, reverse=True) and len(rates) == len(built.municipalities)
    page.get_by_role("link", name="認定率 ↓").click()
    expect(table.locator("th[aria-sort=ascending]")).to_contain_text("認定率")
    page.get_by_label("タイル図の指標").select_option("certification")
    expect(page.locator("#tile-summary")).to_contain_text("認定率は")
    expect(page).to_have_url(
        f"{live_server.url}/prefecture/?view=overview&sort=certification&order=asc&tile=certification"
    )
    expect(page.locator(".tilegrid rect")).to_have_count(len(built.municipalities))
    screenshot("prefecture-side-by-side")
