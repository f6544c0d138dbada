"""``chiiki indicators attendance import``: attendance sheets of gathering places, per person
and day or per day and count. All or nothing, every bad cell named by row and column, the
same file twice unchanged."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from chiiki.accounts.models import AuditEvent
from chiiki.indicators.models import Attendance, AttendanceCount, PlaceRegistration
from tests.indicators.participation_world import (
    COUNT_HEADER,
    COUNT_ROWS,
    PERSON_ROWS,
    build_world,
    failing,
    run,
    write,
)

pytestmark = pytest.mark.usefixtures("command_keeps_connection")


@pytest.fixture
def world(town, personas, other_town):
    return build_world(town, personas, other_town)


def stored() -> list:
    return [
        sorted(Attendance.objects.values_list("place_id", "person_id", "day")),
        sorted(
            AttendanceCount.objects.values_list(
                "place_id", "day", "participants", "participants_65"
            )
        ),
        sorted(PlaceRegistration.objects.values_list("place_id", "person_id", "registered_from")),
    ]


def test_a_sheet_with_names_stores_each_person_and_day_and_registers_them(world, tmp_path):
    result = run(write(tmp_path, PERSON_ROWS))
    assert result == {
        "municipality": "352047",
        "layout": "persons",
        "rows": 6,
        "created": 6,
        "updated": 0,
        "unchanged": 0,
        "registrations_created": 5,
        "errors": [],
    }
    a = world.people["A"]
    assert sorted(Attendance.objects.filter(person=a).values_list("day", flat=True)) == [
        dt.date(2024, 5, 10),
        dt.date(2024, 6, 14),
    ]
    # 旭 栄子 was named by her name and birth date (wareki), not by number
    assert Attendance.objects.get(person=world.people["E"]).place == world.taiso
    reg = PlaceRegistration.objects.get(person=a)
    assert (reg.place, reg.registered_from, reg.registered_to) == (
        world.salon,
        dt.date(2024, 5, 10),
        None,
    )
    event = AuditEvent.objects.filter(model="areas.municipality").latest("id")
    assert set(event.subjects.values_list("person_id", flat=True)) == {
        world.people[k].pk for k in "ABCDE"
    }


def test_the_same_sheet_twice_changes_nothing(world, tmp_path):
    path = write(tmp_path, PERSON_ROWS)
    run(path)
    before, events = stored(), AuditEvent.objects.count()
    again = run(path)
    assert (again["created"], again["unchanged"], again["registrations_created"]) == (0, 6, 0)
    assert stored() == before
    assert AuditEvent.objects.count() == events  # nothing written, nothing recorded


def test_a_headcount_sheet_stores_counts_and_a_corrected_count_updates(world, tmp_path):
    result = run(write(tmp_path, COUNT_ROWS, header=COUNT_HEADER))
    assert (result["layout"], result["created"], result["unchanged"]) == ("counts", 2, 0)
    assert run(write(tmp_path, COUNT_ROWS, header=COUNT_HEADER))["unchanged"] == 2
    corrected = [["旭体操クラブ", "2024-06-01", "13", "10"], COUNT_ROWS[1]]
    result = run(write(tmp_path, corrected, header=COUNT_HEADER))
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 1, 1)
    assert AttendanceCount.objects.get(day=dt.date(2024, 6, 1)).participants == 13
    assert AttendanceCount.objects.get(day=dt.date(2024, 7, 1)).participants_65 is None
    assert not PlaceRegistration.objects.exists()  # a headcount names nobody


def test_an_xlsx_and_a_shift_jis_csv_read_alike(world, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["通いの場", "日付", "参加者数"])
    ws.append(["旭体操クラブ", dt.date(2024, 6, 1), 12])
    path = tmp_path / "counts.xlsx"
    wb.save(path)
    assert run(path)["created"] == 1
    sjis = write(tmp_path, [["須佐サロン", "2024-05-10", "1001", "", ""]], encoding="cp932")
    assert run(sjis)["created"] == 1


def test_a_place_may_be_named_by_its_uuid(world, tmp_path):
    rows = [[str(world.salon.uuid).upper(), "2024-05-10", "1001", "", ""]]
    assert run(write(tmp_path, rows))["created"] == 1


def test_one_bad_row_stores_nothing(world, tmp_path):
    rows = [*PERSON_ROWS, ["須佐サロン", "2024-05-10", "9999", "", ""]]
    result, message = failing(write(tmp_path, rows))
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(8, "宛名番号")]
    assert "何も保存していません" in message and "8行目「宛名番号」" in message
    assert stored() == [[], [], []]


BAD_PERSON_ROWS = [
    (["どこかのサロン", "2024-05-10", "1001", "", ""], "通いの場", "通いの場はありません"),
    (
        ["旭配食", "2024-05-10", "1001", "", ""],
        "通いの場",
        "種類が「通いの場・サロン」ではありません",
    ),
    (["須佐サロン", "2024-05-10", "9999", "", ""], "宛名番号", "住民記録にない宛名番号"),
    (["須佐サロン", "2024-05-10", "9001", "", ""], "宛名番号", "住民記録にない宛名番号"),
    (["須佐サロン", "2024-05-10", "", "萩 太郎", "1944-04-04"], "氏名", "この氏名で生年月日"),
    (["須佐サロン", "2024-05-10", "1001", "別人 花子", ""], "氏名", "氏名が一致しません"),
    (["須佐サロン", "2024-05-10", "", "旭 栄子", ""], "生年月日", "生年月日を入力"),
    (["須佐サロン", "2024-07-01", "1004", "", ""], "日付", "転出等となっています"),
    (["須佐サロン", "2099-05-10", "1001", "", ""], "日付", "未来の日付"),
    (["須佐サロン", "1999-05-10", "1001", "", ""], "日付", "2000-04-01から"),
    (["須佐サロン", "平成31年5月1日", "1001", "", ""], "日付", "存在しません"),
    (["須佐サロン", "", "1001", "", ""], "日付", "日付を入力"),
    (["", "2024-05-10", "1001", "", ""], "通いの場", "名称"),
]


@pytest.mark.parametrize(("row", "column", "expected"), BAD_PERSON_ROWS)
def test_every_bad_cell_of_a_sheet_with_names_is_named(world, tmp_path, row, column, expected):
    result, _ = failing(write(tmp_path, [PERSON_ROWS[0], row]))
    (error,) = result["errors"]
    assert (error["row"], error["column"]) == (3, column)
    assert expected in error["expected"]
    assert not Attendance.objects.exists()


BAD_COUNT_ROWS = [
    (["旭体操クラブ", "2024-06-01", "-3", ""], "参加者数", "0以上1000以下"),
    (["旭体操クラブ", "2024-06-01", "5000", ""], "参加者数", "0以上1000以下"),
    (["旭体操クラブ", "2024-06-01", "十二", ""], "参加者数", "整数"),
    (["旭体操クラブ", "2024-06-01", "", ""], "参加者数", "人数を入力"),
    (["旭体操クラブ", "2024-06-01", "10", "12"], "65歳以上の参加者数", "参加者数（10人）以下"),
    (["旭体操クラブ", "2024-07-01", "9", ""], "日付", "2行目と同じ通いの場・日付"),
]


@pytest.mark.parametrize(("row", "column", "expected"), BAD_COUNT_ROWS)
def test_every_bad_cell_of_a_headcount_sheet_is_named(world, tmp_path, row, column, expected):
    rows = [["旭体操クラブ", "2024-07-01", "8", ""], row]
    result, _ = failing(write(tmp_path, rows, header=COUNT_HEADER))
    (error,) = result["errors"]
    assert (error["row"], error["column"]) == (3, column)
    assert expected in error["expected"]
    assert not AttendanceCount.objects.exists()


def test_a_duplicate_row_names_the_first_one(world, tmp_path):
    rows = [PERSON_ROWS[0], ["須佐サロン", "R6.5.10", "1001", "", ""]]
    result, _ = failing(write(tmp_path, rows))
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(3, "日付")]
    assert "2行目と同じ通いの場・人・日付" in result["errors"][0]["expected"]


def test_a_place_and_day_is_kept_either_with_names_or_as_a_count(world, tmp_path):
    run(write(tmp_path, [["旭体操クラブ", "2024-06-01", "", "旭 栄子", "1940-02-02"]]))
    result, _ = failing(write(tmp_path, COUNT_ROWS, header=COUNT_HEADER))
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(2, "参加者数")]
    assert "名前のある出席簿が取り込まれています" in result["errors"][0]["expected"]


def test_a_header_that_mixes_both_layouts_or_lacks_a_column_is_refused(world, tmp_path):
    mixed = ["通いの場", "日付", "宛名番号", "参加者数"]
    result, _ = failing(write(tmp_path, [["須佐サロン", "2024-05-10", "1001", "3"]], header=mixed))
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(1, "参加者数")]
    result, _ = failing(write(tmp_path, [["須佐サロン", "1001"]], header=["通いの場", "宛名番号"]))
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(1, "日付")]
    result, _ = failing(
        write(tmp_path, [["須佐サロン", "2024-05-10", "x"]], header=["通いの場", "日付", "氏名"])
    )
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(1, "生年月日")]


def test_two_places_of_one_name_must_be_named_by_uuid(world, tmp_path, personas):
    from chiiki.resources import services as resources

    resources.service_create(
        user=personas["officer"],
        organization=world.salon.organization,
        name="須佐サロン",
        district=world.town.n2,
        categories=["kayoi"],
    )
    result, _ = failing(write(tmp_path, [PERSON_ROWS[0]]))
    assert "ID（uuid）で指定してください" in result["errors"][0]["expected"]


def test_an_unreadable_file_is_reported_as_the_files_fault(world, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes(b"\x81\xff\xfe\x00garbage")
    result, message = failing(path)
    assert result["errors"][0]["column"] == "ファイル"
    assert "何も保存していません" in message
