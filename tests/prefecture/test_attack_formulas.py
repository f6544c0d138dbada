"""Formula cells brought in by a file or a form come out of every download as text."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiiki.prefecture.services import support as services
from tests.prefecture.dispatch_world import make_towns, make_viewer

EVIL = ('=HYPERLINK("http://x.example/","a")', "@SUM(1)", "+1+1", "-2+3", "＝1+1")


@pytest.fixture
def kumamoto(db):
    return make_towns(2)


def _cells(response, fmt: str) -> list[str]:
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        return [c for row in csv.reader(io.StringIO(text)) for c in row]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    return [str(c.value) for row in wb.active.iter_rows() for c in row if c.value is not None]


def _bad(cells: list[str]) -> list[str]:
    return [c for c in cells if c[:1] in "=+-@" and len(c) > 1 and not c[1:].isdigit()]


def test_formulas_in_the_records_are_text_in_every_download(kumamoto, client_for):
    viewer = make_viewer(kumamoto)
    client = client_for(viewer)
    town = kumamoto[0]
    lines = ["日付,市町村コード,派遣元,事業区分,職種,件数"]
    for i, evil in enumerate(EVIL):
        quoted = '"' + evil.replace('"', '""') + '"'
        lines.append(f"2017-06-0{i + 1},{town.code},{quoted},介護予防事業,{quoted},1")
    upload = SimpleUploadedFile("d.csv", "\n".join(lines).encode())
    assert client.post(reverse("prefecture:dispatch_import"), {"file": upload}).status_code == 200
    for evil in EVIL:
        services.team_visit_create(
            user=viewer,
            prefecture=town.prefecture,
            municipality=town,
            day=dt.date(2017, 6, 1),
            team=evil,
            purpose=evil,
        )
        services.seminar_create(
            user=viewer,
            prefecture=town.prefecture,
            day=dt.date(2017, 6, 1),
            title=evil,
            audience=evil,
            session=evil[:20],
        )
    urls = [
        reverse("prefecture:dispatch") + f"?year=2017&table={t}&format="
        for t in ("senders", "municipalities", "professions")
    ]
    for fmt in ("csv", "xlsx"):
        got = [client.get(u + fmt) for u in urls]
        for name in ("team_visits_download", "teams_download", "seminars_download"):
            got.append(client.get(reverse(f"prefecture:{name}", args=[fmt])))
        for response in got:
            assert response.status_code == 200
            cells = _cells(response, fmt)
            assert not _bad(cells), (fmt, _bad(cells))
