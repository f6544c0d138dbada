"""The demo municipality: a synthetic 萩市 as the guide profiles it in April 2018.

「平成30年4月時点で総人口48,234人。うち、65歳以上高齢者人口19,977人(41.4%)、
75歳以上高齢者人口10,766人(22.3%)」. The life areas and districts are modelled on the city's
elementary-school districts; every resident aged 65+ is a synthetic person made with Faker
ja_JP from a fixed seed, so the same seed always gives the same municipality. No real
person's data is used.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from importlib import import_module

from django.db import transaction
from faker import Faker

from chiiki.accounts.models import Role
from chiiki.accounts.services import user_create
from chiiki.areas import services as area_services
from chiiki.areas.models import District, LifeArea, Municipality, PopulationRecord
from chiiki.core.allocation import largest_remainder
from chiiki.people.models import CareLevel, Person
from chiiki.people.services import person_bulk_create, volunteer_register

CODE = "352047"
DATE = dt.date(2018, 4, 1)
TOTAL, AGED_65, AGED_75 = 48_234, 19_977, 10_766
DEMO_PASSWORD = "chiiki-demo"

# life area -> districts: (code, name, kana, population weight, aging factor, towns)
LAYOUT: dict[tuple[str, str], list[tuple[str, str, str, float, float, tuple[str, ...]]]] = {
    ("01", "中央圏域"): [
        ("0101", "明倫", "めいりん", 17, 0.85, ("江向", "土原", "平安古町")),
        ("0102", "椿西", "つばきにし", 14, 0.9, ("椿", "山田", "北古萩町")),
        ("0103", "椿東", "ちんとう", 15, 0.9, ("椿東", "中小川", "東浜崎町")),
    ],
    ("02", "東部圏域"): [
        ("0201", "越ヶ浜", "こしがはま", 6, 1.05, ("越ヶ浜", "笠山")),
        ("0202", "大井", "おおい", 7, 1.05, ("大井", "奈古")),
        ("0203", "三見", "さんみ", 3, 1.2, ("三見", "飯井")),
        ("0204", "見島", "みしま", 1.5, 1.35, ("見島",)),
    ],
    ("03", "北部圏域"): [
        ("0301", "田万川", "たまがわ", 6, 1.2, ("江崎", "下田万", "上小川")),
        ("0302", "須佐", "すさ", 5.5, 1.25, ("須佐", "弥富")),
    ],
    ("04", "南部圏域"): [
        ("0401", "むつみ", "むつみ", 3.5, 1.3, ("吉部上", "高佐下")),
        ("0402", "川上", "かわかみ", 2.5, 1.3, ("川上", "高瀬")),
        ("0403", "旭", "あさひ", 4, 1.3, ("明木", "佐々並")),
        ("0404", "福栄", "ふくえ", 4, 1.25, ("福井下", "紫福")),
    ],
}
UNDER_65_BANDS = {
    0: 0.6,
    5: 0.65,
    10: 0.7,
    15: 0.6,
    20: 0.45,
    25: 0.55,
    30: 0.65,
    35: 0.75,
    40: 0.85,
    45: 0.95,
    50: 1.0,
    55: 1.1,
    60: 1.3,
}
BANDS_65_74 = {65: 1.1, 70: 0.95}
BANDS_75 = {75: 0.85, 80: 0.8, 85: 0.6, 90: 0.3, 95: 0.08, 100: 0.012}
MALE_SHARE = {
    **dict.fromkeys(UNDER_65_BANDS, 0.5),
    65: 0.48,
    70: 0.46,
    75: 0.43,
    80: 0.39,
    85: 0.33,
    90: 0.26,
    95: 0.18,
    100: 0.12,
}
# Care certification by age (RULES.md §7, national shape): share certified, then level.
CERTIFIED = {65: 0.03, 70: 0.06, 75: 0.12, 80: 0.26, 85: 0.6, 90: 0.75, 95: 0.85, 100: 0.9}
LEVELS = [
    (CareLevel.SUPPORT_1, 13),
    (CareLevel.SUPPORT_2, 13),
    (CareLevel.CARE_1, 21),
    (CareLevel.CARE_2, 17),
    (CareLevel.CARE_3, 13),
    (CareLevel.CARE_4, 13),
    (CareLevel.CARE_5, 10),
]


@dataclass(frozen=True)
class PopulationCell:
    district: str
    sex: str
    age_from: int
    count: int


def population_cells() -> list[PopulationCell]:
    """Cells (district, sex, band) that add up exactly to the guide's three figures."""
    districts = [d for ds in LAYOUT.values() for d in ds]
    cells: list[PopulationCell] = []
    for total, bands, aging in (
        (TOTAL - AGED_65, UNDER_65_BANDS, lambda f: 1.0),
        (AGED_65 - AGED_75, BANDS_65_74, lambda f: f),
        (AGED_75, BANDS_75, lambda f: f * f),
    ):
        keys: list[tuple[str, str, int]] = []
        weights: list[float] = []
        for code, _name, _kana, weight, factor, _towns in districts:
            for age_from, band_weight in bands.items():
                for sex, share in (("M", MALE_SHARE[age_from]), ("F", 1 - MALE_SHARE[age_from])):
                    keys.append((code, sex, age_from))
                    weights.append(weight * aging(factor) * band_weight * share)  # type: ignore[no-untyped-call]
        for (code, sex, age_from), count in zip(
            keys, largest_remainder(total, weights), strict=True
        ):
            cells.append(PopulationCell(code, sex, age_from, count))
    return cells


