"""A small watch-over world on the test town, built through the services.

A watch-over network of the whole municipality (第1層) met on 2025-05-10 and discussed one
household in 須佐 (北部, the nurse's area, linked to a resident and passed to the center)
and one in 旭 (南部, the coordinator's). A daily huddle of the whole municipality has a
note about each of the two residents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chiiki.councils.models import Body, BodyKind, HuddleNote, Layer, Meeting, WatchCase
from chiiki.councils.services import bodies as body_services
from chiiki.councils.services import watch as services
from chiiki.people.models import Person
from tests.conftest import make_person

FOUNDED = dt.date(2024, 4, 1)
HELD = dt.date(2025, 5, 10)


@dataclass
class WatchWorld:
    body: Body
    meeting: Meeting
    north: Person
    south: Person
    north_case: WatchCase
    south_case: WatchCase
    huddle: Body
    north_note: HuddleNote
    south_note: HuddleNote


def build_watch(town, *, on: dt.date | None = None) -> WatchWorld:
    body = body_services.body_create(
        user=None,
        municipality=town.municipality,
        layer=Layer.MUNICIPALITY,
        kind=BodyKind.WATCH_NETWORK,
        name="高齢者見守りネットワーク情報交換会",
        founded_on=FOUNDED,
    )
    meeting = services.watch_meeting_create(user=None, body=body, held_on=HELD, place="公民館")
    north = make_person(town.n1, family_name="北野", family_kana="キタノ")
    south = make_person(town.s1, family_name="南田", family_kana="ミナミダ")
    north_case = services.watch_case_create(
        user=None,
        meeting=meeting,
        household="北野さん宅",
        concern="新聞がたまっている",
        person=north,
        passed_on=dt.date(2025, 5, 12),
    )
    south_case = services.watch_case_create(
        user=None,
        meeting=meeting,
        household="南田さん宅",
        concern="最近見かけない",
        district=town.s1,
        person=south,
    )
    huddle = body_services.body_create(
        user=None,
        municipality=town.municipality,
        layer=Layer.MUNICIPALITY,
        kind=BodyKind.DAILY_HUDDLE,
        name="朝の多職種打ち合わせ",
        founded_on=FOUNDED,
    )
    day = on or HELD
    north_note = services.huddle_note_add(
        user=None, body=huddle, person=north, profession="phn", text="血圧高め", written_on=day
    )
    south_note = services.huddle_note_add(
        user=None, body=huddle, person=south, profession="swc", text="配食を開始", written_on=day
    )
    return WatchWorld(
        body, meeting, north, south, north_case, south_case, huddle, north_note, south_note
    )
