"""``chiiki casemeetings import``: past case reviews from CSV and XLSX, one row per review.
All or nothing, every bad cell named by row and column, the same file twice unchanged."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from chiiki.casemeetings import importers
from chiiki.casemeetings.management.commands.casemeetings import Command
from chiiki.casemeetings.models import (
    Case,
    CaseMeeting,
    Focus,
    Kind,
    Outcome,
    Review,
    ReviewTag,
    Series,
    Stage,
)
from chiiki.core.tabular import read_table
from tests.casemeetings.world import DAY, build_cases

HEADER = [
    "会議日",
    "会議種別",
    "事例番号",
    "段階",
    "地区",
    "年齢",
    "性別",
    "要介護度",
    "課題",
    "目標",
    "結果",
]
SERIES = "自立支援型地域ケア会議"
ROWS = [
    [
        "令和元年5月14日",
        SERIES,
        "K-001",
        "初回",
        "須佐",
        "82",
        "女",
        "要支援1",
        "移動・外出、買い物",
        "サロンに通う",
        "",
    ],
    [
        "R1.8.13",
        SERIES,
        "K-001",
        "中間",
        "須佐",
        "82",
        "女",
        "要支援1",
        "移動・外出",
        "サロンに通う",
        "継続中",
    ],
    [
        "2019-11-12",
        SERIES,
        "K-001",
        "終了前",
        "須佐",
        "83",
        "女",
        "要支援1",
        "",
        "サロンに通う",
        "達成",
    ],
    [
        "R1.5.14",
        SERIES,
        "K-002",
        "初回",
        "旭",
        "76",
        "男",
        "事業対象者",
        "exercise_falls；栄養",
        "畑仕事を続ける",
        "",
    ],
    [
        "2019-06-11",
        "認知症地域ケア会議",
        "K-003",
        "初回",
        "福栄",
        "88",
        "女",
        "要介護1",
        "認知症;見守り・安否",
        "",
        "",
    ],
]


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def write(tmp_path, rows, name="reviews.csv", **kw):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows, **kw))
    return path


def run(path, *args) -> dict:
    out = io.StringIO()
    call_command(
        "casemeetings",
        "import",
        str(path),
        "--format",
        "json",
        "--municipality",
        "352047",
        *args,
        stdout=out,
    )
    return json.loads(out.getvalue())


def failing(path, *args) -> tuple[dict, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command(
            "casemeetings",
            "import",
            str(path),
            "--format",
            "json",
            "--municipality",
            "352047",
            *args,
            stdout=out,
        )
    return json.loads(out.getvalue()), str(exc.value)


def stored_state() -> list:
    """Everything an import writes, so that a second import can be compared with it."""
    return [
        list(Series.objects.order_by("pk").values()),
        list(CaseMeeting.objects.order_by("pk").values()),
        list(Case.objects.order_by("pk").values()),
        list(Review.objects.order_by("pk").values()),
        sorted(ReviewTag.objects.values_list("review_id", "tag", "district_id", "held_on")),
    ]


def test_a_file_makes_series_meetings_cases_reviews_and_seed_rows(town, tmp_path):
    result = run(write(tmp_path, ROWS))
    assert result == {
        "municipality": "352047",
        "series_created": 2,
        "meetings_created": 4,  # 5-14 (twice), 8-13 and 11-12 of one series; 6-11 of the other
        "cases_created": 3,
        "cases_updated": 0,
        "reviews_created": 5,
        "reviews_updated": 0,
        "unchanged": 0,
        "errors": [],
    }
    series = Series.objects.get(name=SERIES)
    assert (series.kind, series.focus, series.host) == (Kind.INDIVIDUAL, Focus.INDEPENDENCE, SERIES)
    assert Series.objects.get(name="認知症地域ケア会議").focus == Focus.DEMENTIA
    k1 = Case.objects.get(number="K-001")
    assert (k1.opened_on, k1.mid_due_on, k1.closing_due_on) == (
        dt.date(2019, 5, 14),
        dt.date(2019, 8, 13),
        dt.date(2019, 11, 12),
    )
    assert (k1.age, k1.sex, k1.care_level, k1.district, k1.goal) == (
        82,
        "F",
        "support_1",
        town.n1,
        "サロンに通う",
    )
    # the latest stage's 達成 closes the case on its day; the key is left for a person to write
    assert (k1.closed_on, k1.outcome, k1.outcome_key) == (dt.date(2019, 11, 12), Outcome.MET, "")
    assert (k1.next_stage, k1.next_due_on) == ("", None)
    k2 = Case.objects.get(number="K-002")
    assert (k2.mid_due_on, k2.closing_due_on) == (dt.date(2019, 8, 12), dt.date(2019, 11, 10))
    assert (k2.next_stage, k2.next_due_on, k2.closed_on) == (Stage.MID, dt.date(2019, 8, 12), None)
    assert k2.care_level == "program_eligible" and k2.sex == "M" and k2.district == town.s1
    reviews = {(r.case.number, r.stage): r for r in Review.objects.select_related("case")}
    assert all(r.imported and r.recorded_by is None for r in reviews.values())
    assert reviews[("K-001", Stage.INITIAL)].tags == ["mobility", "shopping"]
    assert reviews[("K-002", Stage.INITIAL)].tags == ["exercise_falls", "nutrition"]
    closing = reviews[("K-001", Stage.CLOSING)]
    assert closing.no_seed and closing.tag_codes == "" and closing.result == Outcome.MET
    # one meeting per series and day: K-001 and K-002 were reviewed at the same meeting
    assert reviews[("K-001", Stage.INITIAL)].meeting == reviews[("K-002", Stage.INITIAL)].meeting
    assert [reviews[("K-001", Stage.INITIAL)].order, reviews[("K-002", Stage.INITIAL)].order] == [
        1,
        2,
    ]
    seeds = sorted(
        ReviewTag.objects.values_list("case__number", "tag", "district__name", "held_on")
    )
    assert seeds == [
        ("K-001", "mobility", "須佐", dt.date(2019, 5, 14)),
        ("K-001", "mobility", "須佐", dt.date(2019, 8, 13)),
        ("K-001", "shopping", "須佐", dt.date(2019, 5, 14)),
        ("K-002", "exercise_falls", "旭", dt.date(2019, 5, 14)),
        ("K-002", "nutrition", "旭", dt.date(2019, 5, 14)),
        ("K-003", "dementia", "福栄", dt.date(2019, 6, 11)),
        ("K-003", "watching", "福栄", dt.date(2019, 6, 11)),
    ]


def test_the_same_file_twice_changes_nothing(town, tmp_path):
    path = write(tmp_path, ROWS)
    run(path)
    before = stored_state()
    again = run(path)
    assert again["unchanged"] == 5
    assert [again[k] for k in again if k.endswith(("_created", "_updated"))] == [0] * 6
    assert stored_state() == before


def test_a_corrected_row_updates_its_review_and_never_duplicates_a_case(town, tmp_path):
    run(write(tmp_path, ROWS))
    rows = [r[:] for r in ROWS]
    rows[3][8] = "買い物"  # K-002's seeds corrected
    rows[3][5] = "77"  # and its age
    result = run(write(tmp_path, rows))
    assert (result["reviews_updated"], result["unchanged"], result["cases_updated"]) == (1, 4, 1)
    assert Case.objects.filter(number="K-002").count() == 1
    k2 = Case.objects.get(number="K-002")
    assert k2.age == 77 and k2.version == 2
    assert list(ReviewTag.objects.filter(case=k2).values_list("tag", flat=True)) == ["shopping"]
    assert Review.objects.get(case=k2).version == 2


def test_a_later_ongoing_result_reopens_a_case_the_import_closed(town, tmp_path):
    run(write(tmp_path, ROWS))
    rows = [r[:] for r in ROWS]
    rows[2][10] = "継続中"
    run(write(tmp_path, rows))
    k1 = Case.objects.get(number="K-001")
    assert (k1.closed_on, k1.outcome, k1.next_stage) == (None, "", "")


def test_a_case_closed_on_its_page_keeps_that_closing(town, personas, tmp_path):
    from chiiki.casemeetings import services

    w = build_cases(town, personas)
    services.case_close(
        user=personas["nurse"],
        case=w.case,
        outcome=Outcome.PARTLY,
        key="送迎ボランティアにつないだ",
        closed_on=DAY + dt.timedelta(days=1),
        version=w.case.version,
    )
    row = [
        "2025-08-12",
        w.series.name,
        "N-2025-001",
        "中間",
        "須佐",
        "82",
        "男",
        "要支援1",
        "",
        "",
        "継続中",
    ]
    sex = "男" if w.case.sex == "M" else "女"
    row[6] = sex
    run(write(tmp_path, [row]))
    w.case.refresh_from_db()
    assert (w.case.closed_on, w.case.outcome) == (DAY + dt.timedelta(days=1), Outcome.PARTLY)


def test_a_stored_case_takes_a_later_stage_and_keeps_its_planned_closing(town, personas, tmp_path):
    w = build_cases(town, personas)
    sex = "男" if w.case.sex == "M" else "女"
    mid = "2025-08-19"
    row = [
        mid,
        w.series.name,
        "N-2025-001",
        "中間",
        "須佐",
        "82",
        sex,
        "要支援1",
        "移動・外出",
        "",
        "",
    ]
    result = run(write(tmp_path, [row]))
    assert (result["cases_created"], result["reviews_created"], result["meetings_created"]) == (
        0,
        1,
        1,
    )
    w.case.refresh_from_db()
    assert w.case.mid_due_on == dt.date(2025, 8, 19)
    assert w.case.closing_due_on == DAY + dt.timedelta(days=180)  # the date planned on its page
    assert (w.case.next_stage, w.case.next_due_on) == (Stage.CLOSING, w.case.closing_due_on)
    assert w.case.person == w.person  # the resident stays linked
    review = Review.objects.get(case=w.case, stage=Stage.MID)
    assert review.meeting.series == w.series and review.imported


def test_a_stage_before_a_stored_first_review_is_refused(town, personas, tmp_path):
    w = build_cases(town, personas)
    sex = "男" if w.case.sex == "M" else "女"
    row = [
        "2025-05-01",
        w.series.name,
        "N-2025-001",
        "中間",
        "須佐",
        "82",
        sex,
        "要支援1",
        "",
        "",
        "",
    ]
    result, _ = failing(write(tmp_path, [row]))
    assert result["errors"][0]["message"] == (
        "2行目「会議日」: 事例番号「N-2025-001」の中間の会議日（2025-05-01）が初回"
        "（2025-05-13、登録済み）より前です。初回 ≤ 中間 ≤ 終了前 の順の日付にしてください"
        "（入力: 2025-05-01）"
    )


def test_every_bad_cell_is_named_and_nothing_is_stored(town, tmp_path):
    rows = [r[:] for r in ROWS]
    rows[1][5] = "200"  # row 3
    rows[0][4] = "むつみ"  # row 2: not a district of the town
    rows[3][8] = "移動・外出、温泉"  # row 5: an unknown tag
    rows[4][0] = "令和7年2月30日"  # row 6
    rows[4][10] = "完了"
    result, message = failing(write(tmp_path, rows))
    errors = {(e["row"], e["column"]): e for e in result["errors"]}
    assert set(errors) == {(2, "地区"), (3, "年齢"), (5, "課題"), (6, "会議日"), (6, "結果")}
    assert errors[(3, "年齢")]["message"] == "3行目「年齢」: 0以上130以下の整数です（入力: 200）"
    assert errors[(2, "地区")]["message"] == (
        "2行目「地区」: 登録されていない地区です。地区は 須佐、田万川、旭、福栄 のいずれかです"
        "（入力: むつみ）"
    )
    tag = errors[(5, "課題")]
    assert (
        "「温泉」は登録されていません" in tag["message"] and "移動・外出、買い物" in tag["expected"]
    )
    assert "2月は28日まで" in errors[(6, "会議日")]["message"]
    assert "達成・一部達成・未達成・継続中" in errors[(6, "結果")]["message"]
    assert result["cases_created"] == 0 and "5 件" in message and "3行目「年齢」" in message
    assert not Case.objects.exists() and not Series.objects.exists()
    assert not CaseMeeting.objects.exists()


def test_a_case_and_stage_twice_names_both_rows(town, tmp_path):
    rows = [*ROWS, ROWS[1][:]]
    result, _ = failing(write(tmp_path, rows))
    assert [e["message"] for e in result["errors"]] == [
        "7行目「段階」: 事例番号「K-001」の中間は3行目と7行目の2回あります。"
        "1つの事例の各段階は1行です（入力: 中間）"
    ]


def test_a_new_case_needs_its_first_review_and_stages_in_order(town, tmp_path):
    rows = [
        ["2019-08-13", SERIES, "K-010", "中間", "須佐", "80", "女", "要支援2", "", "", ""],
        ["2019-08-13", SERIES, "K-011", "初回", "須佐", "80", "女", "要支援2", "", "", ""],
        ["2019-06-13", SERIES, "K-011", "中間", "須佐", "80", "女", "要支援2", "", "", ""],
        ["2019-09-13", SERIES, "K-011", "終了前", "旭", "80", "男", "要支援2", "", "", ""],
    ]
    result, _ = failing(write(tmp_path, rows))
    assert [(e["row"], e["column"]) for e in result["errors"]] == [
        (2, "段階"),
        (4, "会議日"),
        (5, "地区"),
        (5, "性別"),
    ]
    assert "K-010」の初回の行がありません" in result["errors"][0]["message"]
    assert (
        "中間の会議日（2019-06-13）が初回（2019-08-13、3行目）より前です"
        in (result["errors"][1]["message"])
    )
    assert "3行目（須佐）と違います" in result["errors"][2]["message"]


def test_the_columns_are_exactly_the_elevan_named(town, tmp_path):
    header = [*HEADER[:-1], "氏名"]  # 結果 missing, a name column added
    result, _ = failing(write(tmp_path, [[*r[:-1], "萩 花子"] for r in ROWS], header=header))
    assert {(e["row"], e["column"]) for e in result["errors"]} == {(1, "結果"), (1, "氏名")}
    assert not Case.objects.exists()


def test_shift_jis_csv_and_xlsx_read_alike(town, tmp_path):
    run(write(tmp_path, ROWS, name="a.csv", encoding="cp932"))
    before = stored_state()
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for r in ROWS:
        cells: list = list(r)
        cells[5] = int(r[5])  # a number cell
        if r[0] == "2019-11-12":
            cells[0] = dt.date(2019, 11, 12)  # a date cell
        sheet.append(cells)
    path = tmp_path / "a.xlsx"
    book.save(path)
    assert run(path)["unchanged"] == 5
    assert stored_state() == before


def test_the_import_platform_limits_apply(town, tmp_path, settings):
    settings.CHIIKI_UPLOAD_MAX_ROWS = 3
    result, message = failing(write(tmp_path, ROWS))
    assert result["errors"][0]["column"] == "ファイル" and "行数が上限を超えています" in message
    assert not Case.objects.exists()


def test_queries_do_not_grow_with_the_rows(town):
    def table(prefix: str, n: int):
        rows = []
        for i in range(n):
            number = f"{prefix}-{i:04d}"
            rows.append(
                [
                    "R1.5.14",
                    SERIES,
                    number,
                    "初回",
                    "須佐",
                    "80",
                    "女",
                    "要支援1",
                    "移動・外出",
                    "",
                    "",
                ]
            )
            rows.append(
                ["R1.8.13", SERIES, number, "中間", "須佐", "80", "女", "要支援1", "買い物", "", ""]
            )
        return read_table(csv_bytes(rows), "q.csv")

    counts = []
    for prefix, n in (("A", 20), ("B", 600)):
        with CaptureQueriesContext(connection) as queries:
            result = importers.reviews_import(
                municipality=town.municipality, table=table(prefix, n)
            )
        assert result.ok and result.reviews_created == 2 * n
        counts.append(len(queries))
    # batches (SQLite's of some fifty rows), not a query per row or per case
    assert counts[1] - counts[0] < (600 - 20) * 2 / 20, counts


def test_the_command_exits_non_zero_with_the_messages_on_stderr(
    town, tmp_path, capsys, command_keeps_connection
):
    rows = [r[:] for r in ROWS]
    rows[1][5] = "200"
    with pytest.raises(SystemExit) as caught:
        Command().run_from_argv(["chiiki", "casemeetings", "import", str(write(tmp_path, rows))])
    assert caught.value.code != 0
    captured = capsys.readouterr()
    assert "3行目「年齢」: 0以上130以下の整数です（入力: 200）" in captured.err
    assert captured.out == "" and not Case.objects.exists()


def test_the_text_output_says_what_was_done(town, tmp_path):
    out = io.StringIO()
    call_command("casemeetings", "import", str(write(tmp_path, ROWS)), stdout=out)
    assert out.getvalue().startswith("山口県萩市（352047）: 事例の検討 5行を読み込みました")
    assert "事例 追加 3" in out.getvalue()


def test_without_a_code_and_with_two_municipalities_the_command_asks_for_one(
    town, other_town, tmp_path
):
    with pytest.raises(CommandError) as exc:
        call_command("casemeetings", "import", str(write(tmp_path, ROWS)))
    assert "--municipality" in str(exc.value)
