"""Fixtures of the dispatch log's tests: 熊本県 with some of its real municipalities (codes and
names from the country's list), a 熊本県 viewer, and files written from the demo's rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import openpyxl

from chiiki.accounts.models import Role, User
from chiiki.accounts.services import user_create
from chiiki.areas import codes
from chiiki.areas import services as area_services
from chiiki.areas.models import Municipality
from chiiki.prefecture.dispatch_file import WORK_LABELS
from chiiki.prefecture.dispatch_summary import Record

PASSWORD = "test-pass-123"
KUMAMOTO = "43"
HEADER = ("日付", "市町村コード", "派遣元", "事業区分", "職種", "件数")


def kumamoto_codes(n: int | None = None) -> list[str]:
    with codes.DATA.open(encoding="utf-8", newline="") as f:
        listed = [row["code"] for row in csv.DictReader(f)]
    found = sorted(
        c for c in listed if c.startswith(KUMAMOTO) and codes.municipality(c) is not None
    )
    return found[:n] if n else found


def make_towns(n: int | None = 6) -> list[Municipality]:
    out = []
    for code in kumamoto_codes(n):
        entry = codes.municipality(code)
        assert entry is not None
        out.append(
            area_services.municipality_create(
                code=code,
                name=entry.name,
                kana=entry.kana,
                prefecture_code=KUMAMOTO,
                prefecture_name=entry.prefecture,
            )
        )
    return out


def make_viewer(towns: Sequence[Municipality]) -> User:
    """熊本県's prefecture viewer (the conftest's ``pref`` is 山口県's)."""
    return user_create(
        username="kumamoto-viewer",
        password=PASSWORD,
        role=Role.PREFECTURE,
        prefecture=towns[0].prefecture,
    )


def rows_of(records: Sequence[Record]) -> list[list[str]]:
    return [
        [
            r.day.isoformat(),
            r.municipality,
            r.sender,
            WORK_LABELS[r.work],
            r.profession,
            str(r.count),
        ]
        for r in records
    ]


def csv_text(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def xlsx_bytes(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
