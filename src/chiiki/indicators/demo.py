"""The indicators' demo data: ten years of a synthetic 萩市's figures.

- Population tables for 1 April of 2009 to 2017, made from the April 2018 table (the one the
  guide profiles) by walking each cell back with a smooth yearly change: 2.8% fewer people
  under 65 each year, 1% more aged 65–74 and 0.5% more aged 75+, so that the total falls
  from about 55,000 as the city's did. Approximate, for the shape only.
- The 介護保険事業状況報告 for FY2009–2018: a certification rate that rises to 2014 and then
  falls as prevention takes hold, and benefit costs that rise and then level off, the shape
  of the guide's charts (国東市, 高松市). The 第7期 premium is the guide's 5,190円.
- The support centers: 直営で2カ所, as the guide says.
- A year of gathering places (通いの場) in FY2018 (平成30年度, April 2018 to March 2019).
  The demo's records are of that year: the population table of 1 April 2018 the guide
  profiles, the council meetings and issues, the case meetings, the mutual-aid weeks and
  the volunteers registered, and the grant's indicators of 平成30年度 (the survey, mailed in
  January 2018, is the one made for planning that year). The directory of the resources
  demo has 28 places for 19,977 people aged 65+, one for every 700; the country has one
  for about every 280. So 38 more residents' groups (百歳体操, 町内会のサロン) are added to
  the directory, founded from FY2015 on; four started in the year, three of them in the
  中央圏域 after its council decided on the issue 「体操の集いが歩いて行ける範囲にない」.
  Each place's registered residents
  live in its district or a neighbouring one (mostly women, mostly aged 75–89, rarely with
  care level 3 or more); on each day the place's timetable opens, 70–90% of those
  registered that day come. Three places keep headcount-only sheets (the drop-in café among
  them). The rate comes out about 6–7% of those aged 65+, as nationally.
- The grant's self-assessment of FY2018 by the municipal officer: each indicator answered,
  the evidence picked from the candidates the grant's own finder proposes for the year,
  and one 「はい」 left without evidence (the visiting service created the year before has
  no record of this year), so the page shows the flag.

No figure here is the real city's except those the guide prints for April 2018.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db import transaction

from chiiki.accounts.models import User
from chiiki.areas.models import District, Municipality, PopulationRecord
from chiiki.indicators.grant import evidence as grant_evidence
from chiiki.indicators.grant.catalog import catalog_for_year
from chiiki.indicators.grant.services import grant_answer_save
from chiiki.indicators.models import (
    Attendance,
    AttendanceCount,
    CenterProfile,
    GrantAnswerChoice,
    GrantAssessment,
    InsuranceYear,
    PlaceRegistration,
)
from chiiki.indicators.profile import plan_period
from chiiki.indicators.services.attendance import KAYOI
from chiiki.people.models import CareLevel, Person
from chiiki.resources import calendar, hsds
from chiiki.resources.demo import CAFE_ID
from chiiki.resources.models import Service
from chiiki.resources.selectors import service_timetable
from chiiki.resources.services import directory_import
from chiiki.resources.taxonomy import NAMESPACE
from chiiki.web.demo import CODE as DEMO_CODE
from chiiki.web.demo import LAYOUT

FIRST_YEAR, LAST_YEAR = 2009, 2018
# Yearly change of each age group, going back from 2018 (×per year).
BACK = {"under_65": 1.028, "65_74": 0.99, "75": 0.995}
# The certification rate (%) by fiscal year, and the benefit cost per certified person (円).
RATES = {
    2009: 19.2, 2010: 19.8, 2011: 20.4, 2012: 20.9, 2013: 21.3,
    2014: 21.5, 2015: 21.2, 2016: 20.8, 2017: 20.5, 2018: 20.3,
}  # fmt: skip
COST_PER_CERTIFIED = 1_450_000
# 第1号保険料 (monthly standard amount) by plan period: 4期 2009–11, 5期, 6期, 7期 2018–.
PREMIUMS = {4: 4_180, 5: 4_790, 6: 5_090, 7: 5_190}
# The shares of the certified by level: 要支援1, 要支援2, 要介護1 … 要介護5.
LEVEL_SHARES = (0.14, 0.13, 0.21, 0.17, 0.13, 0.12, 0.10)


def _group(age_from: int) -> str:
    return "under_65" if age_from < 65 else "65_74" if age_from < 75 else "75"


def _population(municipality: Municipality) -> dict[int, int]:
    """Add the tables of 2009–2017; return each year's population aged 65+."""
    base = list(
        PopulationRecord.objects.filter(municipality=municipality, date=dt.date(LAST_YEAR, 4, 1))
    )
    aged = {LAST_YEAR: sum(c.count for c in base if c.age_from >= 65)}
    if not base:
        return aged
    new = []
    for year in range(FIRST_YEAR, LAST_YEAR):
        steps = LAST_YEAR - year
        for c in base:
            count = round(c.count * BACK[_group(c.age_from)] ** steps)
            new.append(
                PopulationRecord(
                    municipality=municipality,
                    district_id=c.district_id,
                    date=dt.date(year, 4, 1),
                    sex=c.sex,
                    age_from=c.age_from,
                    count=count,
                )
            )
            if c.age_from >= 65:
                aged[year] = aged.get(year, 0) + count
    PopulationRecord.objects.bulk_create(new, batch_size=2000)
    return aged


