"""The team visits' and seminars' pages: for the prefecture's viewer, nothing of them for
another prefecture's, and refused to every municipal persona."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chiiki.prefecture.models import Seminar, SeminarAttendance, TeamVisit
from chiiki.prefecture.services import support as services
from tests.prefecture.support_world import FULL_YEAR, build_kochi, csv_table


@pytest.fixture
def kochi(db):
    world = build_kochi()
    services.team_visit_import(
        user=None,
        prefecture=world.prefecture,
        table=csv_table(FULL_YEAR),
        today=dt.date(2019, 6, 30),
    )
    return world


@pytest.fixture
def seminar(kochi) -> Seminar:
    made = services.seminar_create(
        user=None,
        prefecture=kochi.prefecture,
        day=dt.date(2018, 11, 1),
        session="午後",
        title="高知版地域包括ケアシステム構築に向けたトップセミナー",
        audience="市町村長又は副市町村長等",
    )
    services.seminar_attendance_set(user=None, seminar=made, counts={"392014": "2"})
    return made


def _text(response) -> str:
    return response.content.decode()


def test_the_teams_page_shows_the_coverage_readable_without_colour(
    kochi, client_for, django_assert_max_num_queries
):
    client = client_for(kochi.viewer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("prefecture:teams"))
    assert page.status_code == 200
    html = _text(page)
    assert "全4市町村を訪問（平成30年度）" in html
    assert "管内4市町村のうち1市町村を訪問（令和元年度）" in html
    assert "○ 2" in html and "○ 1" in html and 'aria-label="訪問なし"' in html
    assert "4 / 4" in html and "data-print" in html
    assert 'action="/prefecture/teams/import/"' in html


def test_a_visit_is_recorded_on_the_page_and_a_future_one_is_refused(kochi, client_for):
    client = client_for(kochi.viewer)
    m = kochi.by_name("室戸市")
    url = reverse("prefecture:team_visit_create")
    ok = client.post(url, {"day": "2019-05-01", "municipality": m.pk, "purpose": "協議体"})
    assert ok.status_code == 302
    assert TeamVisit.objects.filter(municipality=m, day=dt.date(2019, 5, 1)).exists()
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    refused = client.post(url, {"day": future, "municipality": m.pk})
    assert refused.status_code == 400 and "未来の日付です" in _text(refused)
    missing = client.post(url, {"day": "2019-05-02", "municipality": ""})
    assert missing.status_code == 400 and "訪問日と市町村を入れてください" in _text(missing)
    visit = TeamVisit.objects.get(municipality=m, day=dt.date(2019, 5, 1))
    gone = client.post(reverse("prefecture:team_visit_delete", args=[visit.pk]))
    assert gone.status_code == 302 and not TeamVisit.objects.filter(pk=visit.pk).exists()


def test_the_page_imports_a_cp932_file_and_refuses_a_bad_one_whole(kochi, client_for):
    client = client_for(kochi.viewer)
    url = reverse("prefecture:team_visit_import")
    good = "訪問日,市町村コード\n平成30年9月3日,392014\n"
    upload = SimpleUploadedFile("visits.csv", good.encode("cp932"), content_type="text/csv")
    assert client.post(url, {"file": upload}).status_code == 302
    assert TeamVisit.objects.count() == 7
    bad = "訪問日,市町村コード\n2018-09-04,392014\n2018-09-31,431001\n"
    upload = SimpleUploadedFile("visits.csv", bad.encode("cp932"), content_type="text/csv")
    refused = client.post(url, {"file": upload})
    html = _text(refused)
    assert refused.status_code == 400 and "何も保存していません" in html
    assert "3行目「訪問日」" in html and "3行目「市町村コード」" in html and "熊本県" in html
    assert TeamVisit.objects.count() == 7
    assert client.post(url, {}).status_code == 400


def test_the_coverage_and_the_visits_download_as_csv_and_xlsx(kochi, client_for):
    client = client_for(kochi.viewer)
    got = client.get(reverse("prefecture:teams_download", args=["csv"]))
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0] == ["市町村コード", "市町村名", "平成30年度の訪問回数", "令和元年度の訪問回数"]
    assert rows[4] == ["392049", "南国市", "2", "0"]
    book = client.get(reverse("prefecture:team_visits_download", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert [c.value for c in sheet[1]] == ["訪問日", "市町村コード", "市町村名", "チーム", "目的"]
    assert sheet.max_row == 7
    assert client.get("/prefecture/teams/coverage.pdf").status_code == 404


def test_the_seminar_list_is_grouped_by_year_and_a_seminar_is_created(kochi, seminar, client_for):
    client = client_for(kochi.viewer)
    html = _text(client.get(reverse("prefecture:seminars")))
    assert (
        "平成30年度" in html
        and "午後：高知版地域包括ケアシステム構築に向けたトップセミナー" in html
    )
    assert "午後：市町村長又は副市町村長等" in html
    made = client.post(
        reverse("prefecture:seminars"),
        {
            "day": "2018-11-01",
            "session": "午前",
            "title": "保険者機能強化に向けた介護保険担当課長研修会",
            "audience": "市町村介護保険担当課長",
        },
    )
    assert made.status_code == 302
    html = _text(client.get(reverse("prefecture:seminars")))
    assert 'rowspan="2">平成30年度' in html
    refused = client.post(reverse("prefecture:seminars"), {"day": "", "title": "x"})
    assert refused.status_code == 400 and "開催日を入れてください" in _text(refused)
    sheet = client.get(reverse("prefecture:seminars_download", args=["csv"]))
    assert "年度,開催日,部,セミナー名,対象者,参加市町村数,参加者数" in sheet.content.decode(
        "utf-8-sig"
    )


def test_the_attendance_grid_saves_in_one_post_and_names_each_bad_municipality(
    kochi, seminar, client_for
):
    client = client_for(kochi.viewer)
    url = reverse("prefecture:seminar", args=[seminar.pk])
    html = _text(client.get(url))
    assert all(f'name="m-{m.code}"' in html for m in kochi.municipalities)
    assert "管内4市町村のうち1市町村から2人が参加" in html
    assert '<table id="attendance">' in html  # printed: the grid's form is not
    saved = client.post(url, {"m-392014": "", "m-392022": "4", "m-392031": "1", "m-392049": "0"})
    assert saved.status_code == 302
    assert dict(SeminarAttendance.objects.values_list("municipality__code", "attendees")) == {
        "392022": 4,
        "392031": 1,
    }
    refused = client.post(url, {"m-392014": "abc", "m-392022": "5000", "m-392031": "2"})
    html = _text(refused)
    assert refused.status_code == 400
    assert "高知市（392014）: 参加者数は0から1,000までの整数です" in html
    assert "室戸市（392022）: 参加者数は1,000人までです" in html
    assert 'value="abc" aria-invalid="true"' in html
    assert SeminarAttendance.objects.get(municipality__code="392031").attendees == 1


def test_the_attendance_matrix_page_totals_and_downloads(kochi, seminar, client_for):
    client = client_for(kochi.viewer)
    html = _text(client.get(reverse("prefecture:seminar_attendance")))
    assert "管内4市町村のうち1市町村が、1回のセミナーのいずれかに参加" in html
    book = client.get(reverse("prefecture:seminar_attendance_download", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert [c.value for c in sheet[sheet.max_row]][-2:] == [1, 1]


def test_a_seminar_is_edited_and_deleted_on_its_page(kochi, seminar, client_for):
    client = client_for(kochi.viewer)
    edit = reverse("prefecture:seminar_edit", args=[seminar.pk])
    form = {"day": "2018-11-02", "session": "午後", "title": seminar.title, "audience": "市町村長"}
    assert client.post(edit, form).status_code == 302
    assert Seminar.objects.get(pk=seminar.pk).audience == "市町村長"
    assert client.post(edit, {**form, "day": "2018-02-30"}).status_code == 400
    assert client.post(reverse("prefecture:seminar_delete", args=[seminar.pk])).status_code == 302
    assert not Seminar.objects.exists()


def test_another_prefectures_viewer_sees_nothing_of_kochi_and_cannot_post(
    kochi, seminar, personas, client_for
):
    client = client_for(personas["pref"])  # 山口県's viewer
    html = _text(client.get(reverse("prefecture:teams")))
    assert "高知市" not in html and "全4市町村" not in html
    html = _text(client.get(reverse("prefecture:seminars")))
    assert "高知版地域包括ケア" not in html and "まだセミナーがありません" in html
    assert (
        "高知市"
        not in client.get(reverse("prefecture:teams_download", args=["csv"])).content.decode()
    )
    url = reverse("prefecture:seminar", args=[seminar.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"m-392014": "9"}).status_code == 404
    assert client.post(reverse("prefecture:seminar_edit", args=[seminar.pk]), {}).status_code == 404
    assert client.post(reverse("prefecture:seminar_delete", args=[seminar.pk])).status_code == 404
    visit = TeamVisit.objects.first()
    assert client.post(reverse("prefecture:team_visit_delete", args=[visit.pk])).status_code == 404
    municipality = kochi.by_name("高知市").pk
    refused = client.post(
        reverse("prefecture:team_visit_create"), {"day": "2019-01-01", "municipality": municipality}
    )
    assert refused.status_code == 404
    assert SeminarAttendance.objects.get().attendees == 2 and TeamVisit.objects.count() == 6


@pytest.mark.parametrize(
    "persona", ["admin", "officer", "nurse", "coordinator", "volunteer", "advisor", "outsider"]
)
def test_every_municipal_persona_is_refused(kochi, seminar, personas, client_for, persona):
    client = client_for(personas[persona])
    gets = [
        reverse("prefecture:teams"),
        reverse("prefecture:teams_download", args=["csv"]),
        reverse("prefecture:team_visits_download", args=["xlsx"]),
        reverse("prefecture:seminars"),
        reverse("prefecture:seminar", args=[seminar.pk]),
        reverse("prefecture:seminar_attendance"),
        reverse("prefecture:seminars_download", args=["csv"]),
        reverse("prefecture:seminar_attendance_download", args=["csv"]),
    ]
    assert [client.get(url).status_code for url in gets] == [403] * len(gets)
    posts = [
        reverse("prefecture:team_visit_create"),
        reverse("prefecture:team_visit_import"),
        reverse("prefecture:team_visit_delete", args=[TeamVisit.objects.first().pk]),
        reverse("prefecture:seminars"),
        reverse("prefecture:seminar", args=[seminar.pk]),
        reverse("prefecture:seminar_edit", args=[seminar.pk]),
        reverse("prefecture:seminar_delete", args=[seminar.pk]),
    ]
    assert [client.post(url, {}).status_code for url in posts] == [403] * len(posts)
    assert Seminar.objects.count() == 1 and TeamVisit.objects.count() == 6