def _birth_date(rng: random.Random, age_from: int) -> dt.date:
    """A birth date giving an age in [age_from, age_from + 4] on DATE (100+: up to 105)."""
    age = age_from + rng.randint(0, 4 if age_from < 100 else 5)
    latest = DATE.replace(year=DATE.year - age)  # turned `age` on DATE
    return latest - dt.timedelta(days=rng.randint(0, 364))


def _care_level(rng: random.Random, age_from: int) -> str:
    if rng.random() < CERTIFIED[age_from]:
        return rng.choices([lv for lv, _ in LEVELS], weights=[w for _, w in LEVELS])[0]
    if age_from >= 75 and rng.random() < 0.03:
        return CareLevel.PROGRAM_ELIGIBLE
    return CareLevel.NONE


def _lives_alone(rng: random.Random, age_from: int, sex: str) -> bool:
    base = 0.14 if age_from < 75 else 0.22 if age_from < 85 else 0.3
    return rng.random() < base * (1.3 if sex == "F" else 0.7)


def make_people(municipality: Municipality, seed: int) -> list[Person]:
    """One synthetic person for every resident aged 65+ in the population table."""
    rng = random.Random(seed)
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    districts = {d.code: d for d in municipality.districts.all()}
    towns = {code: t for ds in LAYOUT.values() for code, *_rest, t in ds}
    people: list[Person] = []
    serial = 0
    for cell in population_cells():
        if cell.age_from < 65:
            continue
        district = districts[cell.district]
        for _ in range(cell.count):
            serial += 1
            family, family_kana, _ = fake.last_name_pair()
            given, given_kana, _ = (
                fake.first_name_male_pair() if cell.sex == "M" else fake.first_name_female_pair()
            )
            town = rng.choice(towns[cell.district])
            people.append(
                Person(
                    municipality=municipality,
                    district=district,
                    family_name=family,
                    given_name=given,
                    family_kana=family_kana,
                    given_kana=given_kana,
                    sex=cell.sex,
                    birth_date=_birth_date(rng, cell.age_from),
                    address=f"山口県萩市{town}{rng.randint(1, 999)}番地",
                    phone=f"0838-{rng.randint(20, 29)}-{rng.randint(0, 9999):04d}"
                    if rng.random() < 0.93
                    else "",
                    lives_alone=_lives_alone(rng, cell.age_from, cell.sex),
                    care_level=_care_level(rng, cell.age_from),
                    insured_number=f"{3520470000 + serial:010d}"[-10:],
                )
            )
    return people


