"""One case in a real browser, as 豊明市 and 生駒市 run them: the nurse opens it at the May
meeting and fills the review sheet in the guide's order, gives the plan a task with its
owner, reviews it at the mid meeting, closes it with the key to its success, and then
carries the issue it shares with two other cases from the roll-up into the register."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from chiiki.casemeetings import services
from chiiki.casemeetings.models import Case, IssueCase, Outcome
from chiiki.councils.models import EvidenceKind, RegionalIssue
from tests.casemeetings.world import DAY, build_cases
from tests.conftest import make_person


def test_a_case_from_first_review_to_closing_and_into_the_register(
    town, personas, login, live_server, screenshot
):
    w = build_cases(town, personas)
    mid_meeting = services.meeting_create(
        user=None, series=w.series, held_on=DAY + dt.timedelta(days=91), place="須佐支所"
    )
    services.invite(user=None, meeting=mid_meeting, invitee=personas["nurse"], profession="phn")
    # Two earlier cases of 田万川 share the seed: with the new one, three make it common.
    for number in ("N-2024-101", "N-2024-102"):
        review = services.case_open(
            user=None,
            meeting=w.meeting,
            number=number,
            district=town.n2,
            age=79,
            sex="F",
            care_level="support_2",
            mid_due_on=DAY + dt.timedelta(days=90),
            closing_due_on=DAY + dt.timedelta(days=180),
        )
        services.review_save(
            user=None,
            review=review,
            version=review.version,
            present_state="",
            goal="",
            real_issue="",
            can_solve="",
            tags=["shopping"],
        )
    resident = make_person(town.n1, family_name="事例", given_name="花子", care_level="support_1")
    page = login("nurse")
    base = live_server.url

    # May: the case is opened at the meeting, with the dates of its mid and closing reviews.
    page.goto(f"{base}/casemeetings/meetings/{w.meeting.pk}/")
    expect(page.locator("#agenda")).to_contain_text("13:30")
    page.get_by_role("link", name="新しい事例を追加（初回）").click()
    page.get_by_label("本人を名前・フリガナで探す").fill("事例")
    page.get_by_role("button", name="探す").click()
    page.get_by_label("事例番号").fill("N-2025-002")
    page.get_by_label("本人", exact=True).select_option(label=f"事例 花子（{town.n1.name}）")
    page.get_by_label("要介護度").select_option(label="要支援1")
    page.get_by_label("目標（本人の言葉で）").fill("スーパーに自分で買い物に行けるようになる")
    page.get_by_label("中間の検討の予定日").fill((DAY + dt.timedelta(days=91)).isoformat())
    page.get_by_label("終了前の検討の予定日").fill((DAY + dt.timedelta(days=180)).isoformat())
    page.get_by_role("button", name="事例を追加").click()
    expect(page.locator(".messages")).to_contain_text("検討シートを記入してください")

    # The sheet in the guide's order; without a seed or 「なし」 it is refused.
    page.get_by_label("① 現状分析").fill("転倒してから外出が怖く、買い物は隣人頼み")
    page.get_by_label("③ 本当の課題").fill("重い荷物を持って坂を上る力と自信がない")
    page.get_by_label("④ 本当に解決できますか").fill(
        "訪問型で筋力、買い物は移動販売の曜日に合わせる"
    )
    page.get_by_role("button", name="検討シートを保存").click()
    expect(page.locator(".field-error")).to_contain_text("課題の種を1つ以上選ぶか")
    page.get_by_label("買い物").check()
    page.get_by_role("button", name="検討シートを保存").click()
    expect(page.locator(".messages")).to_contain_text("検討シートを保存しました")
    screenshot("casemeetings-case-initial")

    # The plan: a task with no owner is refused, then given one.
    page.get_by_text("支援計画に役割を加える").click()
    page.get_by_label("内容").fill("移動販売の曜日を本人に伝え、最初の回に同行する")
    page.get_by_label("役割（職種）").select_option(label="生活支援コーディネーター")
    page.get_by_label("担当者").fill("SC 田中")
    page.get_by_label("期限").fill((DAY + dt.timedelta(days=14)).isoformat())
    page.get_by_label("1か月後の目標").fill("移動販売で週1回買い物できる")
    page.get_by_role("button", name="加える", exact=True).first.click()
    expect(page.locator(".messages")).to_contain_text("支援計画に役割を加えました")
    expect(page.locator(".tasks")).to_contain_text("SC 田中")

    # August: the mid review at the next meeting.
    page.locator("#add_meeting").select_option(
        label=f"{mid_meeting.held_on:%Y-%m-%d} {w.series.name}"
    )
    page.locator("#add_stage").select_option(label="中間")
    page.locator("form[action$='/reviews/'] button").click()
    expect(page.locator(".messages")).to_contain_text("中間の検討を会議に加えました")
    page.get_by_label("① 現状分析").fill("移動販売で週1回買えている。坂はまだ不安")
    page.get_by_label("買い物").check()
    page.get_by_role("button", name="検討シートを保存").click()
    expect(page.locator("#review-mid")).to_contain_text("移動販売で週1回買えている")

    # Closing: the outcome needs the key to success.
    page.locator("#close_outcome").select_option(label="達成")
    page.get_by_label("成功の鍵、またはうまくいかなかった理由").fill(
        "移動販売の曜日に合わせて訪問型の運動を組んだ"
    )
    page.get_by_label("終了日").fill(mid_meeting.held_on.isoformat())
    page.get_by_role("button", name="結果を記録して終了").click()
    expect(page.locator(".messages")).to_contain_text("事例を終了し、結果を記録しました")
    case = Case.objects.get(number="N-2025-002")
    assert case.outcome == Outcome.MET and case.person == resident
    screenshot("casemeetings-case-closed")

    # The roll-up: 買い物 in three cases is common; it goes to the register with its cases.
    page.goto(f"{base}/casemeetings/rollup/")
    row = page.locator("#common tr", has_text="買い物")
    expect(row).to_contain_text("3")
    expect(row).to_contain_text("田万川 2")
    row.get_by_text("台帳に登録").click()
    row.get_by_label("地域課題の名称").fill("北部の買い物の足")
    row.get_by_role("button", name="事例 3件とつないで登録").click()
    expect(page.locator(".messages")).to_contain_text("事例 3件とつながっています")
    screenshot("casemeetings-issue-cases")
    issue = RegionalIssue.objects.get(title="北部の買い物の足")
    assert set(IssueCase.objects.filter(issue=issue).values_list("case__number", flat=True)) == {
        "N-2025-002",
        "N-2024-101",
        "N-2024-102",
    }
    assert issue.evidence.get().kind == EvidenceKind.CASE_MEETING
    expect(page.locator("#issue-cases")).to_contain_text("N-2025-002")
