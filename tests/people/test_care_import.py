"""Care certifications (要介護認定) from the insurer's file: synthetic, fictional people only.

The residents come from the register extract of 佐々町 (423912) in test_register_import;
their insured numbers are made up.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from chiiki.accounts.access import PermissionDenied
from chiiki.accounts.models import AuditEvent
from chiiki.areas.models import District, Municipality
from chiiki.core import wareki
from chiiki.core.bounds import CARE_PERIOD
from chiiki.core.tabular import read_table
from chiiki.imports.models import ImportJob, ImportStatus
from chiiki.people import care, care_file
from chiiki.people.models import CareCertification, CareLevel, Person
from tests.conftest import make_person
from tests.people.test_register_import import AREAS, ROWS, csv_bytes

HEADER = ["被保険者番号", "宛名番号", "要介護度", "認定有効期間"]
FILE = [
    ["0000000011", "1001", "要支援１", "R6.4.1～R7.3.31"],
    ["0000000012", "1002", "要介護3", "2024-04-01~2025-03-31"],
    ["0000000013", "1003", "事業対象者", "令和6年4月1日〜令和8年3月31日"],
    ["0000000014", "1004", "非該当", "自R6.10.1至R7.9.30"],
]
TODAY = dt.date(2024, 10, 1)


@pytest.fixture
def saza(db, tmp_path) -> Municipality:
    """佐々町 with its area tree and the four residents 1001-1004 of the register extract."""
    tree = tmp_path / "地区.csv"
    lines = ["市町村コード,市町村名,圏域,地区,町丁目", *(",".join(r) for r in AREAS)]
    tree.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("areas", "import", str(tree), stdout=io.StringIO())
    register = tmp_path / "住民.csv"
    register.write_bytes(csv_bytes(ROWS))
    call_command(
        "people", "import", str(register), "--municipality", "423912", stdout=io.StringIO()
    )
    return Municipality.objects.get(code="423912")


def table(rows, header=HEADER):
    return read_table(csv_bytes(rows, header), "認定.csv")


def load(m, rows=FILE, header=HEADER, today=TODAY) -> dict:
    return care.care_import(
        municipality=m, table=table(rows, header), source="認定.csv", today=today
    ).as_json()


def refused(m, rows, header=HEADER) -> str:
    with pytest.raises(care_file.CareFileError) as caught:
        load(m, rows, header)
    return str(caught.value)


def person(number: str) -> Person:
    return Person.objects.get(register_number=number)


def periods(number: str) -> list[tuple[str, dt.date, dt.date, str]]:
    return list(
        CareCertification.objects.filter(person__register_number=number)
        .order_by("valid_from")
        .values_list("care_level", "valid_from", "valid_to", "insured_number")
    )


def command(path, *extra) -> str:
    out = io.StringIO()
    call_command("people", "import-care", str(path), "--municipality", "423912", *extra, stdout=out)
    return out.getvalue()


# --- the engine -----------------------------------------------------------------------------


def test_every_level_the_file_may_give_is_a_stored_level():
    assert set(care_file.LEVELS.values()) == set(CareLevel.values)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("要支援１", "support_1"),
        ("要支援 2", "support_2"),
        ("要介護３", "care_3"),
        ("要介護五", "care_5"),
        ("事業対象者", "program_eligible"),
        ("非該当", "none"),
        ("自立", "none"),
        ("要介護6", None),
        ("経過的要介護", None),
        ("", None),
    ],
)
def test_care_levels_are_read_in_any_width(text, level):
    assert care_file.parse_level(text) == level


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("R6.4.1～R7.3.31", (dt.date(2024, 4, 1), dt.date(2025, 3, 31))),
        ("2024-04-01~2025-03-31", (dt.date(2024, 4, 1), dt.date(2025, 3, 31))),
        ("H31.4.1 〜 R2.3.31", (dt.date(2019, 4, 1), dt.date(2020, 3, 31))),
        ("令和元年5月1日から令和3年4月30日", (dt.date(2019, 5, 1), dt.date(2021, 4, 30))),
        ("自 20240401 至 20250331", (dt.date(2024, 4, 1), dt.date(2025, 3, 31))),
        ("２０２４／４／１～２０２４／４／１", (dt.date(2024, 4, 1), dt.date(2024, 4, 1))),
    ],
)
def test_periods_are_read_in_iso_and_wareki(text, period):
    assert care_file.parse_period(text) == period


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("昭和64年2月1日～R7.3.31", "昭和64年2月1日は存在しません（昭和は1989年1月7日まで）"),
        ("R6.2.30～R7.3.31", "令和6年2月30日は存在しません（2024年2月は29日まで）"),
        ("平成31年5月1日～R3.4.30", "平成31年5月1日は存在しません"),
        ("R7.4.1～R6.3.31", "終了日（2024-03-31）が開始日（2025-04-01）より前です"),
        ("1999-04-01~2001-03-31", "介護保険は2000年4月1日から"),
        ("R6.4.1", "「開始日～終了日」の形"),
        ("2024-04-01-2025-03-31", "「開始日～終了日」の形"),
        ("R6.4.1～", "「開始日～終了日」の形"),
    ],
)
def test_periods_that_do_not_exist_are_refused(text, why):
    with pytest.raises(care_file.PeriodError, match=why.replace("(", r"\(")):
        care_file.parse_period(text)


def _day(low: dt.date = CARE_PERIOD.low) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=low, max_value=CARE_PERIOD.high)


@given(
    start=_day(),
    days=st.integers(min_value=0, max_value=3000),
    style=st.sampled_from(["iso", "long", "short", "digits"]),
    separator=st.sampled_from(["~", "～", "〜", " から ", "至"]),
)
def test_any_period_written_in_any_style_reads_back(start, days, style, separator):
    end = min(start + dt.timedelta(days=days), CARE_PERIOD.high)

    def write(day: dt.date) -> str:
        if style == "iso":
            return day.isoformat()
        if style == "digits":
            return day.strftime("%Y%m%d")
        return wareki.to_wareki(day, style=style)

    assert care_file.parse_period(f"{write(start)}{separator}{write(end)}") == (start, end)


@given(
    st.lists(
        st.tuples(_day(), st.integers(0, 1500), st.sampled_from(sorted(care_file.LEVELS))),
        max_size=6,
    ),
    _day(),
)
def test_the_current_level_covers_today_when_a_period_does(entries, today):
    spans = [(s, s + dt.timedelta(days=n), care_file.LEVELS[w]) for s, n, w in entries]
    level = care_file.current_level(spans, today)
    covering = [p for p in spans if p[0] <= today <= p[1]]
    if not spans:
        assert level is None
    elif covering:
        assert level == max(covering)[2]  # the one that starts last
    else:
        assert level == max(spans)[2]


# --- the import -------------------------------------------------------------------------------


def test_a_file_sets_each_persons_level_and_number_and_starts_their_history(saza):
    assert load(saza) == {
        "periods_added": 4,
        "periods_updated": 0,
        "unchanged": 0,
        "people_updated": 4,
    }
    assert [(p.care_level, p.insured_number) for p in map(person, ["1001", "1002", "1003"])] == [
        ("support_1", "0000000011"),
        ("care_3", "0000000012"),
        ("program_eligible", "0000000013"),
    ]
    assert person("1004").care_level == "none" and person("1004").insured_number == "0000000014"
    assert periods("1003") == [
        ("program_eligible", dt.date(2024, 4, 1), dt.date(2026, 3, 31), "0000000013")
    ]
    stored = CareCertification.objects.get(person__register_number="1001")
    assert stored.source == "認定.csv" and stored.imported_at.tzinfo is not None


def test_two_period_columns_and_the_aliases_of_other_vendors(saza):
    header = [
        "被保険者証番号",
        "宛名コード",
        "要介護状態区分",
        "認定有効期間（開始）",
        "有効期間終了日",
    ]
    rows = [
        ["００００００００２１", "１００１", "要介護 ２", "20240401", "2026-03-31 00:00:00"],
        ["0000000022", "1002", "要支援2", "H30.4.1", "R2.3.31"],
    ]
    load(saza, rows, header)
    assert periods("1001") == [("care_2", dt.date(2024, 4, 1), dt.date(2026, 3, 31), "0000000021")]
    # no period covers today: the latest one gives the level
    assert person("1002").care_level == "support_2"


def test_the_same_file_twice_changes_nothing(saza):
    load(saza)
    people = list(Person.objects.order_by("pk").values())
    history = list(CareCertification.objects.order_by("pk").values())
    events = AuditEvent.objects.count()
    assert load(saza) == {
        "periods_added": 0,
        "periods_updated": 0,
        "unchanged": 4,
        "people_updated": 0,
    }
    assert list(Person.objects.order_by("pk").values()) == people
    assert list(CareCertification.objects.order_by("pk").values()) == history
    assert AuditEvent.objects.count() == events


def test_a_new_period_grows_the_history_and_becomes_the_current_level(saza):
    first = [["0000000011", "1001", "要支援1", "R5.4.1～R6.3.31"]]
    load(saza, first)
    assert person("1001").care_level == "support_1"  # expired, and the latest
    renewal = [["0000000011", "1001", "要介護1", "R6.4.1～R8.3.31"]]
    assert load(saza, renewal)["periods_added"] == 1
    assert [p[0] for p in periods("1001")] == ["support_1", "care_1"]
    assert person("1001").care_level == "care_1"
    # a 区分変更 overlaps the period it replaces: the one that starts later wins
    change = [["0000000011", "1001", "要介護3", "R6.9.1～R8.8.31"]]
    load(saza, change)
    assert len(periods("1001")) == 3 and person("1001").care_level == "care_3"
    # the older file again corrects nothing and adds nothing; the level stays
    assert load(saza, renewal)["unchanged"] == 1
    assert person("1001").care_level == "care_3"


def test_a_period_with_a_known_start_is_corrected_not_duplicated(saza):
    load(saza)
    rows = [r[:] for r in FILE]
    rows[1][2] = "要介護4"
    assert load(saza, rows) == {
        "periods_added": 0,
        "periods_updated": 1,
        "unchanged": 3,
        "people_updated": 1,
    }
    assert periods("1002") == [("care_4", dt.date(2024, 4, 1), dt.date(2025, 3, 31), "0000000012")]


def test_one_audit_event_names_the_people_it_changed(saza):
    events = AuditEvent.objects.filter(model="areas.municipality", municipality_id=saza.pk)
    before = events.count()
    load(saza)
    event = events.latest("pk")
    assert events.count() == before + 1 and event.action == "create"
    assert event.changes["care_import"] == {
        "rows": 4,
        "periods_added": 4,
        "periods_updated": 0,
        "unchanged": 0,
        "people_updated": 4,
        "file": "認定.csv",
    }
    assert {s.person_id for s in event.subjects.all()} == {
        person(n).pk for n in ("1001", "1002", "1003", "1004")
    }
    assert not AuditEvent.objects.filter(model="people.carecertification").exists()


def test_a_person_marked_moved_out_is_still_matched(saza, tmp_path):
    register = tmp_path / "住民2.csv"
    register.write_bytes(csv_bytes(ROWS[:3]))
    call_command(
        "people", "import", str(register), "--municipality", "423912", stdout=io.StringIO()
    )
    assert person("1004").moved_out_on is not None
    assert load(saza, FILE[3:])["periods_added"] == 1


def test_two_people_may_swap_their_insured_numbers(saza):
    load(saza, FILE[:2])
    swapped = [["0000000012", "1001", "要支援1", "R6.4.1～R7.3.31"], FILE[1][:]]
    swapped[1][0] = "0000000011"
    assert load(saza, swapped)["people_updated"] == 2
    assert (person("1001").insured_number, person("1002").insured_number) == (
        "0000000012",
        "0000000011",
    )


# --- bad input: row and column named, nothing stored -----------------------------------------


def _nothing_stored() -> None:
    assert not CareCertification.objects.exists()
    assert set(Person.objects.values_list("care_level", flat=True)) == {"none"}
    assert not Person.objects.filter(insured_number__isnull=False).exists()


@pytest.mark.parametrize(
    ("row", "column", "value", "why"),
    [
        (3, "要介護度", "要介護6", "「要支援1」「要支援2」「要介護1」〜「要介護5」"),
        (2, "要介護度", "", "「事業対象者」「非該当」のいずれかです"),
        (
            4,
            "認定有効期間",
            "昭和64年2月1日～R7.3.31",
            "昭和64年2月1日は存在しません（昭和は1989年1月7日まで）",
        ),
        (5, "認定有効期間", "R7.4.1～R6.3.31", "より前です"),
        (2, "認定有効期間", "", "「開始日～終了日」の形"),
        (3, "被保険者番号", "123456789", "被保険者番号は10桁の数字です"),
        (3, "被保険者番号", "12345678901", "被保険者番号は10桁の数字です"),
        (4, "宛名番号", "9999", "この市町村の住民記録にいません"),
        (4, "宛名番号", "", "宛名番号（半角の英数字20文字まで）が必要です"),
    ],
)
def test_a_bad_cell_is_refused_with_its_row_and_column(saza, row, column, value, why):
    rows = [r[:] for r in FILE]
    rows[row - 2][HEADER.index(column)] = value
    message = refused(saza, rows)
    shown = f"「{value}」" if value else "（空欄）"
    assert f"{row}行目「{column}」列: {shown} — " in message and why in message
    _nothing_stored()


def test_a_bad_date_in_the_two_column_form_names_its_column(saza):
    header = ["被保険者番号", "宛名番号", "要介護度", "認定有効期間開始", "認定有効期間終了"]
    rows = [["0000000011", "1001", "要支援1", "S64.2.1", "R7.3.31"]]
    assert "2行目「認定有効期間開始」列: 「S64.2.1」 — 認定有効期間の開始日: " in refused(
        saza, rows, header
    )
    rows = [["0000000011", "1001", "要支援1", "R6.4.1", "R6.3.31"]]
    assert "2行目「認定有効期間終了」列: 「R6.3.31」" in refused(saza, rows, header)
    _nothing_stored()


def test_two_rows_for_one_person_are_refused_naming_both(saza):
    rows = [*FILE, ["0000000011", "1001", "要介護1", "R7.4.1～R8.3.31"]]
    message = refused(saza, rows)
    assert "6行目「宛名番号」列: 「1001」 — 宛名番号 1001 は2行目と6行目の2回あります" in message
    assert "被保険者番号" not in message  # the row is refused once, by its 宛名番号
    _nothing_stored()


def test_one_insured_number_for_two_people_in_a_file_is_refused(saza):
    rows = [r[:] for r in FILE]
    rows[2][0] = "0000000011"
    assert "4行目「被保険者番号」列: 「0000000011」 — 被保険者番号 0000000011 は2行目と4行目" in (
        refused(saza, rows)
    )
    _nothing_stored()


def test_an_insured_number_another_person_holds_is_refused_naming_no_one(saza):
    load(saza, FILE[1:2])  # 1002 holds 0000000012
    rows = [["0000000012", "1001", "要支援1", "R6.4.1～R7.3.31"]]
    message = refused(saza, rows)
    assert "2行目「被保険者番号」列: 「0000000012」 — この被保険者番号は市町村内の別の人" in message
    assert "1002" not in message and person("1001").insured_number is None


def test_another_municipalitys_register_number_is_refused(saza, other_town):
    make_person(District.objects.get(municipality=other_town), register_number="5001")
    rows = [["0000000099", "5001", "要介護1", "R6.4.1～R7.3.31"]]
    assert "2行目「宛名番号」列: 「5001」 — この宛名番号の人はこの市町村の住民記録にいません" in (
        refused(saza, rows)
    )
    assert not CareCertification.objects.exists()


def test_every_fault_is_listed_at_once(saza):
    rows = [r[:] for r in FILE]
    rows[0][2], rows[1][3], rows[3][0] = "要介護9", "R6.2.30～R7.3.31", "abc"
    with pytest.raises(care_file.CareFileError) as caught:
        load(saza, rows)
    assert [(e.row, e.column) for e in caught.value.errors] == [
        (2, "要介護度"),
        (3, "認定有効期間"),
        (5, "被保険者番号"),
    ]
    _nothing_stored()


def test_a_missing_column_and_the_individual_number_are_refused(saza):
    message = refused(saza, [["1001", "要介護1", "x"]], ["宛名番号", "要介護度", "個人番号"])
    assert "見出し「被保険者番号」の列が必要です" in message
    assert "見出し「認定有効期間」の列が必要です" in message and "2列" in message
    assert "「個人番号」の列があるファイルは取り込めません" in message
    half = ["被保険者番号", "宛名番号", "要介護度", "認定有効期間開始"]
    assert "見出し「認定有効期間終了」の列が必要です" in refused(saza, [FILE[0]], half)


# --- the command and the page -----------------------------------------------------------------


def _around_today() -> list[list[str]]:
    today = timezone.localdate()
    span = f"{today - dt.timedelta(days=100)}~{today + dt.timedelta(days=265)}"
    return [[r[0], r[1], r[2], span] for r in FILE]


def test_the_command_prints_the_counts_as_json(saza, tmp_path):
    path = tmp_path / "認定.csv"
    path.write_bytes(csv_bytes(_around_today(), HEADER, "cp932"))
    assert command(path, "--format", "json") == (
        '{"periods_added": 4, "periods_updated": 0, "unchanged": 0, "people_updated": 4}\n'
    )
    assert json.loads(command(path, "--format", "json"))["unchanged"] == 4
    assert "要介護認定 4行を読み込みました（認定期間の追加 0、訂正 0、変更なし 4" in command(path)
    assert person("1002").care_level == "care_3"


def test_the_command_refuses_a_bad_file_with_nothing_stored(saza, tmp_path):
    path = tmp_path / "認定.csv"
    rows = _around_today()
    rows[0][2] = "要介護6"
    path.write_bytes(csv_bytes(rows, HEADER))
    with pytest.raises(CommandError, match="何も保存していません") as caught:
        command(path)
    assert "2行目「要介護度」列: 「要介護6」" in str(caught.value)
    with pytest.raises(CommandError, match="--on は import"):
        command(path, "--on", "2024-04-01")
    _nothing_stored()


def _upload(client, rows):
    file = SimpleUploadedFile("認定.csv", csv_bytes(rows, HEADER))
    return client.post(reverse("people:care_import"), {"file": file}, follow=True)


def test_an_officer_imports_on_the_page_and_the_history_shows_to_health_roles(
    client_for, personas, town
):
    north = make_person(town.n1, register_number="A1")
    south = make_person(town.s1, register_number="A2")
    rows = [["0000000031", "A1", "要介護2", "2020-04-01~2021-03-31"]]
    rows.append(["0000000032", "A2", "要支援1", "2020-04-01~2021-03-31"])
    officer = client_for(personas["officer"])
    assert reverse("people:care_import") in officer.get(reverse("people:list")).content.decode()
    page = _upload(officer, rows).content.decode()
    assert "要介護認定 2行を読み込みました（認定期間の追加 2" in page
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.DONE and job.result["periods_added"] == 2
    assert "要介護認定の取り込みに戻る" in page
    detail = officer.get(reverse("people:detail", args=[north.pk])).content.decode()
    assert "要介護認定の履歴" in detail and "令和2年4月1日〜令和3年3月31日" in detail
    coordinator = client_for(personas["coordinator"])
    assert (
        reverse("people:care_import")
        not in coordinator.get(reverse("people:list")).content.decode()
    )
    seen = coordinator.get(reverse("people:detail", args=[south.pk])).content.decode()
    assert south.name in seen and "要介護認定の履歴" not in seen and "0000000032" not in seen


def test_the_page_shows_the_bad_rows_and_stores_nothing(client_for, personas, town):
    make_person(town.n1, register_number="A1")
    page = _upload(client_for(personas["admin"]), [["0000000031", "A1", "要介護", "x"]])
    html = page.content.decode()
    assert "2行目「要介護度」列: 「要介護」" in html and "2行目「認定有効期間」列: 「x」" in html
    assert ImportJob.objects.get().status == ImportStatus.FAILED
    assert not CareCertification.objects.exists()


def test_the_service_refuses_a_nurse_and_another_municipalitys_administrator(
    personas, town, other_town
):
    with pytest.raises(PermissionDenied):
        care.care_import(municipality=town.municipality, table=table(FILE), user=personas["nurse"])
    with pytest.raises(PermissionDenied):
        care.care_import(municipality=other_town, table=table(FILE), user=personas["admin"])


def test_the_daily_job_moves_the_level_when_a_period_begins(saza):
    from chiiki.scheduler.models import RunStatus
    from chiiki.scheduler.services import job_run
    from chiiki.scheduler.slots import JST

    # The current period, and a renewal that starts in a year's time.
    now_period = [["0000000011", "1001", "要支援1", "2025-04-01~2027-03-31"]]
    later = [["0000000011", "1001", "要介護2", "2027-04-01~2029-03-31"]]
    load(saza, now_period, today=dt.date(2026, 6, 1))
    load(saza, later, today=dt.date(2026, 6, 1))
    assert person("1001").care_level == "support_1"
    before = dt.datetime(2027, 3, 31, 2, 30, tzinfo=JST)
    assert care.care_levels_refresh(municipality=saza, today=before.date()) == {
        "people": 1,
        "changed": 0,
    }
    [run] = job_run(name="people.care_levels", as_of=before + dt.timedelta(days=1))
    assert run.status == RunStatus.OK and run.result == {"people": 1, "changed": 1}
    assert person("1001").care_level == "care_2"
    event = AuditEvent.objects.filter(changes__has_key="care_levels_refresh").get()
    assert event.changes["care_levels_refresh"]["people"] == 1
    [again] = job_run(name="people.care_levels", as_of=before + dt.timedelta(days=1))
    assert again.result == {"people": 1, "changed": 0}