def _insurance(municipality: Municipality) -> None:
    """The population tables of 2009–2017 and the insurer's ten years (once)."""
    if InsuranceYear.objects.filter(municipality=municipality).exists():
        return
    aged = _population(municipality)
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        insured = aged.get(year) or aged[LAST_YEAR]
        certified = round(insured * RATES[year] / 100)
        levels = [round(certified * s) for s in LEVEL_SHARES]
        levels[2] += certified - sum(levels)  # the rounding's remainder to 要介護1
        InsuranceYear.objects.create(
            municipality=municipality,
            fiscal_year=year,
            insured_65=insured,
            support_1=levels[0],
            support_2=levels[1],
            care_1=levels[2],
            care_2=levels[3],
            care_3=levels[4],
            care_4=levels[5],
            care_5=levels[6],
            benefit_cost=certified * (COST_PER_CERTIFIED + 12_000 * (year - FIRST_YEAR)),
            premium_monthly=PREMIUMS[plan_period(year)],
        )


# --- gathering places: FY2018 ---------------------------------------------------------------

FISCAL_YEAR = 2018
YEAR_START, YEAR_END = dt.date(FISCAL_YEAR, 4, 1), dt.date(FISCAL_YEAR + 1, 3, 31)
SOURCE = "平成30年度 通いの場 出席簿"
# New residents' groups by district code (the directory's 28 places leave the centre thin).
NEW_PLACES = {
    "0101": 6, "0102": 4, "0103": 6, "0201": 2, "0202": 3, "0203": 1,
    "0204": 1, "0301": 3, "0302": 3, "0401": 2, "0402": 1, "0403": 3, "0404": 3,
}  # fmt: skip
# The others were founded from FY2015 (the 総合事業's first year) to the year before the demo's.
FOUNDED = (dt.date(2015, 4, 1), dt.date(2018, 3, 31))
EARLIEST = dt.date(2014, 4, 1)  # registrations at the directory's undated places start from
# Started in the year: (district code, the n-th new place there, its first day). The 中央圏域
# decided on 「体操の集いが歩いて行ける範囲にない」 in September 2018.
STARTED = {
    ("0101", 0): dt.date(2018, 10, 4),
    ("0103", 0): dt.date(2018, 11, 6),
    ("0103", 1): dt.date(2018, 12, 5),
    ("0202", 0): dt.date(2018, 6, 7),
}
GROUP_KINDS = (
    ("{town}百歳体操の会", ("kayoi", "taiso"), "週1回、重りを使った体操とお茶の時間。"),
    ("{town}町内会サロン", ("kayoi",), "町内会の集会所でおしゃべりと軽い体操。"),
    ("{town}ふれあい・いきいきサロン", ("kayoi",), "社協の支援で住民が運営するサロン。"),
    ("{town}いきいき健康クラブ", ("kayoi", "taiso"), "体操と脳トレ、季節の行事。"),
)
GROUP_HOURS = (((9, 30), (11, 0)), ((10, 0), (11, 30)), ((13, 30), (15, 0)))
HEADCOUNT_PLACES = 2  # besides the drop-in café, places whose sheets give a headcount only
# Who registers: weights by sex, by the age band on the year's last day and by care level.
SEX_WEIGHT = {"F": 2.6, "M": 1.0}
AGE_WEIGHT = ((70, 0.55), (75, 0.9), (80, 1.3), (85, 1.3), (90, 0.75), (200, 0.2))
CARE_WEIGHT: dict[str, float] = {
    CareLevel.NONE: 1.0,
    CareLevel.PROGRAM_ELIGIBLE: 1.1,
    CareLevel.SUPPORT_1: 0.8,
    CareLevel.SUPPORT_2: 0.6,
    CareLevel.CARE_1: 0.25,
    CareLevel.CARE_2: 0.1,
}
NEIGHBOUR_WEIGHT = 0.15
MAX_PLACES = 2  # a resident registered at more places is rare; the demo stops at two


