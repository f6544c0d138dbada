"""An empty database becomes a municipality at work, as its first week would go.

The operator imports the area tree and the first administrator on the server. The
administrator then works in the browser: the register extract (previewed, then committed),
the insurer's care file, two staff logins and a service typed into the directory. One of the
new staff signs in and finds a resident by kana. Synthetic, fictional people only.
"""

from __future__ import annotations

import io
import json

from django.core.management import call_command
from playwright.sync_api import expect

from chiiki.accounts.models import User
from chiiki.areas.models import Municipality
from chiiki.people.models import CareCertification, Person
from chiiki.resources.models import Schedule
from chiiki.resources.models import Service as ResourceService
from tests.people.test_care_import import FILE as CARE_ROWS
from tests.people.test_care_import import HEADER as CARE_HEADER
from tests.people.test_register_import import AREAS, ROWS, csv_bytes

NURSE_PASSWORD = "kita-nurse-2026"
SC_PASSWORD = "minami-sc-2026"


def _csv(header, rows) -> bytes:
    return ("\n".join(",".join(r) for r in [header, *rows]) + "\n").encode("utf-8-sig")


def _upload(page, selector: str, name: str, data: bytes) -> None:
    page.locator(selector).set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})


def test_an_empty_database_becomes_a_working_municipality(
    live_server, page, login, tmp_path, screenshot
):
    assert not Municipality.objects.exists() and not User.objects.exists()
    # On the server: the area tree, and the first administrator with a one-time password.
    areas = tmp_path / "佐々町.csv"
    areas.write_bytes(_csv(["市町村コード", "市町村名", "圏域", "地区", "町丁目"], AREAS))
    call_command("areas", "import", str(areas), stdout=io.StringIO())
    admins = tmp_path / "管理者.csv"
    admins.write_bytes(
        _csv(["ログインID", "氏名", "役割"], [["saza.admin", "佐々 管理", "管理者"]])
    )
    out = io.StringIO()
    call_command(
        "staff", "import", str(admins), "--municipality", "423912", "--format", "json", stdout=out
    )
    password = json.loads(out.getvalue())["initial_passwords"]["saza.admin"]

    # The administrator: the register extract, previewed and then committed.
    login("saza.admin", password)
    page.goto(f"{live_server.url}/people/")
    page.locator("#register-import").click()
    _upload(page, "#id_file", "住民記録.csv", csv_bytes(ROWS))
    page.get_by_role("button", name="確かめる（まだ保存しません）").click()
    expect(page.locator("#import-preview")).to_contain_text("4人")
    assert not Person.objects.exists()
    screenshot("onboarding-register-preview")
    page.locator("#import-commit").click()
    expect(page.locator("#import-result")).to_contain_text("追加 4")
    assert Person.objects.filter(municipality__code="423912").count() == 4

    # The insurer's care file.
    page.goto(f"{live_server.url}/people/")
    page.locator("#care-import-link").click()
    _upload(page, "#id_file", "認定.csv", _csv(CARE_HEADER, CARE_ROWS))
    page.get_by_role("button", name="取り込む").click()
    expect(page.locator("#import-result")).to_be_visible()
    assert CareCertification.objects.count() == len(CARE_ROWS)

    # Two staff logins: a support-center nurse of the north, a coordinator of the south.
    for username, name, role, area, chosen in (
        ("kita.nurse", "北 保健", "support_center", "北部圏域", NURSE_PASSWORD),
        ("minami.sc", "南 支援", "coordinator", "南部圏域", SC_PASSWORD),
    ):
        page.goto(f"{live_server.url}/staff/new/")
        page.locator("#id_username").fill(username)
        page.locator("#id_display_name").fill(name)
        page.locator("#id_role").select_option(role)
        page.get_by_label(area).check()
        if chosen:
            page.locator("#id_password").fill(chosen)
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state("networkidle")
    assert User.objects.filter(username__in=["kita.nurse", "minami.sc"]).count() == 2
    screenshot("onboarding-staff")

    # The coordinator of the south types in a gathering place with its weekly hours; the
    # preview shows its dates as she types them.
    page.context.clear_cookies()
    login("minami.sc", SC_PASSWORD)
    page.goto(f"{live_server.url}/resources/organizations/new/")
    page.locator("#id_name").fill("市瀬地区 老人クラブ")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/resources/services/new/")
    page.locator("#id_name").fill("市瀬いきいきサロン")
    page.locator("#id_organization").select_option(label="市瀬地区 老人クラブ")
    page.locator("#id_district").select_option(label="南部圏域 / 市瀬地区")
    page.locator("#id_fee_amount").fill("100")
    page.get_by_role("button", name="登録して日程を入れる").click()
    page.get_by_role("link", name="開所日時を追加").click()
    page.locator("input[name=weekdays][value=TU]").check()
    page.locator("#id_opens_at").fill("10:00")
    page.locator("#id_closes_at").fill("11:30")
    expect(page.locator("#preview")).to_contain_text("（火）")
    expect(page.locator("#preview")).to_contain_text("10:00")
    screenshot("onboarding-schedule-preview")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    service = ResourceService.objects.get(name="市瀬いきいきサロン")
    assert service.district.name == "市瀬地区"
    assert Schedule.objects.filter(service=service, byday__contains="TU").exists()
    page.goto(f"{live_server.url}/resources/?q=いきいき")
    expect(page.locator("main")).to_contain_text("市瀬いきいきサロン")

    # The new nurse signs in and finds a resident of her area by kana, in hiragana.
    page.context.clear_cookies()
    login("kita.nurse", NURSE_PASSWORD)
    page.goto(f"{live_server.url}/people/")
    expect(page.locator("#results")).not_to_contain_text("市瀬 春子")  # the south
    page.locator("#q").fill("ささ")
    expect(page.locator("#results")).to_contain_text("「ささ」")  # the list has answered
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("佐々 太郎")
    screenshot("onboarding-nurse-search")
