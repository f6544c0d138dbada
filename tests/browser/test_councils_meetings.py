"""A body's meeting in a real browser: called, attended, its group work written and found on
the district's resource sheet (わがまちこんなとこシート)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.councils.meeting_world import build_bodies


def test_a_nurse_records_a_meeting_whose_group_work_shows_on_the_district_sheet(
    town, personas, login, live_server, screenshot
):
    bodies = build_bodies(town)
    page = login("nurse")
    page.goto(f"{live_server.url}/councils/bodies/{bodies.north.pk}/meetings/")
    expect(page.locator("h1")).to_contain_text("北部地域ささえあい協議体 の会議")

    page.get_by_role("link", name="会議を登録する").click()
    page.get_by_label("開催日").fill("2019-05-21")
    page.get_by_label("会場").fill("須佐公民館")
    page.get_by_label("議題（1行に1つ）").fill("移動支援について\nサロンの担い手について")
    page.get_by_role("button", name="登録").click()
    expect(page.locator(".messages")).to_contain_text("2019-05-21 の会議を登録しました")

    page.get_by_role("link", name="出席を記録").click()
    # 高橋 left the body in March 2019: only the members of the day are offered.
    expect(page.get_by_text("高橋 次郎")).to_have_count(0)
    page.get_by_label("山田 太郎（町内会・自治会 会長）").check()
    page.get_by_label("鈴木 一郎（郵便局）").check()
    page.get_by_label("来賓・オブザーバー1 氏名").fill("木村 さくら")
    page.get_by_label("来賓・オブザーバー1 所属").fill("社会福祉協議会")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#attendance")).to_contain_text("木村 さくら")
    expect(page.locator("#attendance tr", has_text="山田 太郎")).to_contain_text("○ 出席")
    expect(page.locator("#attendance tr", has_text="佐藤 花子")).to_contain_text("欠席")

    page.get_by_role("link", name="ええとこ・いかんとこ").click()
    page.get_by_label("須佐地区のええとこ（1行に1つ）").fill(
        "漁港の朝市に人が集まる\n郵便局の人が声をかけてくれる"
    )
    page.get_by_label("須佐地区のいかんとこ（1行に1つ）").fill("坂が多く買い物が大変")
    page.get_by_label("田万川地区のいかんとこ（1行に1つ）").fill("草刈りができない家が増えた")
    page.get_by_role("button", name="保存して資源シートに反映").click()
    expect(page.locator(".messages")).to_contain_text(
        "資源シート（須佐、田万川地区）に反映しました"
    )

    page.get_by_label("決定事項").fill("移動販売の停留所を事業者に相談する")
    page.get_by_role("button", name="追加").click()
    expect(page.locator(".errors")).to_contain_text("入力に誤り")
    expect(page.locator("#decision-add")).to_contain_text("決定事項には担当を入れてください")
    page.get_by_label("担当").fill("山田（町内会）")
    page.get_by_label("期限").fill("2019-06-30")
    page.get_by_role("button", name="追加").click()
    expect(page.locator("#decisions")).to_contain_text("山田（町内会）")
    screenshot("councils-meeting")

    page.locator("h3", has_text="須佐地区").get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("わがまちこんなとこシート — 須佐地区")
    expect(page.locator(".sheet-columns")).to_contain_text("漁港の朝市に人が集まる")
    expect(page.locator(".sheet-columns")).to_contain_text("坂が多く買い物が大変")
    screenshot("councils-meeting-sheet")
