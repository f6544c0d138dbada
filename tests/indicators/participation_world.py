"""A small hand-checked town for gathering places' participation (fiscal year 2024).

Ages are taken on 2025-03-31, so a person born on or before 1960-03-31 is 65 or over.

須佐 (north): A 1950 (1001), B 1960-03-31 (1002, just 65), C 1960-04-01 (1003, 64),
D 1945 (1004, moved out 2024-06-30); 田万川 (north): two aged 65+ and one younger, no table
cells (the register counts them); 旭 (south): E 1940 (2001), F 1955 (2002);
another municipality: X with the register number 9001.

Places: 須佐サロン (須佐, kayoi), 旭体操クラブ (旭, kayoi and taiso), 旭配食 (旭, shokuji: no
gathering place). The population table of 2025-01-01 gives 須佐 10 and 旭 20 aged 65+.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiiki.areas import services as area_services
from chiiki.core.tabular import read_table
from chiiki.people.models import Person
from chiiki.resources import services as resources
from chiiki.resources.models import Service
from tests.conftest import make_person

CODE = "352047"
PERSON_HEADER = ["通いの場", "日付", "宛名番号", "氏名", "生年月日"]
COUNT_HEADER = ["通いの場", "日付", "参加者数", "65歳以上の参加者数"]
PERSON_ROWS = [
    ["須佐サロン", "2024-05-10", "1001", "", ""],
    ["須佐サロン", "令和6年6月14日", "1001", "", ""],
    ["須佐サロン", "R6.5.10", "1002", "", ""],
    ["須佐サロン", "2024/5/10", "1003", "", ""],
    ["須佐サロン", "2024-05-10", "1004", "", ""],
    ["旭体操クラブ", "2024-05-11", "", "旭 栄子", "昭和15年2月2日"],
]
COUNT_ROWS = [
    ["旭体操クラブ", "2024-06-01", "12", "10"],
    ["旭体操クラブ", "2024-07-01", "8", ""],
]


@dataclass
class World:
    town: object
    salon: Service
    taiso: Service
    meals: Service
    people: dict[str, Person]


def _person(district, key, birth, number, **more) -> Person:
    return make_person(district, birth_date=birth, register_number=number, **more)


def build_world(town, personas, other_town) -> World:
    officer = personas["officer"]
    org = resources.organization_create(
        user=officer, name="萩市社会福祉協議会", provider_kind="shakyo"
    )

    def place(name, district, categories):
        return resources.service_create(
            user=officer, organization=org, name=name, district=district, categories=categories
        )

    people = {
        "A": _person(town.n1, "A", dt.date(1950, 5, 1), "1001"),
        "B": _person(town.n1, "B", dt.date(1960, 3, 31), "1002"),
        "C": _person(town.n1, "C", dt.date(1960, 4, 1), "1003"),
        "D": _person(town.n1, "D", dt.date(1945, 1, 1), "1004", moved_out_on=dt.date(2024, 6, 30)),
        "E": _person(
            town.s1,
            "E",
            dt.date(1940, 2, 2),
            "2001",
            family_name="旭",
            given_name="栄子",
            family_kana="アサヒ",
            given_kana="エイコ",
        ),
        "F": _person(town.s1, "F", dt.date(1955, 7, 7), "2002"),
        "G": _person(town.n2, "G", dt.date(1950, 1, 1), None),
        "H": _person(town.n2, "H", dt.date(1952, 1, 1), None),
        "I": _person(town.n2, "I", dt.date(1975, 1, 1), None),
        "X": _person(other_town.districts.first(), "X", dt.date(1944, 4, 4), "9001"),
    }
    rows = ["地区,基準日,性別,年齢階級,人数"]
    for day, n1, s1 in (("2024-01-01", 99, 99), ("2025-01-01", 10, 20), ("2025-04-01", 77, 77)):
        rows += [
            f"須佐,{day},男,60-64,5",
            f"須佐,{day},女,65-69,{n1 - 4}",
            f"須佐,{day},男,70-74,4",
            f"旭,{day},女,80-84,{s1}",
        ]
    area_services.population_import(
        municipality=town.municipality, table=read_table("\n".join(rows).encode(), "p.csv")
    )
    return World(
        town=town,
        salon=place("須佐サロン", town.n1, ["kayoi"]),
        taiso=place("旭体操クラブ", town.s1, ["kayoi", "taiso"]),
        meals=place("旭配食", town.s1, ["shokuji"]),
        people=people,
    )


def csv_bytes(rows, header, encoding="utf-8-sig") -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def write(tmp_path, rows, header=PERSON_HEADER, name="sheet.csv", **kw):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows, header, **kw))
    return path


def run(path, *args) -> dict:
    out = io.StringIO()
    call_command(
        "indicators", "attendance", "import", str(path), "--format", "json",
        "--municipality", CODE, *args, stdout=out,
    )  # fmt: skip
    return json.loads(out.getvalue())


def failing(path) -> tuple[dict, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command(
            "indicators", "attendance", "import", str(path), "--format", "json",
            "--municipality", CODE, stdout=out,
        )  # fmt: skip
    return json.loads(out.getvalue()), str(exc.value)
