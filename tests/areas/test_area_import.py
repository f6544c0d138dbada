"""The area tree from a file: 市町村コード, 市町村名, 圏域, 地区, 町丁目, one row per address area.

The files are synthetic: real municipality codes (佐々町 423912, 萩市 352047) with made-up
life areas, districts and address areas.
"""

from __future__ import annotations

import io
import json
import random

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from chiiki.areas import area_tree, services
from chiiki.areas.area_tree import AreaFileError
from chiiki.areas.models import AddressArea, District, LifeArea, Municipality
from chiiki.core.tabular import read_table
from chiiki.imports.models import ImportJob
from chiiki.web.management.commands.areas import Command as AreasCommand

HEADER = ["市町村コード", "市町村名", "圏域", "地区", "町丁目"]
SAZA = [
    ["423912", "佐々町", "北部圏域", "小浦地区", "小浦免"],
    ["423912", "佐々町", "北部圏域", "小浦地区", "松瀬免"],
    ["423912", "佐々町", "北部圏域", "口石地区", "口石免"],
    ["423912", "佐々町", "南部圏域", "市瀬地区", "市瀬免"],
    ["423912", "佐々町", "南部圏域", "市瀬地区", "沖田免"],
]


def csv_text(rows: list[list[str]], header: list[str] = HEADER) -> str:
    return "\n".join(",".join(r) for r in [header, *rows]) + "\n"


def write(tmp_path, rows=SAZA, *, encoding="utf-8-sig", header=HEADER, name="地区.csv"):
    path = tmp_path / name
    path.write_bytes(csv_text(rows, header).encode(encoding))
    return path


def run_json(path) -> dict:
    out = io.StringIO()
    call_command("areas", "import", str(path), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def tree_of(code: str) -> set[tuple[str, str, str]]:
    return {
        (a.district.life_area.name, a.district.name, a.name)
        for a in AddressArea.objects.filter(municipality__code=code).select_related(
            "district__life_area"
        )
    }


def nothing_stored() -> bool:
    return not Municipality.objects.exists() and not AddressArea.objects.exists()


# --- the command: known vectors -------------------------------------------------------------


def test_a_file_builds_the_prefecture_municipality_and_tree(db, tmp_path):
    got = run_json(write(tmp_path))
    assert got == {
        "municipality": "423912",
        "life_areas": 2,
        "districts": 3,
        "address_areas": 5,
        "created": 12,  # 長崎県, 佐々町, 2 life areas, 3 districts, 5 address areas
        "updated": 0,
        "unchanged": 0,
    }
    m = Municipality.objects.get(code="423912")
    assert (m.name, m.kana, m.prefecture.code, m.prefecture.name) == (
        "佐々町",
        "サザチョウ",
        "42",
        "長崎県",
    )
    assert [la.name for la in m.life_areas.all()] == ["北部圏域", "南部圏域"]
    assert [d.name for d in m.districts.all()] == ["小浦地区", "口石地区", "市瀬地区"]
    assert tree_of("423912") == {(r[2], r[3], r[4]) for r in SAZA}


def test_the_json_output_is_one_line_of_exactly_these_keys(db, tmp_path):
    out = io.StringIO()
    call_command("areas", "import", str(write(tmp_path)), "--format", "json", stdout=out)
    text = out.getvalue()
    assert text.count("\n") == 1
    assert text.startswith('{"municipality": "423912", "life_areas": 2, "districts": 3, ')
    assert list(json.loads(text)) == [
        "municipality",
        "life_areas",
        "districts",
        "address_areas",
        "created",
        "updated",
        "unchanged",
    ]


def test_the_human_summary_is_japanese(db, tmp_path):
    out = io.StringIO()
    call_command("areas", "import", str(write(tmp_path)), stdout=out)
    assert "長崎県佐々町（423912）: 圏域 2、地区 3、町丁目 5" in out.getvalue()
    assert "追加 12、更新 0、変更なし 0" in out.getvalue()


def test_the_same_file_twice_changes_nothing(db, tmp_path):
    path = write(tmp_path)
    run_json(path)
    before = list(AddressArea.objects.values_list("pk", "name", "district_id"))
    again = run_json(path)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 12)
    assert list(AddressArea.objects.values_list("pk", "name", "district_id")) == before