def _build_areas() -> Municipality:
    municipality = area_services.municipality_create(
        code=CODE, name="萩市", kana="はぎし", prefecture_code="35", prefecture_name="山口県"
    )
    order = 0
    created: dict[str, District] = {}
    for (la_code, la_name), districts in LAYOUT.items():
        life_area = area_services.life_area_create(
            municipality=municipality, code=la_code, name=la_name, order=int(la_code)
        )
        for code, name, kana, *_ in districts:
            order += 1
            created[code] = area_services.district_create(
                life_area=life_area, code=code, name=name, kana=kana, order=order
            )
    codes = list(created)
    for i, code in enumerate(codes):  # neighbours: the next district in the same life area
        if i + 1 < len(codes) and codes[i + 1][:2] == code[:2]:
            created[code].neighbours.add(created[codes[i + 1]])
    PopulationRecord.objects.bulk_create(
        PopulationRecord(
            municipality=municipality,
            district=created[c.district],
            date=DATE,
            sex=c.sex,
            age_from=c.age_from,
            count=c.count,
        )
        for c in population_cells()
    )
    return municipality


def _build_users(municipality: Municipality, rng: random.Random) -> list[tuple[str, str]]:
    life_areas = {la.code: la for la in municipality.life_areas.all()}
    volunteers = list(
        Person.objects.filter(
            municipality=municipality, care_level=CareLevel.NONE, birth_date__gt=dt.date(1948, 1, 1)
        ).order_by("id")[:2000]
    )
    picked = rng.sample(volunteers, 60)
    for person in picked:
        volunteer_register(
            person=person,
            registered_on=dt.date(2018, 4, 1) + dt.timedelta(days=rng.randint(0, 365)),
        )
    users: list[tuple[str, Role, str, list[LifeArea], Person | None]] = [
        ("admin", Role.ADMINISTRATOR, "管理者 山本", [], None),
        ("shokuin", Role.MUNICIPAL, "萩市 介護保険課 田中", [], None),
        ("hokatsu", Role.SUPPORT_CENTER, "中央包括 保健師 中村", [life_areas["01"]], None),
        ("sc", Role.COORDINATOR, "生活支援コーディネーター 小林", [life_areas["04"]], None),
        ("volunteer", Role.VOLUNTEER, f"ボランティア {picked[0].family_name}", [], picked[0]),
        ("ken", Role.PREFECTURE, "山口県 長寿社会課 加藤", [], None),
    ]
    for username, role, name, areas, linked in users:
        user_create(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            display_name=name,
            municipality=None if role == Role.PREFECTURE else municipality,
            prefecture=municipality.prefecture if role == Role.PREFECTURE else None,
            life_areas=areas,
            person=linked,
        )
    return [(u[0], Role(u[1]).label) for u in users]


# Each module adds its own demo data; every step is idempotent, so a second run of
# `chiiki demo` on an existing database adds what a newer module brings and nothing else.
MODULE_STEPS = (
    "chiiki.surveys.demo",
    "chiiki.resources.demo",
    "chiiki.mutualaid.demo",
    "chiiki.councils.demo",
    "chiiki.casemeetings.demo",
    "chiiki.indicators.demo",
    "chiiki.prefecture.demo",
)


def build_modules(municipality: Municipality, seed: int) -> None:
    for name in MODULE_STEPS:
        import_module(name).build(municipality, seed)


def existing() -> Municipality | None:
    return Municipality.objects.filter(code=CODE).first()


@transaction.atomic
def build(seed: int = 2018) -> Municipality:
    """Build the demo municipality from scratch (the caller checks it is not there yet)."""
    rng = random.Random(seed)
    municipality = _build_areas()
    person_bulk_create(people=make_people(municipality, seed), channel="demo")
    _build_users(municipality, rng)
    return municipality


def logins() -> list[tuple[str, str, str]]:
    from chiiki.accounts.models import User

    return [
        (u.username, DEMO_PASSWORD, u.role_label)
        for u in User.objects.filter(
            username__in=[
                "admin",
                "shokuin",
                "hokatsu",
                "sc",
                "volunteer",
                "ken",
                "kumamoto",
                "advisor",
            ]
        ).order_by("id")
    ]
