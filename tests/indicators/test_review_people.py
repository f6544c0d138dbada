"""Review: the attendance import answers another municipality's resident exactly as an
unknown person, so a sheet cannot probe who lives elsewhere (by 宛名番号 or by name and
birth date)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.indicators.participation_world import PERSON_ROWS, build_world, failing, write

pytestmark = pytest.mark.usefixtures("command_keeps_connection")


@pytest.fixture
def world(town, personas, other_town):
    found = build_world(town, personas, other_town)
    x = found.people["X"]  # of 国東市, register number 9001, born 1944-04-04
    x.family_name, x.given_name = "国東", "次郎"
    x.save(update_fields=["family_name", "given_name"])
    return found


def _error(tmp_path, row) -> dict:
    result, _ = failing(write(tmp_path, [PERSON_ROWS[0], row]))
    (error,) = result["errors"]
    return error


def test_another_municipalitys_register_number_is_an_unknown_number(world, tmp_path):
    foreign = _error(tmp_path, ["須佐サロン", "2024-05-10", "9001", "", ""])
    unknown = _error(tmp_path, ["須佐サロン", "2024-05-10", "9002", "", ""])
    assert foreign["expected"] == unknown["expected"] == "この市町村の住民記録にない宛名番号です"


def test_another_municipalitys_name_and_birth_date_are_an_unknown_person(world, tmp_path):
    foreign = _error(tmp_path, ["須佐サロン", "2024-05-10", "", "国東 次郎", "1944-04-04"])
    unknown = _error(tmp_path, ["須佐サロン", "2024-05-10", "", "国東 三郎", "1944-04-04"])
    assert foreign["column"] == unknown["column"] == "氏名"
    assert "他の市町村" not in foreign["expected"]
    assert foreign["expected"] == unknown["expected"]
    assert dt.date(1944, 4, 4).isoformat() in foreign["expected"]


def test_the_import_reads_no_other_municipalitys_residents(world, tmp_path):
    rows = [
        ["須佐サロン", "2024-05-10", "9001", "", ""],
        ["須佐サロン", "2024-05-10", "", "国東 次郎", "1944-04-04"],
    ]
    with CaptureQueriesContext(connection) as queries:
        failing(write(tmp_path, rows))
    people = [q["sql"] for q in queries if 'FROM "people_person"' in q["sql"]]
    assert people and all('"municipality_id" =' in sql for sql in people)
