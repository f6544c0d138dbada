"""Builders for the district questionnaire tests (also used by the fuzz world and the
browser test): bodies of the test town, a questionnaire of the shipped example, answer
files as a data-entry clerk would type them."""

from __future__ import annotations

import datetime as dt
import random

from chiiki.councils import instrument
from chiiki.councils.models import Body, BodyKind, Layer, Questionnaire
from chiiki.councils.services import bodies as body_services
from chiiki.councils.services import questionnaires as services

HEADER = [
    "回答者ID",
    "地区",
    "年齢階級",
    "世帯",
    "困りごと_買い物",
    "困りごと_通院",
    "困りごと_ごみ出し",
    "困りごと_草刈り",
    "困りごと_話し相手",
    "困りごと_特にない",
    "手伝える_買い物",
    "手伝える_送迎",
    "手伝える_ごみ出し",
    "手伝える_草刈り",
    "手伝える_話し相手",
    "手伝える_特にない",
    "問5",
]


def life_area_body(municipality, life_area) -> Body:
    return body_services.body_create(
        user=None,
        municipality=municipality,
        layer=Layer.LIFE_AREA,
        kind=BodyKind.SC_COUNCIL,
        name=f"{life_area.name}ささえあい協議体",
        founded_on=dt.date(2017, 4, 1),
        life_area=life_area,
    )


def questionnaire_for(body: Body, name: str = "令和7年度 地区アンケート") -> Questionnaire:
    return services.questionnaire_create(
        user=None,
        body=body,
        name=name,
        fiscal_year=2025,
        instrument_yaml=instrument.example_yaml(),
    )


def rows(n: int, districts: list[str], seed: int = 1, start: int = 1) -> list[list[str]]:
    """``n`` answer sheets as cells: IDs Q0001…, a district from ``districts``, 1 for a ○."""
    rng = random.Random(seed)
    out = []
    for i in range(start, start + n):
        marks = ["1" if rng.random() < 0.4 else "" for _ in range(12)]
        out.append(
            [
                f"Q{i:04d}",
                rng.choice(districts),
                rng.choice("1234"),
                rng.choice("123"),
                *marks,
                rng.choice("1234"),
            ]
        )
    return out


def csv_bytes(cells: list[list[str]], encoding: str = "utf-8", header=None) -> bytes:
    lines = [",".join(header or HEADER), *(",".join(r) for r in cells)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)