def _new_place_records(municipality: Municipality, seed: int) -> list[hsds.ServiceRecord]:
    """The residents' groups added to the directory (deterministic ids and contents)."""
    rng = random.Random(seed * 11 + 3)
    towns = {code: ts for ds in LAYOUT.values() for code, *_rest, ts in ds}
    records: list[hsds.ServiceRecord] = []
    seen: dict[str, int] = {}

    def uid(*parts: object) -> str:
        key = "/".join(str(p) for p in ("demo", municipality.code, "indicators", *parts))
        return str(uuid.uuid5(NAMESPACE, key))

    for code, count in NEW_PLACES.items():
        for n in range(count):
            town = rng.choice(towns[code])
            pattern, categories, note = rng.choice(GROUP_KINDS)
            key = (code, n)
            if key in STARTED and code.startswith("01"):  # the groups the issue called for
                pattern, categories, note = GROUP_KINDS[0]
            name = pattern.format(town=town)
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name}（その{seen[name]}）"
            opens, closes = rng.choice(GROUP_HOURS)
            days = rng.choice([("MO",), ("TU",), ("WE",), ("TH",), ("FR",), ("TU", "FR")])
            founded = STARTED.get(key) or _random_day(rng, *FOUNDED)
            records.append(
                hsds.ServiceRecord(
                    uuid=uid("place", code, n),
                    name=name,
                    organization=hsds.OrganizationRecord(
                        uuid=uid("org", town), name=f"{town}自治会", provider_kind="jumin"
                    ),
                    description=f"{town}の住民が運営する通いの場。{note}",
                    district_code=code,
                    categories=categories,
                    capacity=rng.choice([15, 20, 20, 25, 30]),
                    eligibility_description="おおむね65歳以上の方",
                    fees_description="1回100円（お茶代）",
                    closed_on_holidays=True,
                    closed_year_end=True,
                    locations=(
                        hsds.LocationRecord(
                            uuid=uid("location", code, n),
                            at_uuid=uid("at", code, n),
                            name=f"{town}集会所",
                            address_1=f"{town}{rng.randint(1, 999)}番地",
                            city=municipality.name,
                            state_province=municipality.prefecture.name,
                            district_code=code,
                        ),
                    ),
                    schedules=(
                        hsds.ScheduleRecord(
                            uuid=uid("schedule", code, n),
                            freq="WEEKLY",
                            byday=",".join(days),
                            valid_from=founded,
                            opens_at=dt.time(*opens),
                            closes_at=dt.time(*closes),
                        ),
                    ),
                    cost_options=(hsds.CostRecord(uid("cost", code, n), "1回", 100),),
                    areas=(hsds.AreaRecord(uid("area", code, n), town, code),),
                )
            )
    return records