def test_a_second_file_moves_and_adds_and_keeps_what_it_leaves_out(db, tmp_path):
    run_json(write(tmp_path))
    rows = [r[:] for r in SAZA[:4]]
    rows[1][3] = "口石地区"  # 松瀬免 moves to 口石地区
    rows.append(["423912", "佐々町", "南部圏域", "市瀬地区", "新田免"])
    got = run_json(write(tmp_path, rows, name="2.csv"))
    assert (got["created"], got["updated"]) == (1, 1)
    assert AddressArea.objects.get(name="松瀬免").district.name == "口石地区"
    assert AddressArea.objects.filter(name="沖田免").exists()  # nothing is deleted


def test_names_are_matched_width_folded_and_stored_as_shown(db, tmp_path):
    run_json(write(tmp_path))
    rows = [*SAZA, ["423912", "佐々町", "北部圏域", "小浦地区", "椿東１丁目"]]
    rows[0] = ["４２３９１２", "佐々町", "北部圏域", "小浦地区", "小浦免"]
    got = run_json(write(tmp_path, rows, name="2.csv"))
    assert (got["created"], got["updated"]) == (1, 0)
    area = AddressArea.objects.get(name_key="椿東1丁目")
    assert area.name == "椿東１丁目"


def test_a_shift_jis_file(db, tmp_path):
    got = run_json(write(tmp_path, encoding="cp932"))
    assert got["address_areas"] == 5 and tree_of("423912") == {(r[2], r[3], r[4]) for r in SAZA}


