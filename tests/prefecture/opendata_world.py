"""A prefecture (山口県) of two municipalities with a year of records for the open data.

萩市 (the test town) has the participation world's people, places, population and a year of
attendance (fiscal year 2024), two years of the insurer's report, and a needs survey of 30
respondents in 須佐 and 旭. 下関市 has a population table and one year of the report.

The prefecture dispatched professionals in fiscal year 2024: to 萩市 3 for 介護予防事業 (a
count to hide) and 25 for 地域ケア会議, to 下関市 40 and 12; its support team visited both,
and 萩市 sent 2 and 下関市 5 to a seminar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chiiki.areas import services as area_services
from chiiki.areas.models import Municipality
from chiiki.core.tabular import read_csv_bytes, read_table
from chiiki.indicators.grant import services as grant_services
from chiiki.indicators.models import GrantAssessment
from chiiki.indicators.services.insurance import insurance_import
from chiiki.prefecture.models import Dispatch, Seminar, SeminarAttendance, TeamVisit, WorkKind
from chiiki.surveys import services as survey_services
from tests.indicators.participation_world import PERSON_ROWS, build_world, run, write
from tests.surveys.conftest import needs_csv, needs_rows

HAGI, SHIMONOSEKI = "352047", "352012"
REPORT = (
    "年度,第1号被保険者数,要支援1,要支援2,要介護1,要介護2,要介護3,要介護4,要介護5,給付費,第1号保険料\n"
    "2023,1000,20,20,40,30,30,30,30,1500000000,5090\n"
    "2024,1010,22,5,40,30,30,30,28,1600000000,5190\n"
)


@dataclass
class World:
    town: object
    hagi: Municipality
    shimonoseki: Municipality
    people: dict


def _dispatch(pref, municipality, day, work, count) -> None:
    Dispatch.objects.create(
        prefecture=pref,
        municipality=municipality,
        day=day,
        sender="広域支援センター",
        work=work,
        profession="理学療法士",
        count=count,
    )


def build(town, personas, other_town, tmp_path) -> World:
    participation = build_world(town, personas, other_town)
    run(write(tmp_path, PERSON_ROWS))
    hagi = town.municipality
    pref = hagi.prefecture
    shimonoseki = area_services.municipality_create(
        code=SHIMONOSEKI, name="下関市", prefecture_code="35", prefecture_name="山口県"
    )
    area_services.population_import(
        municipality=shimonoseki,
        table=read_table(
            "地区,基準日,性別,年齢階級,人数\n下関市,2025-04-01,男,40-44,200000\n下関市,2025-04-01,女,65-69,80000\n"
            "下関市,2025-04-01,女,75-79,7\n".encode(),
            "p.csv",
        ),
    )
    insurance_import(user=None, municipality=hagi, table=read_csv_bytes(REPORT.encode()))
    insurance_import(
        user=None,
        municipality=shimonoseki,
        table=read_csv_bytes(REPORT.replace("2023,1000", "2023,80000").encode()),
    )
    survey = survey_services.survey_create(
        user=None, municipality=hagi, name="令和7年度 地区別ニーズ調査", fiscal_year=2025,
        mailed_on=dt.date(2025, 11, 1),
    )  # fmt: skip
    survey_services.survey_import(
        user=None, survey=survey, data=needs_csv(needs_rows(30, ["須佐", "旭"])), filename="a.csv"
    )
    day = dt.date(2024, 10, 1)
    _dispatch(pref, hagi, day, WorkKind.PREVENTION, 3)
    _dispatch(pref, hagi, day, WorkKind.CARE_MEETING, 25)
    _dispatch(pref, shimonoseki, day, WorkKind.PREVENTION, 40)
    _dispatch(pref, shimonoseki, day, WorkKind.CARE_MEETING, 12)
    for m in (hagi, shimonoseki):
        TeamVisit.objects.create(prefecture=pref, municipality=m, day=dt.date(2024, 7, 1))
    seminar = Seminar.objects.create(
        prefecture=pref, day=dt.date(2024, 8, 1), title="トップセミナー", audience="市町村長"
    )
    SeminarAttendance.objects.create(seminar=seminar, municipality=hagi, attendees=2)
    SeminarAttendance.objects.create(seminar=seminar, municipality=shimonoseki, attendees=5)
    return World(town=town, hagi=hagi, shimonoseki=shimonoseki, people=participation.people)


def share_grant(town, personas, *, shared: bool = True) -> None:
    """Answers of 2024 (はい 2, いいえ 1) with a note that must never reach the prefecture."""
    for indicator, answer in (
        ("sc-groundwork", "yes"),
        ("diverse-services", "yes"),
        ("dementia-volunteers", "no"),
    ):
        grant_services.grant_answer_save(
            user=personas["officer"],
            municipality=town.municipality,
            fiscal_year=2024,
            indicator_id=indicator,
            answer=answer,
            note="内部メモ：担当者の所見",
        )
    GrantAssessment.objects.filter(municipality=town.municipality).update(
        shared_with_prefecture=shared
    )
