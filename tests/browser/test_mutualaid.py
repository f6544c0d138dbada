"""Mutual aid in a real browser: a request from the phone call to payment, and the
volunteer's own page on a phone-sized screen showing only what it should."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from chiiki.mutualaid import services
from tests.mutualaid.conftest import WEEK, build_aid, new_request


def test_a_request_goes_from_entry_to_matched_confirmed_done_and_paid(
    town, personas, login, live_server, page, screenshot
):
    build_aid(town, personas)
    page = login("officer")
    page.goto(f"{live_server.url}/mutualaid/requests/new/")
    page.get_by_label("依頼者を検索（氏名・フリガナ）").fill("やまもと")
    page.get_by_label(re.compile("山本 ハル")).check()
    page.locator("#id_task").select_option("mowing")  # its label is also a prefix of 作業場所
    page.get_by_label("希望週（その週のいずれかの日）").fill("2019-06-05")
    page.get_by_label("月 午前").check()
    page.get_by_label("火 午前").check()
    page.get_by_label("見込み時間（分）").fill("45")
    expect(page.locator("#quote")).to_contain_text("利用料の目安: 800円")
    page.get_by_role("button", name="受け付ける").click()
    expect(page.locator("#status")).to_have_text("受付")
    screenshot("mutualaid-request-received")
    detail_url = page.url

    page.goto(f"{live_server.url}/mutualaid/matching/?week={WEEK.isoformat()}")
    page.get_by_role("button", name="担当を提案する").click()
    expect(page.locator(".messages")).to_contain_text("1件 に担当を提案しました")
    expect(page.locator("#proposals")).to_contain_text("奉仕 花子")
    expect(page.locator("#proposals")).to_contain_text("道具あり: 草刈機")
    screenshot("mutualaid-matching")
    page.locator("#proposals").get_by_role("button", name="確定").click()
    expect(page.locator(".messages")).to_contain_text("担当を確定しました")
    expect(page.locator("#status")).to_have_text("確定")

    page.get_by_label("実際の時間（分）").fill("75")
    page.get_by_role("button", name="完了を記録").click()
    expect(page.locator(".messages")).to_contain_text("上限 60分")
    expect(page.locator("#status")).to_have_text("確定")
    page.get_by_label("実際の時間（分）").fill("45")
    page.get_by_role("button", name="完了を記録").click()
    expect(page.locator("#status")).to_have_text("完了")
    expect(page.locator("#fee")).to_contain_text("燃料代（60分以内）")
    expect(page.locator("#fee")).to_contain_text("800円")
    expect(page.locator("#paid")).to_have_text("未払")
    page.get_by_role("button", name="支払いを受領").click()
    expect(page.locator("#paid")).to_contain_text("支払済")
    expect(page.locator("#events")).to_contain_text("確定 → 完了")
    screenshot("mutualaid-request-paid")
    receipt = page.request.get(detail_url + "receipt.pdf")
    assert receipt.ok and receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF")


def test_the_volunteers_phone_page_shows_only_what_it_should_and_marks_a_job_done(
    town, personas, login, live_server, page, screenshot
):
    aid = build_aid(town, personas)
    officer = personas["officer"]
    proposed = new_request(aid, officer, task="weeding", slots=(1,))
    services.proposal_change(user=officer, request_id=proposed.pk, volunteer=aid.hanako, slot=1)
    confirmed = new_request(aid, officer, task="shopping", slots=(0,))
    services.proposal_change(user=officer, request_id=confirmed.pk, volunteer=aid.hanako, slot=0)
    services.proposal_confirm(user=officer, request_id=confirmed.pk)
    someone_else = new_request(aid, officer, task="rubbish", slots=(2,))
    services.proposal_change(user=officer, request_id=someone_else.pk, volunteer=aid.jiro, slot=2)

    page.set_viewport_size({"width": 390, "height": 844})
    login("volunteer")
    page.goto(f"{live_server.url}/mutualaid/my/?week={WEEK.isoformat()}")
    mine, proposal = page.locator(f"#job-{confirmed.pk}"), page.locator(f"#job-{proposed.pk}")
    expect(mine).to_contain_text("山本 様")
    expect(mine).to_contain_text(aid.resident.address)
    expect(mine).to_contain_text("買物代行")
    expect(mine).to_contain_text("6月3日（月 午前）")
    expect(mine).to_contain_text("0838-55-1234")  # confirmed: the phone is shown
    expect(proposal).not_to_contain_text("0838-55-1234")  # not yet confirmed: no phone
    expect(proposal).to_contain_text("確定したら電話番号が表示されます")
    expect(page.locator(f"#job-{someone_else.pk}")).to_have_count(0)
    body = page.locator("main")
    expect(body).not_to_contain_text("ハル")  # the family name only
    expect(body).not_to_contain_text("要支援")  # never health data
    # Large type for older eyes, and nothing wider than the phone.
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.ma-job')).fontSize)")
    assert size >= 20
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("mutualaid-volunteer-phone")
    mine.get_by_label("かかった時間（分）").fill("40")
    mine.get_by_role("button", name="終わりました").click()
    expect(page.locator(".messages")).to_contain_text("完了を記録しました")
    expect(page.locator(f"#job-{confirmed.pk}")).to_contain_text("完了（40分）")
    screenshot("mutualaid-volunteer-phone-done")
    assert services.points_balance(aid.hanako.pk) == 2


def test_the_yearly_report_draws_its_chart_from_the_offline_plotly(
    town, personas, login, live_server, page, screenshot
):
    aid = build_aid(town, personas)
    officer = personas["officer"]
    for slot, task in ((0, "mowing"), (1, "weeding"), (2, "shopping")):
        req = new_request(aid, officer, task=task, slots=(slot,))
        services.proposal_change(user=officer, request_id=req.pk, volunteer=aid.hanako, slot=slot)
        services.proposal_confirm(user=officer, request_id=req.pk)
        services.request_done(user=officer, request_id=req.pk, actual_minutes=30)
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    login("officer")
    page.goto(f"{live_server.url}/mutualaid/report/?year=2019")
    expect(page.locator("#report-table")).to_contain_text("草刈り")
    expect(page.locator("#summary")).to_contain_text("3")
    expect(page.locator("#chart .main-svg").first).to_be_visible()
    screenshot("mutualaid-report")
    assert outside == []  # no CDN, no fonts or scripts from outside
