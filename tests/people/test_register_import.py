"""Residents from the register extract (住民記録): synthetic, fictional people only.

The municipality is 佐々町 (423912) with a made-up area tree; the names are hand-written
or Faker ja_JP with a fixed seed.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiiki.accounts.models import AuditEvent
from chiiki.areas.models import District, Municipality
from chiiki.core.tabular import read_table
from chiiki.people import register
from chiiki.people.models import NamePrefix, Person
from chiiki.web.management.commands.people import Command as PeopleCommand
from tests.conftest import make_person

AREAS = [
    ["423912", "佐々町", "北部圏域", "小浦地区", "小浦免"],
    ["423912", "佐々町", "北部圏域", "小浦地区", "松瀬免"],
    ["423912", "佐々町", "北部圏域", "口石地区", "口石免"],
    ["423912", "佐々町", "南部圏域", "市瀬地区", "市瀬免"],
    ["423912", "佐々町", "南部圏域", "市瀬地区", "市瀬免東"],
]
HEADER = ["宛名番号", "氏名", "氏名カナ", "性別", "生年月日", "住所", "電話番号", "世帯人数"]
ROWS = [
    [
        "1001",
        "佐々 太郎",
        "ササ タロウ",
        "男",
        "昭和15年4月1日",
        "長崎県北松浦郡佐々町小浦免123",
        "0956-00-0001",
        "1",
    ],
    ["1002", "松瀬 花子", "マツセ ハナコ", "女", "S22.11.3", "佐々町松瀬免45", "", "2"],
    ["1003", "口石 次郎", "クチイシ ジロウ", "1", "1950-02-28", "口石免6-7", "", ""],
    ["1004", "市瀬 春子", "イチセ ハルコ", "2", "19430701", "佐々町市瀬免東8", "", "3"],
]


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    return text.encode(encoding)


def write(tmp_path, rows=ROWS, *, header=HEADER, encoding="utf-8-sig", name="住民.csv"):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows, header, encoding))
    return path


@pytest.fixture
def saza(db, tmp_path) -> Municipality:
    path = tmp_path / "地区.csv"
    lines = ["市町村コード,市町村名,圏域,地区,町丁目", *(",".join(r) for r in AREAS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("areas", "import", str(path), stdout=io.StringIO())
    return Municipality.objects.get(code="423912")


def run(path, *extra) -> dict:
    out = io.StringIO()
    call_command(
        "people",
        "import",
        str(path),
        "--municipality",
        "423912",
        "--format",
        "json",
        *extra,
        stdout=out,
    )
    return json.loads(out.getvalue())


def refused(path) -> str:
    with pytest.raises(CommandError) as caught:
        run(path)
    return str(caught.value)


def person(number: str) -> Person:
    return Person.objects.select_related("district").get(register_number=number)


def test_a_file_creates_the_residents_in_their_districts(saza, tmp_path):
    assert run(write(tmp_path)) == {"created": 4, "updated": 0, "unchanged": 0, "moved_out": 0}
    taro = person("1001")
    assert (taro.family_name, taro.given_name, taro.family_kana, taro.given_kana) == (
        "佐々",
        "太郎",
        "ササ",
        "タロウ",
    )
    assert taro.sex == "M" and taro.birth_date == dt.date(1940, 4, 1)
    assert taro.district.name == "小浦地区" and taro.lives_alone and taro.phone == "0956-00-0001"
    assert taro.address == "長崎県北松浦郡佐々町小浦免123"
    assert taro.created_at == taro.updated_at and taro.created_at.tzinfo is not None
    assert taro.care_level == "none" and taro.insured_number is None and taro.moved_out_on is None
    assert person("1002").birth_date == dt.date(1947, 11, 3) and not person("1002").lives_alone
    assert person("1003").district.name == "口石地区" and person("1003").sex == "M"
    # the longest address area wins: 市瀬免東 over 市瀬免 (both could start the text)
    assert person("1004").birth_date == dt.date(1943, 7, 1)
    assert person("1004").district.name == "市瀬地区"
    assert Person.objects.get(register_number="1001").search_text.startswith("佐々太郎 ささたろう")


def test_the_json_output_is_exactly_the_four_counts(saza, tmp_path):
    out = io.StringIO()
    call_command(
        "people",
        "import",
        str(write(tmp_path)),
        "--municipality",
        "423912",
        "--format",
        "json",
        stdout=out,
    )
    assert out.getvalue() == '{"created": 4, "updated": 0, "unchanged": 0, "moved_out": 0}\n'


def test_the_human_summary_is_japanese(saza, tmp_path):
    out = io.StringIO()
    call_command("people", "import", str(write(tmp_path)), "--municipality", "423912", stdout=out)
    assert "住民記録 4行を読み込みました（追加 4、更新 0、変更なし 0、転出等 0）" in out.getvalue()


def test_the_same_file_twice_changes_nothing(saza, tmp_path):
    path = write(tmp_path)
    run(path)
    before = list(Person.objects.order_by("pk").values())
    assert run(path) == {"created": 0, "updated": 0, "unchanged": 4, "moved_out": 0}
    assert list(Person.objects.order_by("pk").values()) == before


def prefix_rows() -> list[tuple]:
    return sorted(NamePrefix.objects.values_list(*PREFIX_COLUMNS))


PREFIX_COLUMNS = ("prefix", "family_kana", "given_kana", "person_id", "district_id", "tokens")


def test_an_import_writes_the_search_rows_the_trigger_would(saza, tmp_path):
    """The import writes its new people's prefix rows in one statement, not by the trigger:
    the rows must be what the trigger writes for a person made one by one."""
    one = make_person(District.objects.filter(municipality=saza).first())
    run(write(tmp_path))
    imported = prefix_rows()
    assert {r[3] for r in imported} == {one.pk, *Person.objects.values_list("pk", flat=True)}
    if connection.vendor == "sqlite":  # the trigram table holds every imported person's text
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO people_person_inner (people_person_inner, rank) "
                "VALUES ('integrity-check', 1)"
            )
            cursor.execute("SELECT count(*) FROM people_person_inner")
            assert cursor.fetchone()[0] == Person.objects.count()
    # The trigger is back: a person made after the import has rows, and an update moves them.
    two = make_person(District.objects.filter(municipality=saza).last(), family_kana="ヨコヤマ")
    assert NamePrefix.objects.filter(person=two, prefix="よこ").exists()
    Person.objects.filter(pk=two.pk).delete()
    # Made again by the trigger, person by person: the same rows.
    numbers = [r[0] for r in ROWS]
    people = list(Person.objects.filter(register_number__in=numbers).order_by("pk").values())
    Person.objects.filter(register_number__in=numbers).delete()
    assert {r[3] for r in prefix_rows()} == {one.pk}
    for values in people:
        Person.objects.create(**values)
    assert prefix_rows() == imported


def test_a_failed_import_leaves_the_trigger_in_place(saza, tmp_path):
    rows = [
        *ROWS,
        ["1009", "誤り 太郎", "アヤマリ タロウ", "男", "昭和15年4月1日", "どこか", "", ""],
    ]
    refused(write(tmp_path, rows))
    made = make_person(District.objects.filter(municipality=saza).first(), family_kana="ヨコヤマ")
    assert NamePrefix.objects.filter(person=made, prefix="よこ").exists()


def test_one_audit_event_for_the_whole_import(saza, tmp_path):
    events = AuditEvent.objects.filter(model="areas.municipality", municipality_id=saza.pk)
    before = events.count()
    run(write(tmp_path))
    new = events.order_by("-pk")[: events.count() - before]
    assert len(new) == 1
    event = new[0]
    assert event.action == "create" and event.object_id == saza.pk
    assert event.changes["register_import"] == {
        "rows": 4,
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "moved_out": 0,
    }
    assert event.subjects.count() == 4
    assert not AuditEvent.objects.filter(model="people.person").exists()
    run(write(tmp_path))  # nothing changed: nothing recorded
    assert events.count() == before + 1


def test_a_changed_row_is_updated_and_keeps_the_search_text_in_step(saza, tmp_path):
    run(write(tmp_path))
    rows = [r[:] for r in ROWS]
    rows[1][1] = "小浦 花子"
    rows[1][5] = "佐々町小浦免9"
    assert run(write(tmp_path, rows)) == {
        "created": 0,
        "updated": 1,
        "unchanged": 3,
        "moved_out": 0,
    }
    hanako = person("1002")
    assert hanako.family_name == "小浦" and hanako.district.name == "小浦地区"
    assert hanako.search_text.startswith("小浦花子")
    event = AuditEvent.objects.filter(model="areas.municipality").latest("pk")
    assert event.action == "update" and [s.person_id for s in event.subjects.all()] == [hanako.pk]


def test_an_empty_phone_or_household_keeps_what_is_stored(saza, tmp_path):
    run(write(tmp_path))
    rows = [r[:] for r in ROWS]
    rows[0][6] = rows[0][7] = ""
    assert run(write(tmp_path, rows))["unchanged"] == 4
    assert person("1001").phone == "0956-00-0001" and person("1001").lives_alone


def test_the_three_address_forms_match_the_same_area(saza, tmp_path):
    rows = [
        ["1", "甲 一", "コウ イチ", "男", "1940-01-01", "長崎県北松浦郡佐々町小浦免123"],
        ["2", "乙 二", "オツ ニ", "女", "1940-01-01", "佐々町小浦免123"],
        ["3", "丙 三", "ヘイ サン", "女", "1940-01-01", "小浦免123"],
        ["4", "丁 四", "テイ ヨン", "女", "1940-01-01", "北松浦郡佐々町小浦免１２３"],
        ["5", "戊 五", "ボ ゴ", "女", "1940-01-01", "長崎県佐々町 小浦免123"],
    ]
    run(write(tmp_path, rows, header=HEADER[:6]))
    assert {p.district.name for p in Person.objects.select_related("district")} == {"小浦地区"}


def test_full_width_digits_and_spaces(saza, tmp_path):
    rows = [
        [
            "１００５",
            "佐々　一郎",
            "ｻｻ　ｲﾁﾛｳ",
            "男",
            "昭和２０年８月１５日",
            "佐々町口石免１",
            "０９５６−００−０００２",
            "１",
        ]
    ]
    assert run(write(tmp_path, rows))["created"] == 1
    p = person("1005")
    assert (p.family_name, p.given_name, p.family_kana, p.given_kana) == (
        "佐々",
        "一郎",
        "ササ",
        "イチロウ",
    )
    assert p.birth_date == dt.date(1945, 8, 15) and p.phone == "0956-00-0002" and p.lives_alone
    assert p.address == "佐々町口石免1"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("昭和64年1月7日", dt.date(1989, 1, 7)),
        ("平成元年1月8日", dt.date(1989, 1, 8)),
        ("S15.4.1", dt.date(1940, 4, 1)),
        ("昭和15年4月1日", dt.date(1940, 4, 1)),
        ("1940/4/1", dt.date(1940, 4, 1)),
        ("19400401", dt.date(1940, 4, 1)),
        ("1940-04-01 00:00:00", dt.date(1940, 4, 1)),
    ],
)
def test_birth_dates_accepted(text, day):
    assert register.parse_birth_date(text) == day


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("昭和64年2月1日", "昭和は1989年1月7日まで"),
        ("1950-02-30", "2月は28日まで"),
        ("平成2年2月30日", "2月は28日まで"),
        ("昭和15年", "月がありません"),
        ("そのうち", "日付として読めません"),
    ],
)
def test_birth_dates_refused_with_the_row(saza, tmp_path, text, why):
    rows = [r[:] for r in ROWS]
    rows[2][4] = text
    message = refused(write(tmp_path, rows))
    assert f"4行目「生年月日」列: 「{text}」" in message and why in message
    assert not Person.objects.exists()


def test_a_future_birth_date_is_refused(saza, tmp_path):
    rows = [r[:] for r in ROWS]
    rows[0][4] = "2100-01-01"
    assert "今日" in refused(write(tmp_path, rows))


def test_an_address_that_matches_no_area_is_refused_with_its_row(saza, tmp_path):
    rows = [r[:] for r in ROWS]
    rows[3][5] = "佐々町羽須和免1"
    message = refused(write(tmp_path, rows))
    assert (
        "5行目「住所」列: 「佐々町羽須和免1」" in message
        and "町丁目・大字にも当たりません" in message
    )
    assert not Person.objects.exists()


def test_a_municipality_without_address_areas_is_refused(town, tmp_path):
    with pytest.raises(CommandError, match="chiiki areas import"):
        call_command("people", "import", str(write(tmp_path)), "--municipality", "352047")
    assert not Person.objects.filter(register_number__isnull=False).exists()


def test_a_duplicate_register_number_names_both_rows(saza, tmp_path):
    rows = [r[:] for r in ROWS]
    rows[3][0] = "1002"
    message = refused(write(tmp_path, rows))
    assert "宛名番号 1002 は3行目と5行目の2回あります" in message


@pytest.mark.parametrize(
    ("column", "value", "why"),
    [
        (1, "佐々太郎", "姓と名を空白"),
        (2, "ササタロウ", "姓と名を空白"),
        (2, "佐々 太郎", "カタカナ"),
        (3, "不明", "性別は"),
        (0, "", "宛名番号"),
        (5, "", "住所が必要です"),
        (7, "0", "世帯人数は1から99"),
        (6, "内線なし", "電話番号は"),
    ],
)
def test_bad_cells_are_named(saza, tmp_path, column, value, why):
    rows = [r[:] for r in ROWS]
    rows[0][column] = value
    message = refused(write(tmp_path, rows))
    assert f"2行目「{HEADER[column]}」列" in message and why in message


def test_every_fault_is_listed_at_once(saza, tmp_path):
    rows = [r[:] for r in ROWS]
    rows[0][3] = "?"
    rows[3][4] = "昭和64年2月1日"
    message = refused(write(tmp_path, rows))
    assert "2行目「性別」列" in message and "5行目「生年月日」列" in message


def test_many_faults_are_capped_with_the_total(saza, tmp_path):
    rows = [[str(i), "甲 一", "コウ イチ", "?", "1940-01-01", "小浦免1"] for i in range(300)]
    message = refused(write(tmp_path, rows, header=HEADER[:6]))
    assert "ほか 250 件" in message


def test_a_missing_column_and_the_individual_number_are_refused(saza, tmp_path):
    header = ["個人番号", *HEADER[1:]]
    message = refused(write(tmp_path, [["123456789012", *ROWS[0][1:]]], header=header))
    assert "「個人番号」の列がある住民記録は取り込めません" in message
    assert "見出し「宛名番号」の列が必要です" in message


def test_header_aliases_of_the_standard_layout(saza, tmp_path):
    header = [
        "住登者番号",
        "氏名（漢字）",
        "カナ氏名",
        "性別コード",
        "生年月日（和暦）",
        "住所（方書含む）",
        "電話番号",
        "世帯員数",
    ]
    assert run(write(tmp_path, header=header))["created"] == 4


def test_moved_out_and_returned(saza, tmp_path, town):
    run(write(tmp_path))
    from tests.conftest import make_person

    by_hand = make_person(town.n1)  # another municipality's person, and no register number
    assert run(write(tmp_path, ROWS[1:]), "--on", "2026-04-01") == {
        "created": 0,
        "updated": 0,
        "unchanged": 3,
        "moved_out": 1,
    }
    assert person("1001").moved_out_on == dt.date(2026, 4, 1)
    assert run(write(tmp_path, ROWS[1:]))["moved_out"] == 0  # already marked
    assert person("1001").moved_out_on == dt.date(2026, 4, 1)
    assert run(write(tmp_path)) == {"created": 0, "updated": 1, "unchanged": 3, "moved_out": 0}
    assert person("1001").moved_out_on is None
    by_hand.refresh_from_db()
    assert by_hand.moved_out_on is None


def test_people_made_by_hand_are_left_alone(saza, tmp_path):
    from chiiki.people.services import person_create

    district = saza.districts.get(name="小浦地区")
    hand = person_create(
        user=None,
        district=district,
        family_name="手入",
        given_name="力",
        family_kana="テイリ",
        given_kana="チカラ",
        sex="M",
        birth_date=dt.date(1940, 1, 1),
        address="佐々町小浦免1",
    )
    run(write(tmp_path))
    hand.refresh_from_db()
    assert hand.moved_out_on is None and hand.register_number is None


@pytest.mark.parametrize("day", ["2026/04/01", "2200-01-01"])
def test_a_bad_on_date_is_refused(saza, tmp_path, day):
    with pytest.raises(CommandError, match="--on"):
        run(write(tmp_path), "--on", day)


def test_a_shift_jis_file(saza, tmp_path):
    assert run(write(tmp_path, encoding="cp932"))["created"] == 4
    assert person("1001").family_name == "佐々"


def test_an_xlsx_file(saza, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for r in ROWS:
        sheet.append([int(r[0]), *r[1:4], dt.date(1940, 4, 1) if r[0] == "1001" else r[4], *r[5:]])
    path = tmp_path / "住民.xlsx"
    book.save(path)
    assert run(path)["created"] == 4
    assert person("1001").birth_date == dt.date(1940, 4, 1)


def test_the_command_exits_non_zero_with_the_messages_on_stderr(
    saza, tmp_path, capsys, command_keeps_connection
):
    rows = [r[:] for r in ROWS]
    rows[0][4] = "昭和64年2月1日"
    path = write(tmp_path, rows)
    with pytest.raises(SystemExit) as caught:
        PeopleCommand().run_from_argv(
            ["chiiki", "people", "import", str(path), "--municipality", "423912"]
        )
    assert caught.value.code != 0
    captured = capsys.readouterr()
    assert "2行目「生年月日」列: 「昭和64年2月1日」" in captured.err and captured.out == ""
    assert not Person.objects.exists()


# --- property: twice is unchanged --------------------------------------------------------

_fake = Faker("ja_JP")
PLACES = ["長崎県北松浦郡佐々町小浦免", "佐々町松瀬免", "口石免", "佐々町市瀬免東"]


def _rows(seed: int, n: int) -> list[list[str]]:
    _fake.seed_instance(seed)
    rows = []
    for i in range(n):
        family, family_kana, _ = _fake.last_name_pair()
        given, given_kana, _ = _fake.first_name_pair()
        birth = _fake.date_between(dt.date(1920, 1, 1), dt.date(2000, 12, 31))
        rows.append(
            [
                f"{seed % 1000:03d}{i:05d}",
                f"{family}{'　' if i % 2 else ' '}{given}",
                f"{family_kana} {given_kana}",
                "男女"[i % 2],
                birth.isoformat() if i % 3 else f"{birth.year}/{birth.month}/{birth.day}",
                f"{PLACES[i % 4]}{i + 1}",
                "",
                str(1 + i % 4),
            ]
        )
    return rows


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=2**31), n=st.integers(min_value=1, max_value=40))
def test_any_valid_rows_twice_are_created_then_unchanged(saza, tmp_path, seed, n):
    Person.objects.all().delete()
    path = write(tmp_path, _rows(seed, n))
    assert run(path) == {"created": n, "updated": 0, "unchanged": 0, "moved_out": 0}
    assert run(path) == {"created": 0, "updated": 0, "unchanged": n, "moved_out": 0}


def test_the_engine_reads_a_table_without_the_database():
    matcher = register.AddressMatcher("佐々町", "長崎県", {"小浦免": 1, "小浦免東": 2})
    table = read_table(csv_bytes([ROWS[0][:6]], HEADER[:6]), "a.csv")
    (r,) = register.parse_table(table, matcher, dt.date(2026, 1, 1))
    assert (r.register_number, r.district_id, r.phone, r.lives_alone) == ("1001", 1, None, None)
    assert matcher.district("佐々町小浦免東3") == 2 and matcher.district("佐世保市小浦免") is None


def test_the_search_follows_what_the_import_writes(saza, tmp_path):
    """The import inserts with raw SQL and updates in bulk; the search indexes follow."""
    from chiiki.accounts.models import Role
    from chiiki.accounts.services import user_create
    from chiiki.people.selectors import person_list_for_user

    officer = user_create(
        username="sasa", password="test-pass-123", role=Role.MUNICIPAL, municipality=saza
    )

    def found(query, **kw):
        return [p.register_number for p in person_list_for_user(user=officer, query=query, **kw)]

    run(write(tmp_path))
    assert found("松瀬") == found("まつせ") == found("ﾏﾂｾ ﾊﾅｺ") == ["1002"]
    rows = [r[:] for r in ROWS]
    rows[1][1], rows[1][2] = "小浦 花子", "コウラ ハナコ"
    run(write(tmp_path, rows[:3]))  # 1004 left out: moved out
    assert found("松瀬") == [] and found("こうら") == ["1002"]
    assert found("いちせ") == [] and found("いちせ", include_moved=True) == ["1004"]
