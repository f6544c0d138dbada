import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiiki.areas.models import PopulationRecord


def test_the_population_command_imports_a_shift_jis_file_once(town, tmp_path, capsys):
    path = tmp_path / "人口.csv"
    path.write_bytes(
        "地区,基準日,性別,年齢階級,人数\n須佐,平成30年4月,男,65-69,12\n".encode("cp932")
    )
    call_command("population", "import", str(path))
    call_command("population", "import", str(path))
    out = capsys.readouterr().out
    assert "追加 1" in out and "変更なし 1" in out
    assert PopulationRecord.objects.count() == 1


def test_the_population_command_reports_bad_cells_and_stores_nothing(town, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "地区,基準日,性別,年齢階級,人数\n須佐,2018-04-01,男,65-69,-1\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="2行目「人数」列"):
        call_command("population", "import", str(path))
    assert PopulationRecord.objects.count() == 0


def test_an_api_token_printed_once_authenticates(personas, client, capsys):
    call_command("apitoken", "officer", "集計")
    raw = capsys.readouterr().out.strip()
    assert (
        client.get("/api/areas/districts", headers={"Authorization": f"Bearer {raw}"}).status_code
        == 200
    )


def test_the_population_command_refuses_a_cell_of_two_to_the_63_people(town, tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text(
        "地区,基準日,性別,年齢階級,人数\n須佐,2018-04-01,男,65-69,9223372036854775807\n",
        encoding="utf-8",
    )
    with pytest.raises(
        CommandError, match=r"2行目「人数」列: 「9223372036854775807」 — 0以上10,000,000"
    ):
        call_command("population", "import", str(path))
    assert PopulationRecord.objects.count() == 0
