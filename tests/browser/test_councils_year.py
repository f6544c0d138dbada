"""A body's year in a real browser, as the guide's 萩市 runs it.

The 北部 body meets in May and writes its group work (ええとこ・いかんとこ), which the
district's resource sheet then shows. The nurse registers the issue the meeting found, makes
the district questionnaire's result its evidence, carries it 把握 → 協議 → 対応決定 →
資源開発, and links the transport service that came of it, with its start date.
"""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from chiiki.councils.models import IssueEvidence, IssueStatus, RegionalIssue
from chiiki.councils.services import questionnaires as questionnaire_services
from chiiki.resources.models import Organization
from chiiki.resources.models import Service as ResourceService
from tests.councils.meeting_world import build_bodies
from tests.councils.questionnaire_helpers import csv_bytes, questionnaire_for, rows


def test_a_bodys_year_from_group_work_to_a_new_service(
    town, personas, login, live_server, screenshot
):
    bodies = build_bodies(town)
    questionnaire = questionnaire_for(bodies.north, name="令和元年度 北部 地区アンケート")
    assert questionnaire_services.questionnaire_import(
        user=None,
        questionnaire=questionnaire,
        data=csv_bytes(rows(120, ["須佐", "田万川"], seed=3)),
        filename="paper.csv",
    ).ok
    service = ResourceService.objects.create(
        municipality=town.municipality,
        organization=Organization.objects.create(
            municipality=town.municipality, name="須佐地区社会福祉協議会"
        ),
        name="須佐おでかけ送迎",
        district=town.n1,
    )
    page = login("nurse")
    base = live_server.url

    # May: the meeting and its group work, found again on the district sheet.
    page.goto(f"{base}/councils/bodies/{bodies.north.pk}/")
    page.locator("nav.ma-subnav").get_by_role("link", name="会議", exact=True).click()
    page.get_by_role("link", name="会議を登録する").click()
    page.get_by_label("開催日").fill("2019-05-21")
    page.get_by_label("議題（1行に1つ）").fill("買い物・通院の足について")
    page.get_by_role("button", name="登録").click()
    page.get_by_role("link", name="ええとこ・いかんとこ").click()
    page.get_by_label("須佐地区のええとこ（1行に1つ）").fill("郵便局の人が声をかけてくれる")
    page.get_by_label("須佐地区のいかんとこ（1行に1つ）").fill("バスが日に2本で通院できない")
    page.get_by_role("button", name="保存して資源シートに反映").click()
    expect(page.locator(".messages")).to_contain_text("資源シート（須佐地区）に反映しました")
    page.locator("h3", has_text="須佐地区").get_by_role("link").click()
    expect(page.locator(".sheet-columns")).to_contain_text("バスが日に2本で通院できない")

    # June: the issue the meeting found, in the register.
    page.goto(f"{base}/councils/issues/new/")
    page.get_by_label(re.compile(r"^地域課題")).fill("須佐の通院・買い物の足がない")
    page.get_by_label("地域", exact=True).select_option(label="地区 北部 / 須佐")
    page.get_by_label("移動・外出").check()
    page.get_by_label("担当の協議体").select_option(label=bodies.north.name)
    page.get_by_label("把握した日").fill("2019-06-01")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("地域課題を登録しました（把握）")
    issue = RegionalIssue.objects.get(title="須佐の通院・買い物の足がない")

    # The questionnaire's result for the whole area becomes its evidence.
    page.goto(f"{base}/councils/questionnaires/{questionnaire.pk}/")
    page.locator("#table-troubles tr.group a.qn-cell").first.click()
    page.get_by_label("根拠を加える地域課題").select_option(str(issue.pk))
    page.get_by_role("button", name="根拠に加える").click()
    expect(page.locator(".messages")).to_contain_text("の根拠に加えました")
    evidence = IssueEvidence.objects.get(issue=issue)
    assert evidence.snapshot["questionnaire_id"] == questionnaire.pk

    # Summer to winter: one step at a time, each dated.
    page.goto(f"{base}/councils/issues/{issue.pk}/")
    for label, on in (
        ("協議", "2019-07-16"),
        ("対応決定", "2019-09-17"),
        ("資源開発", "2019-11-19"),
    ):
        move = page.locator("section", has_text="状況を進める")
        expect(move.get_by_label("次の状況")).to_have_value(_code(label))
        move.get_by_label("日付").fill(on)
        move.get_by_role("button").click()
        expect(page.locator(".messages")).to_contain_text(f"「{label}」にしました")
    expect(page.locator("#events")).to_contain_text("対応決定 → 資源開発")

    # The service that came of it, linked with its start date.
    section = page.locator("section", has_text="この課題から生まれた資源を記録")
    section.get_by_label("地域資源（サービス）").select_option(label="須佐おでかけ送迎（須佐）")
    section.get_by_label("開始日").fill("2020-01-06")
    section.get_by_role("button").click()
    expect(page.locator("#resources")).to_contain_text("須佐おでかけ送迎（開始 2020-01-06・須佐）")
    screenshot("councils-year-issue")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DEVELOPING
    assert list(issue.resources.values_list("service_id", "started_on")) == [
        (service.pk, dt.date(2020, 1, 6))
    ]
    assert [e.on for e in issue.events.order_by("on")] == [
        dt.date(2019, 6, 1),
        dt.date(2019, 7, 16),
        dt.date(2019, 9, 17),
        dt.date(2019, 11, 19),
    ]


def _code(label: str) -> str:
    return next(s.value for s in IssueStatus if s.label == label)