@dataclass
class _Pool:
    """The residents who may register at places of one district, with their weights."""

    ids: np.ndarray
    weights: np.ndarray


def _age_weight(birth: dt.date) -> float:
    age = YEAR_END.year - birth.year - ((YEAR_END.month, YEAR_END.day) < (birth.month, birth.day))
    return next(w for below, w in AGE_WEIGHT if age < below)


def _pools(municipality: Municipality) -> dict[int, _Pool]:
    """For each district, its residents (and at a lower weight its neighbours')."""
    own: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for pk, district_id, sex, birth, level in (
        Person.objects.filter(municipality=municipality, moved_out_on__isnull=True)
        .order_by("id")
        .values_list("id", "district_id", "sex", "birth_date", "care_level")
    ):
        weight = CARE_WEIGHT.get(level, 0.0) * SEX_WEIGHT.get(sex, 1.0)
        if weight and district_id:
            own[district_id].append((pk, weight * _age_weight(birth)))
    pools: dict[int, _Pool] = {}
    for district in District.objects.filter(municipality=municipality).prefetch_related(
        "neighbours"
    ):
        rows = list(own[district.pk])
        for n in district.neighbours.all():
            rows += [(pk, w * NEIGHBOUR_WEIGHT) for pk, w in own[n.pk]]
        if rows:
            pools[district.pk] = _Pool(
                np.array([r[0] for r in rows]), np.array([r[1] for r in rows])
            )
    return pools


def _open_days(service: Service) -> list[dt.date]:
    days = calendar.days_between(service_timetable(service), YEAR_START, YEAR_END)
    return [d.date for d in days if d.open]


