"""Demo data of the watch-over network and the daily huddle.

佐々町's 高齢者見守りネットワーク情報交換会 as a network of one district (むつみ in the demo
萩市, where the demo coordinator works) that meets monthly for a year (fiscal 2018) and discusses households of the demo's
synthetic residents of that district: some are passed to the support center, and for most
of those the center reports back. 川上村's daily huddle as a body of one district (明倫, the demo nurse's),
with a few days of notes on a handful of its residents. Everything follows from the seed;
a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from chiiki.areas.models import District, Municipality
from chiiki.councils.models import Body, BodyKind, Layer, Profession
from chiiki.councils.services.bodies import body_create
from chiiki.councils.services.watch import (
    huddle_note_add,
    watch_case_create,
    watch_case_followup,
    watch_meeting_create,
)
from chiiki.people.models import Person

WATCH_DISTRICT = "0401"  # むつみ (南部: the demo coordinator `sc` works there)
HUDDLE_DISTRICT = "0101"  # 明倫 (中央: the demo nurse `hokatsu` works there)
FOUNDED = dt.date(2018, 4, 1)
MONTHS = 12
HUDDLE_DAYS = 10  # the last weekdays of fiscal 2018
HUDDLE_END = dt.date(2019, 3, 29)

CONCERNS = (
    "新聞や郵便物がたまっている",
    "夜になっても電気がつかない日がある",
    "ごみ出しの日を間違えることが増えた",
    "最近サロンに来なくなった",
    "庭の手入れができておらず、外で見かけない",
    "同じ物を何度も買っていると商店から話があった",
    "足を引きずって歩いている",
    "息子さんが遠方に転居し、一人暮らしになった",
    "訪問販売の業者がよく出入りしている",
    "食事をきちんととれていない様子",
)
FOLLOWUPS = (
    "包括の保健師が訪問し、安否と生活の様子を確認した。見守りを続ける",
    "民生委員と同行訪問。介護保険の申請を支援した",
    "家族に連絡し、週末の訪問を増やしてもらうことになった",
    "配食サービスの利用につないだ",
    "かかりつけ医と相談し、受診につないだ",
    "消費生活センターに相談し、契約を確認した",
    "サロンへの送迎を地区の支え合いで調整した",
)
NOTES = {
    Profession.PUBLIC_HEALTH_NURSE: ("血圧が高め。塩分を控えるよう話した", "体重が減っている"),
    Profession.NURSE: ("服薬を確認。飲み忘れが2回あった", "足のむくみあり。経過を見る"),
    Profession.DOCTOR: ("診療所を受診。薬を調整した", "次回受診は2週間後"),
    Profession.SOCIAL_WELFARE_COUNCIL: ("配食を週3回に増やした", "地区のサロンに参加した"),
    Profession.OFFICE: ("介護保険の更新申請を受け付けた", "緊急通報装置の設置を案内した"),
    Profession.CARE_MANAGER: ("サービス担当者会議の日程を調整", "デイサービスを週1回追加"),
}


def _given(bodies: Any) -> list[Body]:
    """The bodies the councils demo made, however it hands them over."""
    if bodies is None:
        return []
    values: Iterable[Any] = bodies.values() if isinstance(bodies, Mapping) else bodies
    found: list[Body] = []
    for value in values:
        if isinstance(value, Body):
            found.append(value)
        elif isinstance(value, Iterable) and not isinstance(value, str):
            found.extend(v for v in value if isinstance(v, Body))
    return found


def _district(
    municipality: Municipality, code: str, *, body: Body | None = None, avoid: Any = None
) -> District:
    """Where the demo's households live: the body's own district; else, within what the
    body covers, the district of ``code`` or the first (in the municipality's order) where
    residents live, other than ``avoid`` when there is another."""
    if body is not None and body.district is not None:
        return body.district
    qs = District.objects.filter(municipality=municipality)
    if body is not None and body.life_area_id:
        qs = qs.filter(life_area=body.life_area_id)
    found = qs.filter(code=code).first()
    if found is not None:
        return found
    peopled = list(
        qs.filter(people__isnull=False).distinct().order_by("life_area__order", "order", "code")
    )
    others = [d for d in peopled if d != avoid]
    if not (others or peopled):
        raise ValueError("住民のいる地区がありません")
    return (others or peopled)[0]


def _body(
    municipality: Municipality, bodies: Any, kind: str, code: str, name: str, avoid: Any = None
) -> Body:
    """The councils demo's body of ``kind``, or one already stored, or a new one of the
    district of ``code``."""
    for b in _given(bodies):
        if b.kind == kind and b.municipality_id == municipality.pk:
            return b
    existing = (
        Body.objects.filter(municipality=municipality, kind=kind)
        .select_related("district")
        .order_by("founded_on", "id")
        .first()
    )
    if existing is not None:
        return existing
    district = _district(municipality, code, avoid=avoid)
    return body_create(
        user=None,
        municipality=municipality,
        layer=Layer.DISTRICT,
        kind=kind,
        name=f"{district.name}{name}",
        founded_on=FOUNDED,
        district=district,
        secretariat="地域包括支援センター",
    )


def _residents(district: District, rng: random.Random, n: int) -> list[Person]:
    """Residents to discuss: those living alone first, then others, drawn from the seed."""
    people = list(Person.objects.filter(district=district).order_by("-lives_alone", "id")[:200])
    alone = [p for p in people if p.lives_alone]
    pool = alone if len(alone) >= n else people
    return rng.sample(pool, min(n, len(pool)))


def _second_thursday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 7)


def _meeting_days(founded: dt.date) -> list[dt.date]:
    start = max(FOUNDED, founded)
    year, month = start.year, start.month
    days: list[dt.date] = []
    while len(days) < MONTHS:
        day = _second_thursday(year, month)
        if day >= founded:
            days.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def _watch(body: Body, district: District, rng: random.Random) -> None:
    """A meeting a month; two to four households each, some passed on and reported back."""
    residents = _residents(district, rng, 24)
    if not residents:
        return
    place = f"{district.name}公民館"
    for held_on in _meeting_days(body.founded_on):
        meeting = watch_meeting_create(
            user=None, body=body, held_on=held_on, place=place, agenda="気になる世帯の情報交換"
        )
        for person in rng.sample(residents, min(len(residents), rng.randint(2, 4))):
            passed = rng.random() < 0.6
            case = watch_case_create(
                user=None,
                meeting=meeting,
                household=f"{person.family_name}さん宅",
                concern=rng.choice(CONCERNS),
                person=person,
                passed_on=held_on + dt.timedelta(days=rng.randint(0, 3)) if passed else None,
            )
            if passed and case.passed_on and rng.random() < 0.75:
                watch_case_followup(
                    user=None,
                    case=case,
                    text=rng.choice(FOLLOWUPS),
                    on=case.passed_on + dt.timedelta(days=rng.randint(3, 20)),
                )


def _weekdays_until(end: dt.date, n: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = end
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return sorted(days)


def _huddle(body: Body, district: District, rng: random.Random) -> None:
    """Each morning, a note or two on some of a handful of residents, by whoever saw them."""
    residents = _residents(district, rng, 6)
    professions = list(NOTES)
    for day in _weekdays_until(HUDDLE_END, HUDDLE_DAYS):
        if day < body.founded_on:
            continue
        for person in rng.sample(residents, min(len(residents), rng.randint(1, 3))):
            profession = rng.choice(professions)
            huddle_note_add(
                user=None,
                body=body,
                person=person,
                profession=profession,
                text=rng.choice(NOTES[profession]),
                written_on=day,
            )


@transaction.atomic
def build(municipality: Municipality, seed: int, bodies: Any = None) -> None:
    """Add the watch-over network's year and the huddle's notes (nothing when they are
    there already). ``bodies``: the councils demo's bodies; a watch-over network or a
    huddle among them is used, else one is made."""
    watch = _body(
        municipality, bodies, BodyKind.WATCH_NETWORK, WATCH_DISTRICT, " 高齢者見守りネットワーク"
    )
    watch_district = _district(municipality, WATCH_DISTRICT, body=watch)
    if not watch.meetings.exists():
        _watch(watch, watch_district, random.Random(seed * 7919 + 1))
    huddle = _body(
        municipality,
        bodies,
        BodyKind.DAILY_HUDDLE,
        HUDDLE_DISTRICT,
        " 多職種の朝の打ち合わせ",
        avoid=watch_district,
    )
    huddle_district = _district(municipality, HUDDLE_DISTRICT, body=huddle, avoid=watch_district)
    if not huddle.huddle_notes.exists():
        _huddle(huddle, huddle_district, random.Random(seed * 7919 + 2))
