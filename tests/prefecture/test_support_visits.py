"""Team visits through the services, the coverage selector and the command."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from chiiki.accounts.models import AuditEvent
from chiiki.areas.services import municipality_create
from chiiki.prefecture.models import TeamVisit
from chiiki.prefecture.selectors.support import team_coverage
from chiiki.prefecture.services.support import (
    team_visit_create,
    team_visit_delete,
    team_visit_import,
)
from tests.prefecture.support_world import (
    FULL_YEAR,
    TODAY,
    build_kochi,
    csv_table,
    xlsx_bytes,
    xlsx_table,
)


@pytest.fixture
def kochi(db):
    return build_kochi()


def _import(kochi, table, user=None):
    return team_visit_import(user=user, prefecture=kochi.prefecture, table=table, today=TODAY)


def test_the_same_file_twice_changes_nothing_and_writes_no_second_audit(kochi):
    first = _import(kochi, csv_table(FULL_YEAR), kochi.viewer)
    assert (first.ok, first.created, first.unchanged) == (True, 6, 0)
    events = AuditEvent.objects.filter(model="prefecture.teamvisit")
    assert events.count() == 6
    assert {e.channel for e in events} == {"import"}
    assert {e.username for e in events} == {"kochi-viewer"}
    again = _import(kochi, csv_table(FULL_YEAR))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert again.as_json() == {"created": 0, "updated": 0, "unchanged": 6}
    assert TeamVisit.objects.count() == 6 and events.count() == 6


def test_a_changed_purpose_is_the_only_update_an_import_makes(kochi):
    _import(kochi, csv_table(FULL_YEAR))
    edited = FULL_YEAR.replace("2018-05-10,392014,,意見交換", "2018-05-10,392014,,研修")
    result = _import(kochi, csv_table(edited))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 5)
    assert TeamVisit.objects.get(day=dt.date(2018, 5, 10)).purpose == "研修"


def test_one_bad_cell_stores_nothing_of_the_file(kochi):
    bad = FULL_YEAR + "2018-09-01,431001,,\n2018-02-29,392014,,\n"
    result = _import(kochi, csv_table(bad))
    assert not result.ok and result.error_count == 2
    assert [(e["row"], e["column"], e["value"]) for e in result.errors] == [
        (8, "市町村コード", "431001"),
        (9, "訪問日", "2018-02-29"),
    ]
    assert "熊本県" in result.errors[0]["expected"]
    assert result.as_json()["ok"] is False
    assert TeamVisit.objects.count() == 0
    assert not AuditEvent.objects.filter(model="prefecture.teamvisit").exists()


def test_a_cp932_csv_and_a_workbook_give_the_same_visits(kochi):
    assert _import(kochi, csv_table(FULL_YEAR, "cp932")).created == 6
    rows = [line.split(",") for line in FULL_YEAR.strip().splitlines()]
    same = _import(kochi, xlsx_table(rows))
    assert (same.created, same.unchanged) == (0, 6)


def test_a_municipality_registered_in_another_prefecture_is_not_one_of_kochis(kochi):
    municipality_create(
        code="431001", name="熊本市", prefecture_code="43", prefecture_name="熊本県"
    )
    result = _import(kochi, csv_table("訪問日,市町村コード\n2018-05-10,431001\n"))
    assert not result.ok and "熊本県の市町村コード" in result.errors[0]["message"]


def test_coverage_counts_visits_by_fiscal_year_and_says_when_all_were_visited(kochi):
    _import(kochi, csv_table(FULL_YEAR))
    coverage = team_coverage(prefecture=kochi.prefecture)
    assert coverage.years == [2018, 2019]
    assert [(r.name, r.visits) for r in coverage.rows] == [
        ("高知市", (1, 0)),
        ("室戸市", (1, 0)),
        ("安芸市", (1, 1)),
        ("南国市", (2, 0)),  # 2019-03-31 is still 平成30年度
    ]
    all_visited, some = coverage.totals
    assert (all_visited.visited, all_visited.municipalities, all_visited.visits) == (4, 4, 5)
    assert all_visited.line == "全4市町村を訪問（平成30年度）"
    assert (some.visited, some.complete) == (1, False)
    assert some.line == "管内4市町村のうち1市町村を訪問（令和元年度）"
    columns, rows = coverage.table()
    assert columns[2:] == ["平成30年度の訪問回数", "令和元年度の訪問回数"]
    assert rows[-2:] == [["", "訪問した市町村数", 4, 1], ["", "管内の市町村数", 4, 4]]


def test_a_year_without_visits_covers_no_municipality(kochi):
    (year,) = team_coverage(prefecture=kochi.prefecture, years=[2017]).totals
    assert (year.visited, year.municipalities, year.visits) == (0, 4, 0)
    assert year.line == "管内4市町村のうち0市町村を訪問（平成29年度）"


def test_a_visit_is_recorded_once_refused_in_the_future_and_deleted_with_its_audit(kochi):
    m = kochi.by_name("高知市")
    make = dict(user=kochi.viewer, prefecture=kochi.prefecture, municipality=m, today=TODAY)
    visit = team_visit_create(day=dt.date(2018, 5, 10), purpose="意見交換", **make)
    assert visit.team == "地域包括ケア総合支援チーム"
    with pytest.raises(ValidationError, match="もう記録されています"):
        team_visit_create(day=dt.date(2018, 5, 10), **make)
    with pytest.raises(ValidationError, match="未来の日付です"):
        team_visit_create(day=dt.date(2019, 7, 1), **make)
    other = municipality_create(
        code="431001", name="熊本市", prefecture_code="43", prefecture_name="熊本県"
    )
    with pytest.raises(ValidationError, match="熊本市は高知県の市町村ではありません"):
        team_visit_create(day=dt.date(2018, 5, 11), **{**make, "municipality": other})
    team_visit_delete(user=kochi.viewer, visit=visit)
    actions = list(
        AuditEvent.objects.filter(model="prefecture.teamvisit")
        .order_by("pk")
        .values_list("action", "municipality_id")
    )
    assert actions == [("create", m.pk), ("delete", m.pk)]
    assert TeamVisit.objects.count() == 0


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("prefecture", "teams", *args, stdout=out)
    return out.getvalue()


def test_the_command_imports_once_and_prints_the_coverage_of_a_year(
    kochi, tmp_path, command_keeps_connection
):
    path = tmp_path / "visits.xlsx"
    path.write_bytes(xlsx_bytes([line.split(",") for line in FULL_YEAR.strip().splitlines()]))
    first = json.loads(_command("import", str(path), "--prefecture", "39", "--format", "json"))
    assert (first["created"], first["unchanged"]) == (6, 0)
    again = json.loads(_command("import", str(path), "--prefecture", "39", "--format", "json"))
    assert (again["created"], again["unchanged"]) == (0, 6)
    data = json.loads(
        _command("coverage", "--prefecture", "39", "--year", "2018", "--format", "json")
    )
    assert data == {
        "year": 2018,
        "municipalities": 4,
        "visited": 4,
        "rows": [
            {"code": "392014", "name": "高知市", "visits": 1},
            {"code": "392022", "name": "室戸市", "visits": 1},
            {"code": "392031", "name": "安芸市", "visits": 1},
            {"code": "392049", "name": "南国市", "visits": 2},
        ],
    }
    latest = json.loads(_command("coverage", "--prefecture", "39", "--format", "json"))
    assert (latest["year"], latest["visited"]) == (2019, 1)
    assert "全4市町村を訪問（平成30年度）" in _command(
        "coverage", "--prefecture", "39", "--year", "2018"
    )


def test_the_command_refuses_a_bad_file_a_bad_year_and_an_unknown_prefecture(
    kochi, tmp_path, command_keeps_connection
):
    path = tmp_path / "visits.csv"
    path.write_text("訪問日,市町村コード\n2018-05-10,431001\n", encoding="cp932")
    with pytest.raises(CommandError, match="何も保存していません（1 件）:\n2行目「市町村コード」"):
        _command("import", str(path), "--prefecture", "39")
    with pytest.raises(CommandError, match="西暦4桁の年度"):
        _command("coverage", "--prefecture", "39", "--year", "H30")
    with pytest.raises(CommandError, match="登録されていません"):
        _command("coverage", "--prefecture", "43")
    with pytest.raises(CommandError, match="ファイルを読めません"):
        _command("import", str(tmp_path / "none.csv"), "--prefecture", "39")
    assert TeamVisit.objects.count() == 0
