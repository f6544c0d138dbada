from __future__ import annotations

import datetime as dt
import random

import pytest

from chiiki.surveys import services

HEADER = "回答者ID,被保険者番号,性別,年齢,地区,問2(1),問2(2),問2(3),問2(4),問2(5),問2(6),問3(1)身長,問3(1)体重,問3(2),問3(3),問3(4),問3(7),問4(1),問4(2),問4(3),問4(4),問4(5),問4(6),問7(3),問7(4)"


def needs_rows(n: int, districts: list[str], seed: int = 1, start: int = 1) -> list[str]:
    rng = random.Random(seed)
    rows = []
    for i in range(start, start + n):
        answers = [
            rng.choice("123"),
            rng.choice("123"),
            rng.choice("123"),
            rng.choice("123"),
            rng.choice("1234"),
            rng.choice("1234"),
            str(rng.randint(140, 175)),
            str(rng.randint(38, 75)),
            rng.choice("12"),
            rng.choice("12"),
            rng.choice("12"),
            rng.choice("12"),
            rng.choice("12"),
            *[rng.choice("1123") for _ in range(5)],
            rng.choice("12"),
            rng.choice("12"),
        ]
        rows.append(
            ",".join(
                [
                    f"R{i:04d}",
                    "",
                    rng.choice("男女"),
                    str(rng.randint(65, 95)),
                    rng.choice(districts),
                    *answers,
                ]
            )
        )
    return rows


def needs_csv(rows: list[str], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding)


@pytest.fixture
def survey(town, personas):
    return services.survey_create(
        user=personas["officer"],
        municipality=town.municipality,
        name="令和7年度 ニーズ調査",
        fiscal_year=2025,
        mailed_on=dt.date(2025, 11, 1),
    )


@pytest.fixture
def filled_survey(survey, personas):
    data = needs_csv(needs_rows(60, ["須佐", "田万川", "旭", "福栄"]))
    result = services.survey_import(
        user=personas["officer"], survey=survey, data=data, filename="answers.csv"
    )
    assert result.ok, [e.message for e in result.errors]
    return survey
