"""Seminars (高知県's トップセミナー) and their attendance by municipality; the demo's helper."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chiiki.accounts.models import AuditEvent
from chiiki.prefecture.models import Seminar, SeminarAttendance, TeamVisit
from chiiki.prefecture.selectors.support import (
    attendance_matrix,
    seminar_attendance_grid,
    seminar_table,
    team_coverage,
)
from chiiki.prefecture.services import support as services
from tests.prefecture.support_world import build_kochi

# The guide's table (都道府県による市町村支援 ③高知県), as it prints it.
GUIDE = [
    ("平成26年度", "介護保険制度改革にかかるトップセミナー", "市町村長又は副市町村長"),
    (
        "平成27年度",
        "介護保険制度改正にかかるトップセミナー",
        "市町村介護保険担当課長及び社会福祉協議会事務局長等",
    ),
    (
        "平成28年度",
        "新しい総合事業及び在宅医療・介護連携にかかるトップセミナー",
        "市町村介護保険担当課長及び担当者、地域包括支援センター長等",
    ),
    ("平成29年度", "第7期介護保険事業計画の策定に向けた担当課長研修会", "市町村介護保険担当課長等"),
    (
        "平成30年度",
        "午前：保険者機能強化に向けた介護保険担当課長研修会",
        "午前：市町村介護保険担当課長",
    ),
    (
        "",
        "午後：高知版地域包括ケアシステム構築に向けたトップセミナー",
        "午後：市町村長又は副市町村長等",
    ),
]


@pytest.fixture
def kochi(db):
    return build_kochi()


def _guide_seminars(kochi) -> list[Seminar]:
    made = []
    for year, session, title, audience in services.GUIDE_SEMINARS:
        made.append(
            services.seminar_create(
                user=kochi.viewer,
                prefecture=kochi.prefecture,
                day=dt.date(year, 11, 1),
                session=session,
                title=title,
                audience=audience,
            )
        )
    return made


def test_the_seminar_table_reproduces_the_guides_kochi_rows(kochi):
    _guide_seminars(kochi)
    rows = seminar_table(prefecture=kochi.prefecture)
    shown = [(r.year_label if r.first_of_year else "", r.title, r.audience) for r in rows]
    assert shown == GUIDE
    assert [r.rows_in_year for r in rows if r.first_of_year] == [1, 1, 1, 1, 2]
    assert AuditEvent.objects.filter(model="prefecture.seminar", action="create").count() == 6


def test_a_seminar_is_edited_refused_twice_and_deleted_with_its_attendance(kochi):
    (first, *_) = _guide_seminars(kochi)
    services.seminar_update(
        user=kochi.viewer,
        seminar=first,
        day=dt.date(2014, 10, 20),
        title=first.title,
        audience="市町村長",
    )
    event = AuditEvent.objects.get(model="prefecture.seminar", action="update")
    assert event.changes == {
        "day": ["2014-11-01", "2014-10-20"],
        "audience": ["市町村長又は副市町村長", "市町村長"],
    }
    with pytest.raises(ValidationError, match="もう登録されています"):
        services.seminar_create(
            user=None,
            prefecture=kochi.prefecture,
            day=dt.date(2014, 10, 20),
            title=first.title,
            audience="x",
        )
    with pytest.raises(ValidationError):
        services.seminar_create(
            user=None, prefecture=kochi.prefecture, day=dt.date(2014, 10, 21), title="", audience=""
        )
    services.seminar_attendance_set(user=None, seminar=first, counts={"392014": "3"})
    services.seminar_delete(user=kochi.viewer, seminar=first)
    assert not SeminarAttendance.objects.exists() and Seminar.objects.count() == 5
    assert AuditEvent.objects.filter(model="prefecture.seminar", action="delete").count() == 1


def test_the_grid_saves_counts_and_a_blank_or_zero_removes_a_municipality(kochi):
    (seminar, *_) = _guide_seminars(kochi)
    done = services.seminar_attendance_set(
        user=kochi.viewer,
        seminar=seminar,
        counts={"392014": "12", "392022": "３", "392031": "", "392049": "0"},
    )
    assert done == {"created": 2, "updated": 0, "deleted": 0}
    grid = seminar_attendance_grid(seminar=seminar)
    assert [(c.municipality.name, c.attendees) for c in grid] == [
        ("高知市", 12),
        ("室戸市", 3),
        ("安芸市", 0),
        ("南国市", 0),
    ]
    done = services.seminar_attendance_set(
        user=kochi.viewer, seminar=seminar, counts={"392014": "1,000", "392022": ""}
    )
    assert done == {"created": 0, "updated": 1, "deleted": 1}
    event = AuditEvent.objects.filter(model="prefecture.seminarattendance").order_by("pk").last()
    assert event.changes == {"attendance": {"392014": [12, 1000], "392022": [3, 0]}}
    again = services.seminar_attendance_set(
        user=kochi.viewer, seminar=seminar, counts={"392014": "1000", "392022": ""}
    )
    assert again == {"created": 0, "updated": 0, "deleted": 0}
    assert AuditEvent.objects.filter(model="prefecture.seminarattendance").count() == 2


def test_bad_values_are_refused_naming_each_municipality_and_nothing_is_saved(kochi):
    (seminar, *_) = _guide_seminars(kochi)
    with pytest.raises(services.AttendanceError) as caught:
        services.seminar_attendance_set(
            user=None,
            seminar=seminar,
            counts={"392014": "5", "392022": "1001", "392031": "-2", "392049": "三", "431001": "1"},
        )
    messages = [f.message for f in caught.value.faults]
    assert messages == [
        "室戸市（392022）: 参加者数は1,000人までです（入力: 1001）",
        "安芸市（392031）: 参加者数は0から1,000までの整数です（空欄は参加なし）（入力: -2）",
        "南国市（392049）: 参加者数は0から1,000までの整数です（空欄は参加なし）（入力: 三）",
        "431001（431001）: この都道府県の市町村ではありません（入力: 1）",
    ]
    assert not SeminarAttendance.objects.exists()


def test_the_matrix_totals_both_ways_and_counts_the_municipalities_that_took_part(kochi):
    first, second, *_ = _guide_seminars(kochi)
    services.seminar_attendance_set(user=None, seminar=first, counts={"392014": "2", "392022": "1"})
    services.seminar_attendance_set(user=None, seminar=second, counts={"392014": "3"})
    matrix = attendance_matrix(prefecture=kochi.prefecture)
    assert [(m.name, cells[:2], total) for m, cells, total in matrix.rows] == [
        ("高知市", [2, 3], 5),
        ("室戸市", [1, 0], 1),
        ("安芸市", [0, 0], 0),
        ("南国市", [0, 0], 0),
    ]
    assert matrix.column_totals == [3, 3, 0, 0, 0, 0]
    assert matrix.column_municipalities == [2, 1, 0, 0, 0, 0]
    assert (matrix.total, matrix.participating, matrix.municipalities) == (6, 2, 4)
    columns, rows = matrix.table()
    assert columns[2] == "平成26年度 介護保険制度改革にかかるトップセミナー"
    assert columns[-1] == "合計" and rows[-1][-1] == 2


def test_the_demo_helper_covers_every_municipality_in_2018_and_a_second_call_adds_nothing(kochi):
    made = services.demo_support(kochi.prefecture, kochi.municipalities, seed=7)
    assert made["seminars"] == 6 and made["visits"] >= 4
    coverage = team_coverage(prefecture=kochi.prefecture)
    assert coverage.years == [2018, 2019]
    assert coverage.year(2018).complete
    assert 0 < coverage.year(2019).visited < 4  # part of the next year
    assert all(d < dt.date(2019, 10, 1) for d in TeamVisit.objects.values_list("day", flat=True))
    rows = seminar_table(prefecture=kochi.prefecture)
    assert [(r.year_label if r.first_of_year else "", r.title, r.audience) for r in rows] == GUIDE
    visits = sorted(TeamVisit.objects.values_list("municipality__code", "day", "purpose"))
    attendance = sorted(
        SeminarAttendance.objects.values_list("seminar__title", "municipality__code", "attendees")
    )
    assert services.demo_support(kochi.prefecture, kochi.municipalities, seed=7) == {
        "visits": 0,
        "seminars": 0,
    }
    assert sorted(TeamVisit.objects.values_list("municipality__code", "day", "purpose")) == visits
    TeamVisit.objects.all().delete()
    Seminar.objects.all().delete()
    services.demo_support(kochi.prefecture, kochi.municipalities, seed=7)
    assert sorted(TeamVisit.objects.values_list("municipality__code", "day", "purpose")) == visits
    assert (
        sorted(
            SeminarAttendance.objects.values_list(
                "seminar__title", "municipality__code", "attendees"
            )
        )
        == attendance
    )
