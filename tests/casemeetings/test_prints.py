"""Prints and exports of community care meetings: the agenda names no resident whoever prints
it, an outside professional downloads only the agendas of the meetings they are invited to,
and the exports carry a resident's name, address, phone and insured number only to those who
identify the case."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chiiki.accounts.models import AuditEvent
from chiiki.casemeetings import agenda, pdf, selectors, services
from chiiki.casemeetings.models import SLOT_LABELS
from tests.casemeetings.world import DAY, build_cases
from tests.conftest import make_person

SECRET = {"family_name": "安座間", "given_name": "千代", "phone": "0838-25-4321"}
INSURED = "3520479876"


@pytest.fixture
def w(town, personas):
    world = build_cases(town, personas)
    # A second case at the meeting, of a resident with every identifying field filled in,
    # and a goal that a spreadsheet would run as a formula.
    resident = make_person(town.n2, insured_number=INSURED, **SECRET)
    services.case_open(
        user=None,
        meeting=world.meeting,
        number="N-2025-002",
        district=town.n2,
        age=resident.age_on(DAY),
        sex=resident.sex,
        care_level="support_2",
        goal="=1+1 自宅のお風呂に入れるようになる",
        person=resident,
        owner=personas["nurse"],
        mid_due_on=DAY + dt.timedelta(days=90),
        closing_due_on=DAY + dt.timedelta(days=180),
    )
    world.resident = resident
    return world


def _pdf_text(content: bytes, tmp_path) -> str:
    assert content.startswith(b"%PDF"), content[:40]
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed to read the PDFs back")
    path = tmp_path / "agenda.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


def _identifying(w) -> list[str]:
    p, q = w.person, w.resident
    return [
        f"{p.family_name} {p.given_name}",
        p.given_name,
        p.address,
        q.family_name,
        q.given_name,
        q.address,
        q.phone,
        INSURED,
    ]


def test_the_agenda_prints_the_cases_by_number_and_never_a_name_even_for_staff(
    w, personas, tmp_path
):
    admin = personas["admin"]
    meeting = selectors.meeting_get_for_user(user=admin, meeting_id=w.meeting.pk)
    entries = selectors.meeting_agenda(user=admin, meeting=meeting)
    assert all(e.card.name is not None for e in entries)  # the administrator identifies them
    plan = agenda.build(
        meeting.starts_at,
        [e.card.label for e in entries],
        meeting.series.slot_minutes,
        SLOT_LABELS,
        meeting.series.minutes_per_meeting,
    )
    content = pdf.agenda_pdf(meeting, entries, plan)
    text = _pdf_text(content, tmp_path)
    for expected in (
        "N-2025-001",
        "N-2025-002",
        "須佐支所",
        "13:30",
        "事例の説明",
        "質疑・助言",
        "理学療法士（PT）",
        "保健師",
        "要支援1",
        "サロンに通えるようになる",
    ):
        assert expected in text, expected
    for secret in _identifying(w):
        assert secret not in text, secret
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "agenda.pdf")], capture_output=True, text=True
    ).stdout
    assert "Noto-Sans-CJK-JP" in fonts


def test_an_invited_advisor_downloads_the_agenda_and_no_other(w, personas, client_for, tmp_path):
    other = services.meeting_create(user=None, series=w.south_series, held_on=DAY)
    advisor = client_for(personas["advisor"])
    url = reverse("casemeetings:meeting_agenda_pdf", args=[w.meeting.pk])
    response = advisor.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    assert "N-2025-001" in text and w.person.given_name not in text
    assert AuditEvent.objects.filter(user=personas["advisor"], channel="print").exists()
    refused = advisor.get(reverse("casemeetings:meeting_agenda_pdf", args=[other.pk]))
    assert refused.status_code == 403
    assert client_for(personas["volunteer"]).get(url).status_code == 403


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_advisors_exports_name_no_resident(w, personas, client_for):
    advisor = client_for(personas["advisor"])
    response = advisor.get(reverse("casemeetings:cases_csv"))
    assert response.status_code == 200
    rows = _csv_rows(response.content)
    assert sorted(r["事例番号"] for r in rows) == ["N-2025-001", "N-2025-002"]
    for row in rows:
        assert row["氏名"] == row["住所"] == row["電話番号"] == row["被保険者番号"] == ""
    body = response.content.decode("utf-8-sig")
    for secret in _identifying(w):
        assert secret not in body, secret
    goal = next(r["目標（本人の言葉）"] for r in rows if r["事例番号"] == "N-2025-002")
    assert goal == "'=1+1 自宅のお風呂に入れるようになる"  # not run as a formula
    assert AuditEvent.objects.filter(user=personas["advisor"], channel="export").exists()

    sheet = load_workbook(
        io.BytesIO(advisor.get(reverse("casemeetings:cases_xlsx")).content)
    ).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header, data = values[0], values[1:]
    assert len(data) == 2 and header[-4:] == ["氏名", "住所", "電話番号", "被保険者番号"]
    assert all(cell in (None, "") for row in data for cell in row[-4:])
    assert not any(
        secret in str(cell) for row in values for cell in row for secret in _identifying(w)
    )


def test_staff_who_identify_the_resident_get_the_names_and_others_do_not(w, personas, client_for):
    rows = _csv_rows(client_for(personas["admin"]).get(reverse("casemeetings:cases_csv")).content)
    by_number = {r["事例番号"]: r for r in rows}
    second = by_number["N-2025-002"]
    assert second["氏名"] == f"{SECRET['family_name']} {SECRET['given_name']}"
    assert (second["電話番号"], second["被保険者番号"]) == (SECRET["phone"], INSURED)
    assert second["住所"] == w.resident.address
    coordinator = client_for(personas["coordinator"]).get(reverse("casemeetings:cases_csv"))
    assert all(r["氏名"] == "" for r in _csv_rows(coordinator.content))
    assert (
        client_for(personas["volunteer"]).get(reverse("casemeetings:cases_xlsx")).status_code == 403
    )
