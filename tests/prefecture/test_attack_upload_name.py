"""An upload whose file name carries control characters (a NUL, a bell): the import still
answers, and the name it keeps as the records' source holds none of them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiiki.prefecture.models import Dispatch
from tests.prefecture.dispatch_world import make_towns, make_viewer


@pytest.fixture
def kumamoto(db):
    return make_towns(1)


def test_a_file_name_with_control_characters_is_imported_under_a_clean_name(kumamoto, client_for):
    client = client_for(make_viewer(kumamoto))
    text = (
        f"日付,市町村コード,派遣元,事業区分,職種\n2017-06-01,{kumamoto[0].code},県,その他,保健師\n"
    )
    upload = SimpleUploadedFile("log\x00\x07.csv", text.encode())
    response = client.post(reverse("prefecture:dispatch_import"), {"file": upload})
    assert response.status_code == 200
    assert "\x00" not in Dispatch.objects.get().source
    assert "\x07" not in Dispatch.objects.get().source
