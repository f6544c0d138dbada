"""The dispatch log's pages as 熊本県's viewer: the year's table in the guide's layout, the
downloads, the form, the upload with every fault; and nothing of it for anyone else."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiiki.accounts.models import User
from chiiki.areas.models import Municipality
from chiiki.prefecture.models import Dispatch
from chiiki.prefecture.services.dispatch import demo_log
from tests.prefecture.dispatch_world import (
    csv_text,
    make_towns,
    make_viewer,
    xlsx_bytes,
)

URL = reverse("prefecture:dispatch")


@pytest.fixture
def kumamoto(db) -> list[Municipality]:
    return make_towns(6)


@pytest.fixture
def kumamoto_viewer(kumamoto) -> User:
    return make_viewer(kumamoto)


def _cells(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start : html.index("</table>", start)]


def test_the_summary_page_shows_the_guides_table_and_every_municipality(
    kumamoto, kumamoto_viewer, client_for, django_assert_max_num_queries
):
    demo_log(kumamoto[0].prefecture, kumamoto, seed=3)
    client = client_for(kumamoto_viewer)
    with django_assert_max_num_queries(12):
        page = client.get(URL)  # the latest year with dispatches: 平成29年度
    html = page.content.decode()
    assert page.status_code == 200
    senders = _cells(html, "dispatch-senders")
    assert '<th scope="col">平成29年度</th>' in senders
    for n in ("527", "205", "304", "197", "1233", "730", "132", "616", "414", "1892", "3125"):
        assert f'<td class="num">{n}</td>' in senders
    assert senders.index("広域支援センター") < senders.index("密着リハセンター")
    towns = _cells(html, "dispatch-municipalities")
    assert all(m.name in towns for m in kumamoto)
    assert '<option value="2017" selected>' in html
    assert "@media print" in html
    empty = client.get(URL, {"year": "2016"}).content.decode()
    assert "この年度の派遣の記録はありません。" in empty
    assert client.get(URL, {"year": "abc"}).status_code == 400


def test_both_tables_download_as_csv_and_xlsx_and_the_page_prints_as_pdf(
    kumamoto, kumamoto_viewer, client_for
):
    demo_log(kumamoto[0].prefecture, kumamoto, seed=3)
    client = client_for(kumamoto_viewer)
    csv = client.get(URL, {"year": "2017", "format": "csv", "table": "senders"})
    text = csv.content.decode("utf-8-sig").splitlines()
    assert text[0] == "平成29年度,介護予防事業,地域ケア会議,通いの場等,その他,合計"
    assert text[1] == "広域支援センター,527,205,304,197,1233"
    assert text[-1] == "合計,1257,337,920,611,3125"
    xlsx = client.get(URL, {"year": "2017", "format": "xlsx", "table": "municipalities"})
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == ("市町村コード", "市町村") and len(rows) == len(kumamoto) + 2
    assert rows[-1][-1] == 3125
    pdf = client.get(URL, {"year": "2017", "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_form_records_one_dispatch_and_the_list_deletes_it(
    kumamoto, kumamoto_viewer, client_for
):
    client = client_for(kumamoto_viewer)
    new = reverse("prefecture:dispatch_new")
    assert "派遣を記録する" in client.get(new).content.decode()
    data = {
        "day": "平成29年6月1日",
        "municipality": str(kumamoto[2].pk),
        "sender": "広域支援センター",
        "work": "places",
        "profession": "理学療法士",
        "count": "2",
    }
    assert client.post(new, data).status_code == 302
    saved = Dispatch.objects.get()
    assert (saved.count, saved.municipality, saved.work) == (2, kumamoto[2], "places")
    bad = client.post(new, {**data, "day": "2018-02-30"})
    assert bad.status_code == 400 and "2018年2月30日は存在しません" in bad.content.decode()
    listed = client.get(new).content.decode()
    assert reverse("prefecture:dispatch_delete", args=[saved.pk]) in listed
    assert client.post(reverse("prefecture:dispatch_delete", args=[saved.pk])).status_code == 302
    assert not Dispatch.objects.exists()
    assert client.post(reverse("prefecture:dispatch_delete", args=[saved.pk])).status_code == 404


def test_the_upload_shows_every_fault_with_row_and_column_and_then_its_result(
    kumamoto, kumamoto_viewer, client_for
):
    client = client_for(kumamoto_viewer)
    url = reverse("prefecture:dispatch_import")
    bad = csv_text(
        [
            ["2017-06-01", "431002", "広域支援センター", "介護予防事業", "理学療法士", "1"],
            ["2099-01-01", "442143", "広域支援センター", "研修", "理学療法士", "0"],
        ]
    ).encode("cp932")
    page = client.post(url, {"file": SimpleUploadedFile("bad.csv", bad)})
    html = page.content.decode()
    assert page.status_code == 400 and "5 件の誤りがあります。何も取り込んでいません。" in html
    for column in ("市町村コード", "日付", "事業区分", "件数"):
        assert f"<td>{column}</td>" in html
    assert not Dispatch.objects.exists()
    good = xlsx_bytes([["H29.6.1", "431001", "広域支援センター", "その他", "理学療法士", 4]])
    done = client.post(url, {"file": SimpleUploadedFile("good.xlsx", good)})
    assert (
        done.status_code == 200
        and "専門職の派遣 4 件（1 行）を取り込みました" in done.content.decode()
    )


def test_another_prefectures_viewer_sees_nothing_of_this_one_and_others_are_refused(
    kumamoto, personas, client_for
):
    demo_log(kumamoto[0].prefecture, kumamoto, seed=3)
    one = Dispatch.objects.first()
    assert one is not None
    ken = client_for(personas["pref"])  # 山口県's viewer
    html = ken.get(URL, {"year": "2017"}).content.decode()
    assert "山口県" in html and "1233" not in html and "熊本市" not in html
    assert "萩市" in html  # their own municipality, with zeros
    assert ken.post(reverse("prefecture:dispatch_delete", args=[one.pk])).status_code == 404
    csv = ken.get(URL, {"year": "2017", "format": "csv", "table": "municipalities"})
    assert "熊本" not in csv.content.decode("utf-8-sig")
    for name in ("officer", "admin", "nurse", "outsider"):
        client = client_for(personas[name])
        for url in (URL, reverse("prefecture:dispatch_new"), reverse("prefecture:dispatch_import")):
            assert client.get(url).status_code == 403, (name, url)
        assert client.post(reverse("prefecture:dispatch_delete", args=[one.pk])).status_code == 403
    assert Dispatch.objects.filter(pk=one.pk).exists()
