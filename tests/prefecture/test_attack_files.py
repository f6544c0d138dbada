"""Broken files posted to both imports: every one is a 400 with its fault, never a 500."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiiki.prefecture.models import Dispatch, TeamVisit
from tests.prefecture.support_world import build_kochi


def _garbage_xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", b"\x00\xff not xml")
    return buf.getvalue()


FILES = {
    "empty.csv": b"",
    "binary.csv": bytes(range(256)) * 4,
    "header.csv": "訪問日,市町村コード\n".encode(),
    "dheader.csv": "日付,市町村コード,派遣元,事業区分,職種,件数\n".encode(),
    "bad.csv": "訪問日,市町村コード\n".encode("cp932") + b"\x81\x00\xff,\x82\n",
    "garbage.xlsx": _garbage_xlsx(),
    "text.xlsx": b"just text",
    "nul.csv": "訪問日,市町村コード\n2019-05-10\x00,392014\n".encode(),
}


@pytest.fixture
def kochi(db):
    return build_kochi()


@pytest.mark.parametrize("name", sorted(FILES))
def test_a_broken_file_is_a_400_on_both_imports(kochi, client_for, name):
    client = client_for(kochi.viewer)
    for url in (reverse("prefecture:team_visit_import"), reverse("prefecture:dispatch_import")):
        upload = SimpleUploadedFile(name, FILES[name])
        page = client.post(url, {"file": upload})
        assert page.status_code == 400, (url, name)
    assert not TeamVisit.objects.exists() and not Dispatch.objects.exists()
