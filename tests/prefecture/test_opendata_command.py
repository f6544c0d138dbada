"""``chiiki opendata export``: the package on disk, validated, and the command's refusals."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from chiiki.prefecture.opendata import MARK
from tests.prefecture import opendata_world


@pytest.fixture
def world(town, personas, other_town, tmp_path):
    return opendata_world.build(town, personas, other_town, tmp_path)


def _export(*args) -> str:
    out = io.StringIO()
    call_command("opendata", "export", *args, stdout=out)
    return out.getvalue()


def _validate(directory):
    from frictionless import validate

    report = validate(str(directory / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    assert report.stats["errors"] == 0
    return json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))


def _plain(value) -> str:
    """A cell as text, numbers in one form (the workbook keeps 0.0 as 0)."""
    text = "" if value is None else str(value)
    try:
        return repr(float(text)) if text not in ("", MARK) else text
    except ValueError:
        return text


def _sheet_rows(path):
    sheet = load_workbook(path).active
    return [[_plain(v) for v in r] for r in sheet.iter_rows(values_only=True)]


def test_the_municipality_package_validates_and_its_workbooks_match_the_csvs(world, tmp_path):
    out = tmp_path / "hagi"
    data = json.loads(
        _export("--municipality", opendata_world.HAGI, "-o", str(out), "--format", "json")
    )
    assert data["directory"] == str(out)
    by_name = {r["name"]: r for r in data["resources"]}
    assert by_name["participation-by-district"]["suppressed"] > 0
    assert by_name["population-by-district"]["rows"] == 3
    meta = _validate(out)
    assert {r["name"] for r in meta["resources"]} >= set(by_name)
    for resource in meta["resources"]:
        if resource["format"] != "csv":
            continue
        text = (out / resource["path"]).read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        fields = resource["schema"]["fields"]
        assert rows[0] == [f["name"] for f in fields]  # every column described
        assert all(f["title"] and f["description"] and f["type"] for f in fields)
        assert MARK in resource["schema"]["missingValues"]
        workbook = _sheet_rows(out / resource["path"].replace(".csv", ".xlsx"))
        assert workbook == [[_plain(v) for v in r] for r in rows]
    participation = (out / "participation-by-district.csv").read_text(encoding="utf-8-sig")
    assert MARK in participation


def test_the_prefecture_package_validates_and_prints_what_it_wrote(world, tmp_path):
    out = tmp_path / "yamaguchi"
    text = _export("--prefecture", "35", "-o", str(out))
    assert "dispatches-by-municipality.csv" in text and "秘匿" in text
    meta = _validate(out)
    assert meta["licenses"][0]["name"] == "CC-BY-4.0"
    assert "dispatches-by-municipality" in {r["name"] for r in meta["resources"]}
    again = _export("--prefecture", "35", "-o", str(out))  # our own package: rewritten
    assert "datapackage.json" in again


@pytest.mark.parametrize(
    "args, message",
    [
        (["--prefecture", "35", "--municipality", "352047"], "どちらか一方"),
        ([], "どちらか一方"),
        (["--municipality", "999999"], "登録されていません"),
        (["--prefecture", "47"], "登録されていません"),
        (["--prefecture", "yamaguchi"], "2桁"),
    ],
)
def test_it_refuses_both_options_neither_and_unknown_codes(world, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        _export(*args, "-o", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_it_never_writes_into_someone_elses_folder(world, tmp_path):
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("大事なメモ")
    with pytest.raises(CommandError, match="空ではなく"):
        _export("--prefecture", "35", "-o", str(theirs))
    (theirs / "datapackage.json").write_text('{"name": "their-own"}')
    with pytest.raises(CommandError, match="空ではなく"):
        _export("--prefecture", "35", "-o", str(theirs))
    assert sorted(p.name for p in theirs.iterdir()) == ["datapackage.json", "notes.txt"]
    a_file = tmp_path / "file.csv"
    a_file.write_text("x")
    with pytest.raises(CommandError, match="フォルダではありません"):
        _export("--prefecture", "35", "-o", str(a_file))
