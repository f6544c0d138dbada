"""A large upload in a real browser: the job page shows its progress, the worker runs it on
the database queue, and the page (polling with HTMX) shows the result, which stays."""

from __future__ import annotations

from playwright.sync_api import expect

from chiiki.imports.models import ImportJob
from tests.imports.conftest import run_worker
from tests.imports.test_jobs import population_csv


def test_an_officer_uploads_a_large_population_file_and_watches_it_import(
    town, personas, login, live_server, screenshot
):
    data = population_csv(900)  # 37,800 rows, over the 1 MB that imports in the request
    page = login("officer")
    page.goto(f"{live_server.url}/areas/population/import/")
    page.locator("#id_file").set_input_files(
        {"name": "人口_2000-2002.csv", "mimeType": "text/csv", "buffer": data}
    )
    page.get_by_role("button", name="取り込む").click()
    expect(page.locator("h1")).to_contain_text("取り込み: 人口データ")
    expect(page.locator("#job-state")).to_have_text("待機")
    expect(page.locator("progress#job-bar")).to_be_visible()
    expect(page.locator("#job-progress")).to_contain_text("順番を待っています")
    screenshot("imports-waiting")
    job = ImportJob.objects.get()

    # The test's database connection is the live server's: hold the page's polls in the
    # browser while the worker runs in this thread, then let them through.
    held = []
    pattern = f"**/imports/{job.pk}/"
    page.route(pattern, lambda route: held.append(route))
    page.wait_for_timeout(1500)  # a poll already sent has finished; the next ones wait
    assert held  # the page does poll
    run_worker()
    page.unroute(pattern)  # the held polls go on to the server

    expect(page.locator("#import-result")).to_contain_text("追加 37800", timeout=15_000)
    expect(page.locator("#job-state")).to_have_text("完了")
    expect(page.locator("progress")).to_have_count(0)
    screenshot("imports-done")
    page.reload()  # the result stays at the job's address
    expect(page.locator("#import-result")).to_contain_text("37800行を読み込みました")
    page.get_by_role("link", name="人口データの取り込みに戻る").click()
    expect(page.locator("#recent-imports")).to_contain_text("人口_2000-2002.csv")