def test_an_xlsx_file(db, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in SAZA:
        sheet.append([int(row[0]), *row[1:]])  # Excel keeps the code as a number
    path = tmp_path / "地区.xlsx"
    book.save(path)
    got = run_json(path)
    assert (got["municipality"], got["address_areas"], got["created"]) == ("423912", 5, 12)


def test_an_existing_municipality_is_updated_in_place(town, tmp_path):
    rows = [
        ["352047", "萩市", "北部", "須佐", "須佐一区"],
        ["352047", "萩市", "北部", "田万川", "江崎"],
        ["352047", "山口県萩市", "南部", "旭", "明木"],
        ["352047", "萩市", "東部", "椿東", "椿東一丁目"],
    ]
    got = run_json(write(tmp_path, rows))
    # 山口県, 北部, 南部, 須佐, 田万川, 旭 unchanged; 萩市 gains its reading from the list;
    # 東部, 椿東 and the 4 address areas are new
    assert (got["created"], got["updated"], got["unchanged"]) == (6, 1, 6)
    assert District.objects.get(name="須佐").pk == town.n1.pk
    assert LifeArea.objects.filter(municipality=town.municipality).count() == 3
    assert District.objects.filter(name="福栄").exists()


# --- bad input: refused, named, nothing written ---------------------------------------------


def refused(tmp_path, rows, header=HEADER) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("areas", "import", str(write(tmp_path, rows, header=header)))
    assert nothing_stored()
    return str(caught.value)


def test_a_wrong_check_digit_names_the_right_one(db, tmp_path):
    rows = [r[:] for r in SAZA]
    rows[2][0] = "423911"
    message = refused(tmp_path, rows)
    assert "4行目「市町村コード」列: 「423911」" in message
    assert "市町村コード 423911 の検査数字が違います（正しくは 423912）" in message


def test_a_code_missing_from_the_countrys_list(db, tmp_path):
    rows = [["423904", "佐々町", "北部", "小浦", "小浦免"]]  # a valid check digit, no such town
    assert "全国地方公共団体コードの一覧にありません" in refused(tmp_path, rows)


def test_a_five_digit_code_is_shown_with_its_check_digit(db, tmp_path):
    rows = [["42391", "佐々町", "北部", "小浦", "小浦免"]]
    assert "5桁「42391」なら 423912" in refused(tmp_path, rows)


def test_a_name_that_does_not_match_the_code(db, tmp_path):
    rows = [r[:] for r in SAZA]
    rows[1][1] = "佐世保市"
    message = refused(tmp_path, rows)
    assert "3行目「市町村名」列: 「佐世保市」 — 市町村コード 423912 は長崎県佐々町です" in message


def test_two_municipalities_in_one_file(db, tmp_path):
    rows = [*SAZA, ["352047", "萩市", "東部", "椿東", "椿東一丁目"]]
    message = refused(tmp_path, rows)
    assert "7行目「市町村コード」列: 「352047」" in message
    assert "1つのファイルには1つの市町村だけです（2行目は 423912）" in message


@pytest.mark.parametrize("column", [2, 3, 4], ids=["圏域", "地区", "町丁目"])
def test_an_empty_area_name(db, tmp_path, column):
    rows = [r[:] for r in SAZA]
    rows[3][column] = ""
    message = refused(tmp_path, rows)
    assert f"5行目「{HEADER[column]}」列: （空欄） — {HEADER[column]}の名前が必要です" in message


def test_the_same_address_area_under_two_districts(db, tmp_path):
    rows = [*SAZA, ["423912", "佐々町", "北部圏域", "口石地区", "小浦免"]]
    message = refused(tmp_path, rows)
    assert (
        "7行目「町丁目」列: 「小浦免」 — 町丁目「小浦免」は2行目で地区「小浦地区」です" in message
    )


def test_the_same_district_under_two_life_areas(db, tmp_path):
    rows = [*SAZA, ["423912", "佐々町", "南部圏域", "小浦地区", "新田免"]]
    assert "地区「小浦地区」は2行目で圏域「北部圏域」です" in refused(tmp_path, rows)


def test_a_missing_column(db, tmp_path):
    header = ["市町村コード", "市町村名", "圏域", "町丁目"]
    rows = [[r[0], r[1], r[2], r[4]] for r in SAZA]
    assert "1行目「地区」列: （空欄） — 見出し「地区」の列が必要です" in refused(
        tmp_path, rows, header
    )


def test_every_fault_is_named_at_once(db, tmp_path):
    rows = [r[:] for r in SAZA]
    rows[0][0], rows[4][4] = "423911", ""
    message = refused(tmp_path, rows)
    assert "2行目「市町村コード」列" in message and "6行目「町丁目」列" in message


def test_the_command_exits_non_zero_with_the_messages_on_stderr(
    db, tmp_path, capsys, command_keeps_connection
):
    rows = [r[:] for r in SAZA]
    rows[0][0] = "423911"
    path = write(tmp_path, rows)
    with pytest.raises(SystemExit) as caught:
        AreasCommand().run_from_argv(["chiiki", "areas", "import", str(path)])
    assert caught.value.code != 0
    captured = capsys.readouterr()
    assert "検査数字が違います（正しくは 423912）" in captured.err and captured.out == ""
    assert nothing_stored()


def test_a_file_for_another_municipality_than_the_one_named_is_refused(town, tmp_path):
    with pytest.raises(CommandError, match="取り込めるのは山口県萩市（352047）"):
        call_command("areas", "import", str(write(tmp_path)), "--municipality", "352047")
    assert not Municipality.objects.filter(code="423912").exists()


# --- the page -------------------------------------------------------------------------------


HAGI = [
    ["352047", "萩市", "北部", "須佐", "須佐一区"],
    ["352047", "萩市", "東部", "椿東", "椿東一丁目"],
]


def upload(client, rows, name="地区.csv", encoding="utf-8"):
    file = SimpleUploadedFile(name, csv_text(rows).encode(encoding))
    return client.post(reverse("areas:area_tree_import"), {"file": file}, follow=True)


def test_the_administrator_imports_their_municipality_on_the_page(client_for, personas, town):
    client = client_for(personas["admin"])
    assert "萩市" in client.get(reverse("areas:area_tree_import")).content.decode()
    page = upload(client, HAGI, encoding="cp932").content.decode()
    assert "圏域 2、地区 2、町丁目 2" in page and "追加 4、更新 1、変更なし 3" in page
    job = ImportJob.objects.get()
    assert job.result["address_areas"] == 2 and job.result["created"] == 4
    assert tree_of("352047") == {("北部", "須佐", "須佐一区"), ("東部", "椿東", "椿東一丁目")}


def test_the_page_shows_errors_with_row_and_column(client_for, personas, town):
    rows = [HAGI[0], ["352046", "萩市", "東部", "椿東", "椿東一丁目"]]
    page = upload(client_for(personas["admin"]), rows).content.decode()
    assert "3行目「市町村コード」列: 「352046」" in page
    assert "検査数字が違います（正しくは 352047）" in page
    assert not AddressArea.objects.exists()


def test_an_administrator_cannot_import_another_municipality(client_for, personas, town):
    page = upload(client_for(personas["admin"]), SAZA).content.decode()
    assert "取り込めるのは山口県萩市（352047）の地区の構成だけです" in page
    assert not Municipality.objects.filter(code="423912").exists()


def test_a_user_cannot_create_a_new_municipality_through_the_service(personas, tmp_path):
    table = read_table(csv_text(SAZA).encode(), "t.csv")
    with pytest.raises(AreaFileError, match="サーバーのコマンド"):
        services.area_tree_import(table=table, user=personas["admin"])


@pytest.mark.parametrize(
    "role", ["officer", "nurse", "coordinator", "volunteer", "pref", "outsider"]
)
def test_other_roles_are_refused_the_page(client_for, personas, role):
    client = client_for(personas[role])
    assert client.get(reverse("areas:area_tree_import")).status_code == 403
    assert upload(client, HAGI).status_code == 403
    assert not AddressArea.objects.exists()


def test_the_population_page_links_the_area_import_for_an_administrator(client_for, personas):
    link = reverse("areas:area_tree_import")
    assert (
        link
        in client_for(personas["admin"]).get(reverse("areas:population_import")).content.decode()
    )
    assert (
        link
        not in client_for(personas["officer"])
        .get(reverse("areas:population_import"))
        .content.decode()
    )


# --- property: the order of the rows does not matter ----------------------------------------


def _shape(tree: area_tree.Tree) -> tuple:
    districts = dict(tree.districts)
    return (
        tree.code,
        frozenset(tree.life_areas),
        frozenset(tree.districts),
        frozenset((a, d, districts[d]) for a, d in tree.address_areas),
    )


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), extra=st.integers(min_value=0, max_value=30))
def test_any_shuffling_of_the_rows_gives_the_same_tree(seed, extra):
    rng = random.Random(seed)
    rows = [r[:] for r in SAZA] + [
        ["423912", "佐々町", f"圏域{i % 3}", f"地区{i % 7}", f"町{i}"] for i in range(extra)
    ]
    # a district keeps one life area: 地区k lies in 圏域(k % 3) whatever row names it
    for r in rows[len(SAZA) :]:
        r[2] = f"圏域{int(r[3][2:]) % 3}"
    shuffled = rows[:]
    rng.shuffle(shuffled)
    first = area_tree.parse_table(read_table(csv_text(rows).encode(), "a.csv"))
    second = area_tree.parse_table(read_table(csv_text(shuffled).encode(), "b.csv"))
    assert _shape(first) == _shape(second)
    assert (len(first.life_areas), len(first.districts), len(first.address_areas)) == (
        len(second.life_areas),
        len(second.districts),
        len(second.address_areas),
    )


def test_a_shuffled_file_stores_the_same_tree(db, tmp_path):
    run_json(write(tmp_path))
    stored = tree_of("423912")
    Municipality.objects.all().delete()  # cascades through the whole tree
    shuffled = SAZA[:]
    random.Random(7).shuffle(shuffled)
    run_json(write(tmp_path, shuffled, name="s.csv"))
    assert tree_of("423912") == stored
