"""Prints and exports of community care meetings: a meeting's agenda (PDF, A4) for everyone
invited to it, outside professionals among them, and the user's cases as CSV or XLSX.

Every case leaves as the user may see it (a :class:`~chiiki.casemeetings.selectors.CaseCard`):
the agenda names no resident at all; the exports carry the resident's name, address, phone
and insured number only in the rows of the cases the user identifies, blank in the others.
The agenda is a list read on the print channel, the exports on the export channel; every
exported cell is guarded against spreadsheet formula injection.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.utils.timezone import localdate

from chiiki.accounts import audit
from chiiki.accounts.http import AuthedRequest
from chiiki.casemeetings import agenda, pdf, selectors
from chiiki.casemeetings.models import SLOT_LABELS
from chiiki.casemeetings.selectors import CaseCard
from chiiki.core.tabular import safe_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Every case the user reaches, in one file: far more than a municipality opens in years.
EXPORT_LIMIT = 100_000
HEADER = [
    "事例番号",
    "年齢（5歳階級）",
    "性別",
    "日常生活圏域",
    "地区",
    "要介護度",
    "目標（本人の言葉）",
    "結果",
    "終了日",
    "次の検討",
    "次の検討の予定日",
    "成功の鍵・うまくいかなかった理由",
    "氏名",
    "住所",
    "電話番号",
    "被保険者番号",
]


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def meeting_agenda_pdf(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The agenda to hand out: the time table of the meeting's cases, anonymised."""
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    entries = selectors.meeting_agenda(
        user=request.user, meeting=meeting, channel=audit.Channel.PRINT
    )
    series = meeting.series
    plan = agenda.build(
        meeting.starts_at,
        [e.card.label for e in entries],
        series.slot_minutes,
        SLOT_LABELS,
        series.minutes_per_meeting,
    )
    return _attachment(
        pdf.agenda_pdf(meeting, entries, plan),
        "application/pdf",
        f"case-agenda-{meeting.held_on:%Y%m%d}-{meeting.pk}.pdf",
    )


def case_row(card: CaseCard, key: str) -> list[object]:
    """One exported case; the resident's columns blank unless the user identifies them."""
    shown = card.identified
    cells: list[object] = [
        card.number,
        card.age_band,
        card.sex,
        card.life_area,
        card.district,
        card.care_level,
        card.goal,
        card.outcome,
        card.closed_on or "",
        card.next_stage,
        card.next_due_on or "",
        key,
        (card.name or "") if shown else "",
        (card.address or "") if shown else "",
        (card.phone or "") if shown else "",
        (card.insured_number or "") if shown else "",
    ]
    return [safe_cell(c) for c in cells]


def _case_rows(request: AuthedRequest) -> list[list[object]]:
    with audit.bound(channel=audit.Channel.EXPORT):
        found = selectors.find_cases(user=request.user, limit=EXPORT_LIMIT)
    return [case_row(card, key) for card, key in found]


def cases_csv_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    """UTF-8 with a BOM, so that Excel opens it in Japanese; CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows([c.isoformat() if isinstance(c, dt.date) else c for c in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def cases_xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "事例"
    ws.append(HEADER)
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@login_required
def cases_csv(request: AuthedRequest) -> HttpResponse:
    """The user's cases as CSV."""
    content = cases_csv_bytes(_case_rows(request))
    return _attachment(content, "text/csv; charset=utf-8", f"cases-{localdate():%Y%m%d}.csv")


@login_required
def cases_xlsx(request: AuthedRequest) -> HttpResponse:
    """The user's cases as an Excel workbook."""
    content = cases_xlsx_bytes(_case_rows(request))
    return _attachment(content, XLSX, f"cases-{localdate():%Y%m%d}.xlsx")


urlpatterns = [
    path("meetings/<id:meeting_id>/agenda.pdf", meeting_agenda_pdf, name="meeting_agenda_pdf"),
    path("cases.csv", cases_csv, name="cases_csv"),
    path("cases.xlsx", cases_xlsx, name="cases_xlsx"),
]