def _random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _imported_at(day: dt.date) -> dt.datetime:
    """Sheets are brought in monthly: the 10th of the next month, at 10:00 (JST)."""
    month = dt.date(day.year + day.month // 12, day.month % 12 + 1, 10)
    return dt.datetime.combine(month, dt.time(1, 0), tzinfo=dt.UTC)


class _Year:
    """One place's year: its registrations and named attendances, or its headcounts."""

    def __init__(self, municipality: Municipality, rng: random.Random) -> None:
        self.m, self.rng = municipality, rng
        self.np_rng = np.random.default_rng(rng.getrandbits(32))
        self.places_of: dict[int, int] = defaultdict(int)
        self.registrations: list[PlaceRegistration] = []
        self.attendances: list[Attendance] = []
        self.counts: list[AttendanceCount] = []

    def named(self, place: Service, pool: _Pool, start: dt.date | None) -> None:
        days = _open_days(place)
        if not days:
            return
        wanted = round((place.capacity or 15) * self.rng.uniform(0.9, 1.2))
        free = np.array([self.places_of[int(i)] < MAX_PLACES for i in pool.ids])
        weights = pool.weights * free
        k = min(wanted, int(np.count_nonzero(weights)))
        if not k:
            return
        chosen = self.np_rng.choice(pool.ids, size=k, replace=False, p=weights / weights.sum())
        people = []
        for pk in sorted(int(i) for i in chosen):
            self.places_of[pk] += 1
            first, last = self._span(start, days[-1])
            self.registrations.append(
                PlaceRegistration(
                    municipality_id=self.m.pk,
                    place_id=place.pk,
                    person_id=pk,
                    registered_from=first,
                    registered_to=last,
                )
            )
            people.append((pk, first, last or YEAR_END, self.rng.uniform(0.6, 1.0)))
        for day in days:
            here = [p for p in people if p[1] <= day <= p[2]]
            if not here:
                continue
            share = self.rng.uniform(0.70, 0.90) * len(here) / sum(p[3] for p in here)
            for pk, _first, _last, regular in here:
                if self.rng.random() < share * regular:
                    self.attendances.append(
                        Attendance(
                            municipality_id=self.m.pk,
                            place_id=place.pk,
                            person_id=pk,
                            day=day,
                            source=SOURCE,
                            imported_at=_imported_at(day),
                        )
                    )

    def _span(self, start: dt.date | None, last_day: dt.date) -> tuple[dt.date, dt.date | None]:
        """A registration: most from before the year (from the place's founding, when the
        directory knows it) or from a new place's first weeks, some joining in the year, a
        few leaving before its end."""
        founded = start or EARLIEST
        if founded >= YEAR_START:  # a place started in the year
            first = _random_day(self.rng, founded, founded + dt.timedelta(days=30))
            if self.rng.random() < 0.25:
                first = _random_day(self.rng, founded, last_day)
        elif self.rng.random() < 0.88:
            first = _random_day(self.rng, founded, YEAR_START - dt.timedelta(days=1))
        else:
            first = _random_day(self.rng, dt.date(2018, 4, 15), dt.date(2019, 2, 28))
        left = None
        if self.rng.random() < 0.06 and first + dt.timedelta(days=60) < last_day:
            left = _random_day(self.rng, max(first, YEAR_START) + dt.timedelta(days=60), last_day)
        return first, left

    def headcounts(self, place: Service, with_65: bool) -> None:
        top = place.capacity or 20
        for day in _open_days(place):
            n = max(1, round(top * self.rng.uniform(0.45, 0.9)))
            aged = max(0, n - self.rng.choice([0, 0, 1, 1, 2, 3])) if with_65 else None
            self.counts.append(
                AttendanceCount(
                    municipality_id=self.m.pk,
                    place_id=place.pk,
                    day=day,
                    participants=n,
                    participants_65=aged,
                    source=SOURCE,
                    imported_at=_imported_at(day),
                )
            )


def is_demo_town(municipality: Municipality) -> bool:
    """The demo's 萩市 with its districts: the gathering places' year and the assessment are
    made for it only (other callers, such as the benchmarks, want the figures alone)."""
    codes = set(District.objects.filter(municipality=municipality).values_list("code", flat=True))
    return municipality.code == DEMO_CODE and {c for ds in LAYOUT.values() for c, *_ in ds} <= codes


def _participation(municipality: Municipality, seed: int) -> None:
    """The year of FY2018 at the municipality's gathering places (once)."""
    stored = (
        PlaceRegistration.objects.filter(municipality=municipality).exists()
        or Attendance.objects.filter(municipality=municipality).exists()
        or AttendanceCount.objects.filter(municipality=municipality).exists()
    )
    if stored:
        return
    pools = _pools(municipality)
    if not pools:
        return
    new = _new_place_records(municipality, seed)
    directory_import(municipality=municipality, records=new)
    starts = {
        r.uuid: r.schedules[0].valid_from for r in new if r.schedules and r.schedules[0].valid_from
    }
    places = list(
        Service.objects.filter(municipality=municipality, category_codes__contains=f"|{KAYOI}|")
        .prefetch_related("schedules")
        .order_by("id")
    )
    rng = random.Random(seed * 13 + 1)
    added = {r.uuid for r in new}
    older = [p for p in places if str(p.uuid) not in added and str(p.uuid) != CAFE_ID]
    counted = {
        CAFE_ID,
        *(str(p.uuid) for p in rng.sample(older, min(HEADCOUNT_PLACES, len(older)))),
    }
    year = _Year(municipality, rng)
    for place in places:
        if str(place.uuid) in counted:
            year.headcounts(place, with_65=str(place.uuid) != CAFE_ID)
        elif place.district_id in pools:
            year.named(place, pools[place.district_id], starts.get(str(place.uuid)))
    PlaceRegistration.objects.bulk_create(year.registrations, batch_size=2000)
    Attendance.objects.bulk_create(year.attendances, batch_size=2000)
    AttendanceCount.objects.bulk_create(year.counts, batch_size=2000)


# --- the grant's self-assessment: FY2018 ---------------------------------------------------

DEMENTIA_TRAINING = "認知症サポーター養成講座"
ANSWERED_AT = dt.datetime(2019, 3, 22, 6, 0, tzinfo=dt.UTC)  # 15:00 JST, the year's end
# indicator id: (answer, note); the evidence is picked below from the year's candidates.
ANSWERS = {
    "dementia-volunteers": (
        GrantAnswerChoice.YES,
        "ちょい加勢のボランティア養成の中で認知症サポーター養成講座を実施。",
    ),
    "diverse-services": (
        GrantAnswerChoice.YES,
        "訪問型サービスB「ちょい加勢」（平成29年度創設）を継続して実施。",
    ),
    "sc-groundwork": (
        GrantAnswerChoice.YES,
        "圏域ごとの協議体で地域の困りごとを把握し、課題の登録簿で協議。",
    ),
    "sc-resources-developed": (
        GrantAnswerChoice.YES,
        "課題から通院・買い物送迎を開発。中央圏域で百歳体操の会を3か所立ち上げ。",
    ),
}
FLAGGED = "diverse-services"  # 「はい」 left without evidence: the flag shows on the page


def _picks(indicator_id: str, found: dict[str, list[grant_evidence.Candidate]]) -> list:
    """The records the officer links to each answer, among the year's candidates."""
    if indicator_id == FLAGGED:
        return []
    picked: list[grant_evidence.Candidate] = []
    if indicator_id == "dementia-volunteers":
        picked = [c for c in found.get("volunteer", []) if DEMENTIA_TRAINING in c.label]
    elif indicator_id == "sc-groundwork":
        first_of: dict[str, grant_evidence.Candidate] = {}
        for c in found.get("meeting", []):
            if "圏域" in c.label:
                first_of.setdefault(c.label, c)  # the first meeting of each life area's body
        picked = [*first_of.values(), *found.get("issue", [])]
    elif indicator_id == "sc-resources-developed":
        # A directory entry started in the year (not the café: its one-off Sunday opening
        # is not its start), and the body's meetings of the month the issue was decided.
        picked = [c for c in found.get("resource", []) if "カフェ" not in c.label]
        picked += [
            c
            for c in found.get("meeting", [])
            if "中央圏域" in c.label
            and c.on
            and dt.date(2018, 9, 1) <= c.on <= dt.date(2018, 10, 31)
        ]
    return [(c.kind, c.record_id) for c in picked]


def _assessment(municipality: Municipality) -> None:
    """The officer's answers for FY2018 with their evidence (once)."""
    if GrantAssessment.objects.filter(municipality=municipality, fiscal_year=FISCAL_YEAR).exists():
        return
    officer = User.objects.filter(municipality=municipality, username="shokuin").first()
    catalog = catalog_for_year(FISCAL_YEAR)
    kinds = sorted({k for i in catalog.indicators for k in i.evidence})
    found = grant_evidence.candidates(
        municipality_id=municipality.pk, fiscal_year=FISCAL_YEAR, kinds=kinds
    )
    for indicator in catalog.indicators:
        answer, note = ANSWERS.get(indicator.id, (GrantAnswerChoice.NO, ""))
        picks = _picks(indicator.id, found)
        if indicator.id != FLAGGED and not picks:
            answer = GrantAnswerChoice.NO  # without the records, the officer would not say yes
        grant_answer_save(
            user=officer,
            municipality=municipality,
            fiscal_year=FISCAL_YEAR,
            indicator_id=indicator.id,
            answer=answer,
            note=note,
            evidence=picks,
            at=ANSWERED_AT,
        )


@transaction.atomic
def build(municipality: Municipality, seed: int) -> None:
    """Add this module's demo data unless it is there already: each part once, so that a
    database built before a part existed gets that part and nothing twice."""
    _insurance(municipality)
    CenterProfile.objects.get_or_create(municipality=municipality, defaults={"direct": 2})
    if is_demo_town(municipality):
        _participation(municipality, seed)
        _assessment(municipality)
