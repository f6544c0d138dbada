"""A synthetic prefecture: every real municipality of a prefecture (codes and names from the
country's list, :mod:`chiiki.areas.codes`), each with districts and made-up figures of the
kinds the side by side compares. For the demo (熊本県's 45), the benchmark (埼玉県's 63)
and the tests. Nothing in it names a person: population tables, the insurer's yearly
figures, coordination bodies, mutual-aid services, gathering places with headcounts, and
shared self-assessments.

Deterministic from the seed; a municipality that already exists is left as it is, so a
second build adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from faker import Faker

from chiiki.areas import codes
from chiiki.areas.models import District, LifeArea, Municipality, PopulationRecord, Prefecture
from chiiki.areas.services import municipality_create
from chiiki.councils.models import Body, BodyKind, Layer
from chiiki.indicators.grant.catalog import catalog_for_year
from chiiki.indicators.models import (
    Attendance,
    AttendanceCount,
    GrantAnswer,
    GrantAssessment,
    InsuranceYear,
)
from chiiki.mutualaid.models import Service as AidService
from chiiki.people.models import Person
from chiiki.people.services import person_bulk_create
from chiiki.resources.models import Organization, Schedule, ScheduleKind
from chiiki.resources.models import Service as ResourceService

POPULATION_DAY = dt.date(2018, 4, 1)
YEARS = range(2014, 2019)  # the insurer's fiscal years
ATTENDANCE_YEAR = 2018
DISTRICT_NAMES = ("中央", "東部", "西部", "南部", "北部", "山間")
BANDS = tuple(range(0, 101, 5))
LEVEL_SHARES = (0.14, 0.13, 0.21, 0.17, 0.13, 0.12, 0.10)


@dataclass(frozen=True)
class Built:
    prefecture: Prefecture
    municipalities: list[Municipality]
    created: int


def _band_weights(aging: float) -> dict[int, float]:
    """A population pyramid whose 65+ share is ``aging``: flat under 65, falling after."""
    young = [b for b in BANDS if b < 65]
    old = [b for b in BANDS if b >= 65]
    weights = {b: (1 - aging) / len(young) for b in young}
    falling = [0.8**i for i in range(len(old))]
    for b, f in zip(old, falling, strict=True):
        weights[b] = aging * f / sum(falling)
    return weights


def _population(m: Municipality, districts: list[District], rng: random.Random) -> int:
    """Population cells by district, sex and band; returns the 65+ total."""
    total = int(rng.lognormvariate(10.2, 1.0)) + 2_000
    aging = rng.uniform(0.24, 0.46)
    weights = _band_weights(aging)
    shares = [rng.uniform(0.5, 1.5) for _ in districts]
    cells, aged = [], 0
    for d, share in zip(districts, shares, strict=True):
        people = total * share / sum(shares)
        for band, w in weights.items():
            for sex, part in (("M", 0.48 if band < 75 else 0.4), ("F", 0.52 if band < 75 else 0.6)):
                n = round(people * w * part)
                cells.append(
                    PopulationRecord(
                        municipality=m,
                        district=d,
                        date=POPULATION_DAY,
                        sex=sex,
                        age_from=band,
                        count=n,
                    )
                )
                aged += n if band >= 65 else 0
    PopulationRecord.objects.bulk_create(cells, batch_size=2000)
    return aged


def _insurance(m: Municipality, aged: int, rng: random.Random) -> None:
    rate = rng.uniform(0.15, 0.23)
    rows = []
    for i, year in enumerate(YEARS):
        insured = round(aged * (0.94 + 0.015 * i))
        certified = round(insured * (rate + 0.002 * i))
        levels = [round(certified * s) for s in LEVEL_SHARES]
        levels[2] += certified - sum(levels)
        rows.append(
            InsuranceYear(
                municipality=m,
                fiscal_year=year,
                insured_65=insured,
                support_1=levels[0],
                support_2=levels[1],
                care_1=levels[2],
                care_2=levels[3],
                care_3=levels[4],
                care_4=levels[5],
                care_5=levels[6],
                benefit_cost=certified * 1_500_000,
                premium_monthly=5_500 + rng.randrange(0, 1_500, 10),
            )
        )
    InsuranceYear.objects.bulk_create(rows)


def _structures(
    m: Municipality, districts: list[District], rng: random.Random, fake: Faker
) -> None:
    """第3層 bodies, a mutual-aid service and weekly gathering places with a year's
    monthly headcounts, each in some of the districts."""
    bodies = [
        Body(
            municipality=m,
            layer=Layer.DISTRICT,
            kind=BodyKind.values[0],
            name=f"{d.name}地区協議体",
            life_area=d.life_area,
            district=d,
            founded_on=dt.date(rng.randint(2015, 2018), rng.randint(4, 12), 1),
        )
        for d in districts
        if rng.random() < 0.55
    ]
    Body.objects.bulk_create(bodies)
    if rng.random() < 0.45:
        AidService.objects.create(
            municipality=m,
            district=districts[0],
            name=f"{m.name}ちょこっと助け合い",
            started_on=dt.date(rng.randint(2015, 2018), 4, 1),
        )
    org = Organization.objects.create(municipality=m, name=f"{m.name}社会福祉協議会")
    for d in districts:
        for k in range(rng.choice((0, 1, 1, 2, 3))):
            place = ResourceService.objects.create(
                uuid=uuid.UUID(int=rng.getrandbits(128)),
                municipality=m,
                organization=org,
                district=d,
                name=f"{d.name}いきいき百歳体操{k + 1}",
                category_codes="|kayoi|",
            )
            Schedule.objects.create(
                service=place,
                kind=ScheduleKind.OPEN,
                freq="WEEKLY",
                byday=rng.choice(("MO", "TU", "WE", "TH", "FR")),
                dtstart=dt.date(rng.randint(2015, 2018), 4, 1),
            )
            _attendance(m, d, place, rng, fake)


MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


def _attendance(
    m: Municipality, d: District, place: ResourceService, rng: random.Random, fake: Faker
) -> None:
    """A year of monthly sessions: from a named sheet (a roster of synthetic residents, who
    count as distinct participants) at most places, from a headcount sheet at the rest."""
    days = [dt.date(ATTENDANCE_YEAR + (month < 4), month, 10) for month in MONTHS]
    size = rng.randint(8, 30)
    if rng.random() < 0.3:
        AttendanceCount.objects.bulk_create(
            AttendanceCount(
                municipality=m,
                place=place,
                day=day,
                participants=(n := max(1, size + rng.randint(-4, 4))),
                participants_65=max(0, n - rng.randint(0, 3)),
                source="synthetic",
            )
            for day in days
        )
        return
    roster = person_bulk_create(
        people=[_resident(m, d, rng, fake) for _ in range(size)], channel="demo"
    )
    Attendance.objects.bulk_create(
        Attendance(municipality=m, place=place, person=p, day=day, source="synthetic")
        for p in roster
        for day in days
        if rng.random() < 0.7
    )


def _resident(m: Municipality, d: District, rng: random.Random, fake: Faker) -> Person:
    sex = rng.choice("MF")
    family, family_kana, _ = fake.last_name_pair()
    given, given_kana, _ = (
        fake.first_name_male_pair() if sex == "M" else fake.first_name_female_pair()
    )
    return Person(
        municipality=m,
        district=d,
        family_name=family,
        given_name=given,
        family_kana=family_kana,
        given_kana=given_kana,
        sex=sex,
        birth_date=dt.date(rng.randint(1925, 1953), rng.randint(1, 12), rng.randint(1, 28)),
        address=f"{m.prefecture.name}{m.name}{d.name}{rng.randint(1, 999)}番地",
    )


def _grant(m: Municipality, rng: random.Random) -> None:
    if rng.random() >= 0.5:
        return
    catalog = catalog_for_year(ATTENDANCE_YEAR)
    assessment = GrantAssessment.objects.create(
        municipality=m,
        fiscal_year=ATTENDANCE_YEAR,
        indicator_version=catalog.version,
        shared_with_prefecture=True,
    )
    GrantAnswer.objects.bulk_create(
        GrantAnswer(
            assessment=assessment,
            indicator_id=i.id,
            answer=rng.choice(("yes", "yes", "partly", "no")),
            answered_by_name="（合成データ）",
            answered_at=timezone.now(),
        )
        for i in catalog.indicators
    )


def _municipality(entry: codes.Entry, rng: random.Random, districts: int) -> Municipality:
    m = municipality_create(
        code=entry.code,
        name=entry.name,
        prefecture_code=entry.code[:2],
        prefecture_name=entry.prefecture,
        kana=entry.kana,
    )
    area = LifeArea.objects.create(municipality=m, code="01", name="全域", order=1)
    made = [
        District.objects.create(
            municipality=m, life_area=area, code=f"{i + 1:02d}", name=name, order=i + 1
        )
        for i, name in enumerate(DISTRICT_NAMES[: rng.randint(2, districts)])
    ]
    aged = _population(m, made, rng)
    _insurance(m, aged, rng)
    fake = Faker("ja_JP")
    fake.seed_instance(rng.randrange(2**32))
    _structures(m, made, rng, fake)
    _grant(m, rng)
    return m


@transaction.atomic
def build(
    prefecture_code: str, seed: int, *, districts: int = 4, limit: int | None = None
) -> Built:
    """Every municipality of the prefecture (or its first ``limit``, for tests), with its
    synthetic figures (once)."""
    entries = codes.municipalities_in(prefecture_code)[:limit]
    if not entries:
        raise ValueError(f"都道府県コード「{prefecture_code}」の市町村が見つかりません")
    have = set(
        Municipality.objects.filter(code__in=[e.code for e in entries]).values_list(
            "code", flat=True
        )
    )
    created = 0
    for entry in entries:
        rng = random.Random(f"{seed}:{entry.code}")
        if entry.code in have:
            continue
        _municipality(entry, rng, districts)
        created += 1
    prefecture = Prefecture.objects.get(code=prefecture_code[:2])
    found = list(Municipality.objects.filter(prefecture=prefecture).order_by("code"))
    return Built(prefecture, found, created)
