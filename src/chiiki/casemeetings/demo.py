"""Demo data of community care meetings (地域ケア会議) in the demo 萩市, fiscal 2018.

Two individual series meet monthly: the centre's 自立支援型 meeting (要支援・事業対象者; 豊明市's
shape: 90 minutes, 4 cases of 5 + 3 + 10 + 2 minutes), hosted by the 中央 support center
and run by its nurse (the demo login ``hokatsu``), and the municipality's 要介護 meeting
(要介護1・2; a short lecture and 3 cases), run by the administrator. Their cases are the
demo's synthetic residents, followed 初回 → 中間 → 終了前 as the meetings' time allows:
a meeting first takes the reviews that fall due, then new cases. Each case's sheet comes from
:mod:`demo_sheets`: transport and shopping recur in the rural south (南部圏域), dementia in the
centre, so that the roll-up finds them; transport is carried to the register, with a measure
proposed and brought to the municipality's 地域ケア推進会議.

An outside physiotherapist (the demo login ``advisor``) is invited to nearly every individual
meeting and sees the cases anonymised. The year ends at :data:`TODAY`, the day the follow-up
board is read: some cases are still open, some of their reviews overdue. Everything follows
from the seed; a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import cycle

from django.db import transaction
from faker import Faker

from chiiki.accounts.models import Role, User
from chiiki.accounts.services import user_create
from chiiki.areas.models import District, LifeArea, Municipality
from chiiki.casemeetings import selectors, services
from chiiki.casemeetings.demo_sheets import (
    CARE_DECKS,
    CENTRE_DECK,
    DROPPED,
    FALLBACK,
    PROFILES,
    REGION_DECK,
    Profile,
    TaskSpec,
)
from chiiki.casemeetings.models import (
    Case,
    CaseMeeting,
    Focus,
    Kind,
    Outcome,
    PlanTask,
    Review,
    Series,
    Stage,
)
from chiiki.people.models import CareLevel, Person
from chiiki.people.services import person_create
from chiiki.resources.models import Service

FISCAL_YEAR = 2018
TODAY = dt.date(2019, 3, 29)  # the last weekday of fiscal 2018: the follow-up board's day
MID_DAYS, CLOSING_DAYS = 91, 182  # 中間 after 3 months, 終了前 after 6
SOON = dt.timedelta(days=14)  # a review due within two weeks goes on this meeting's agenda

ADVISOR = "advisor"
ADVISOR_NAME = "理学療法士（市民病院）"
ADVISOR_ORGANISATION = "萩市民病院 リハビリテーション科"
# The physiotherapist could not come in August (お盆): those two meetings went without.
ADVISOR_SKIPS_MONTH = 8

INDEPENDENCE = "中央圏域 自立支援型地域ケア会議"
CARE = "萩市 要介護地域ケア会議"
PROMOTION = "萩市地域ケア推進会議"


@dataclass(frozen=True)
class SeriesPlan:
    key: str  # the case numbers' prefix
    weekday: int  # Monday 0
    week: int  # the n-th such weekday of the month
    capacity: int  # cases a meeting takes
    followups: tuple[int, ...]  # at most this many reviews of earlier cases, month by month
    mid_days: int = MID_DAYS
    closing_days: int = CLOSING_DAYS
    fates: tuple[int, int, int] = (55, 30, 15)  # weights of "full", "early" and "drop"


PLANS = {
    # 2nd Tuesday; a short-term plan (通所C): 中間 after 3 months, 終了前 after 6.
    INDEPENDENCE: SeriesPlan("J", 1, 2, 4, (3, 2)),
    # 4th Thursday; 要介護 plans run longer (中間 after 4 months, 終了前 after 8), and more of
    # them end in hospital or a care home.
    CARE: SeriesPlan("K", 3, 4, 3, (2,), 120, 240, (60, 15, 25)),
}


# --- the plan: which case is reviewed at which meeting (pure) -------------------------------


@dataclass
class PlannedCase:
    number: str
    opened: dt.date
    fate: str  # "full": 中間 then 終了前; "early": closed at 中間 (met); "drop": ended outside
    result: str  # the outcome at the closing review
    mid_days: int = MID_DAYS
    closing_days: int = CLOSING_DAYS
    reviews: list[tuple[str, dt.date]] = field(default_factory=list)
    dropped_on: dt.date | None = None

    @property
    def stages(self) -> list[str]:
        return [s for s, _ in self.reviews]

    def finished(self) -> bool:
        return Stage.CLOSING in self.stages or (self.fate == "early" and Stage.MID in self.stages)

    def closed_by(self, day: dt.date) -> bool:
        return self.finished() or (self.dropped_on is not None and self.dropped_on <= day)

    def next_review(self) -> tuple[str, dt.date]:
        if Stage.MID not in self.stages:
            return Stage.MID, self.opened + dt.timedelta(days=self.mid_days)
        return Stage.CLOSING, self.opened + dt.timedelta(days=self.closing_days)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7, weeks=n - 1)


def meeting_days(plan: SeriesPlan, fiscal_year: int = FISCAL_YEAR) -> list[dt.date]:
    months = [(fiscal_year, m) for m in range(4, 13)] + [(fiscal_year + 1, m) for m in (1, 2, 3)]
    return [nth_weekday(y, m, plan.weekday, plan.week) for y, m in months]


def _new_case(plan: SeriesPlan, serial: int, day: dt.date, rng: random.Random) -> PlannedCase:
    fate = rng.choices(["full", "early", "drop"], plan.fates)[0]
    result = rng.choices([Outcome.MET, Outcome.PARTLY, Outcome.NOT_MET], [45, 40, 15])[0]
    case = PlannedCase(
        f"{plan.key}{FISCAL_YEAR}-{serial:03d}", day, fate, result, plan.mid_days, plan.closing_days
    )
    case.reviews.append((Stage.INITIAL, day))
    if fate == "drop":
        ended = day + dt.timedelta(days=rng.randint(40, 80))
        if ended <= TODAY:
            case.dropped_on = ended
        else:
            case.fate = "full"
    return case


def plan_series(
    plan: SeriesPlan, days: Sequence[dt.date], rng: random.Random
) -> tuple[list[PlannedCase], dict[dt.date, list[tuple[PlannedCase, str]]]]:
    """The cases of one series and each meeting's agenda: the reviews falling due within two
    weeks first (the earliest first, as many as the month allows), then new cases."""
    cases: list[PlannedCase] = []
    agendas: dict[dt.date, list[tuple[PlannedCase, str]]] = {}
    for month, day in enumerate(days):
        waiting = sorted(
            (c for c in cases if not c.closed_by(day) and c.next_review()[1] <= day + SOON),
            key=lambda c: (c.next_review()[1], c.number),
        )
        agenda: list[tuple[PlannedCase, str]] = []
        for case in waiting[: plan.followups[month % len(plan.followups)]]:
            stage = case.next_review()[0]
            case.reviews.append((stage, day))
            agenda.append((case, stage))
        while len(agenda) < plan.capacity:
            case = _new_case(plan, len(cases) + 1, day, rng)
            cases.append(case)
            agenda.append((case, Stage.INITIAL))
        agendas[day] = agenda
    return cases, agendas


# --- who and where ----------------------------------------------------------------------------


@dataclass
class Cast:
    nurse: User | None
    admin: User | None
    officer: User | None
    coordinator: User | None
    advisor: User | None


def _user(municipality: Municipality, username: str, role: str) -> User | None:
    found = User.objects.filter(municipality=municipality, username=username).first()
    return found or (
        User.objects.filter(municipality=municipality, role=role, is_active=True)
        .order_by("id")
        .first()
    )


def _advisor(municipality: Municipality) -> User | None:
    """The demo's outside professional: the login ``advisor``, made once."""
    from chiiki.web.demo import DEMO_PASSWORD

    taken = User.objects.filter(username=ADVISOR).first()
    if taken is None:
        return user_create(
            username=ADVISOR,
            password=DEMO_PASSWORD,
            role=Role.ADVISOR,
            display_name=ADVISOR_NAME,
            municipality=municipality,
        )
    if taken.municipality_id == municipality.pk:
        return taken
    return User.objects.filter(municipality=municipality, role=Role.ADVISOR).first()


def _cast(municipality: Municipality) -> Cast:
    return Cast(
        nurse=_user(municipality, "hokatsu", Role.SUPPORT_CENTER),
        admin=_user(municipality, "admin", Role.ADMINISTRATOR),
        officer=_user(municipality, "shokuin", Role.MUNICIPAL),
        coordinator=_user(municipality, "sc", Role.COORDINATOR),
        advisor=_advisor(municipality),
    )


@dataclass
class Areas:
    centre: LifeArea
    south: LifeArea
    districts: dict[str, list[District]]  # region ("centre", "south", "other") → districts


def _areas(municipality: Municipality) -> Areas:
    """The demo's 中央圏域 (code 01) and 南部圏域 (code 04); elsewhere the first and the last
    life area."""
    areas = list(LifeArea.objects.filter(municipality=municipality).order_by("order", "code"))
    by_code = {a.code: a for a in areas}
    centre = by_code.get("01", areas[0])
    south = by_code.get("04", areas[-1])
    districts: dict[str, list[District]] = defaultdict(list)
    for d in District.objects.filter(municipality=municipality).order_by("order", "code"):
        region = (
            "centre"
            if d.life_area_id == centre.pk
            else "south"
            if d.life_area_id == south.pk
            else "other"
        )
        districts[region].append(d)
    if not districts["other"]:
        districts["other"] = districts["south"] or districts["centre"]
    return Areas(centre, south, districts)


class Residents:
    """The demo's residents at a care level, district by district, each taken once; a
    synthetic one is registered (Faker ja_JP) when a district has none left."""

    def __init__(self, municipality: Municipality, rng: random.Random, seed: int) -> None:
        self.rng, self.fake = rng, Faker("ja_JP")
        self.fake.seed_instance(seed + 31)
        self.pools: dict[tuple[int, str], list[Person]] = defaultdict(list)
        levels = [*SUPPORT_LEVELS, *CARE_LEVELS]
        for p in (
            Person.objects.filter(
                municipality=municipality, care_level__in=levels, moved_out_on__isnull=True
            )
            .select_related("district")
            .order_by("id")
        ):
            self.pools[(p.district_id, _band(p.care_level))].append(p)
        for pool in self.pools.values():
            rng.shuffle(pool)

    def take(self, district: District, levels: Sequence[str], on: dt.date) -> Person:
        pool = self.pools[(district.pk, _band(levels[0]))]
        if pool:
            return pool.pop()
        sex = self.rng.choice("FFM")
        family, family_kana, _ = self.fake.last_name_pair()
        given, given_kana, _ = (
            self.fake.first_name_female_pair() if sex == "F" else self.fake.first_name_male_pair()
        )
        return person_create(
            user=None,
            district=district,
            family_name=family,
            given_name=given,
            family_kana=family_kana,
            given_kana=given_kana,
            sex=sex,
            birth_date=on.replace(year=on.year - self.rng.randint(75, 90)) - dt.timedelta(days=40),
            address=f"山口県萩市{district.name}{self.rng.randint(1, 999)}番地",
            care_level=self.rng.choice(list(levels)),
        )


SUPPORT_LEVELS = (CareLevel.SUPPORT_1, CareLevel.SUPPORT_2, CareLevel.PROGRAM_ELIGIBLE)
CARE_LEVELS = (CareLevel.CARE_1, CareLevel.CARE_2)


def _band(level: str) -> str:
    return "support" if level in SUPPORT_LEVELS else "care"


class Directory:
    """The municipality's informal resources by category: the case's district first, then its
    life area, then anywhere."""

    def __init__(self, municipality: Municipality) -> None:
        self.services = list(
            Service.objects.filter(municipality=municipality)
            .select_related("district")
            .order_by("id")
        )

    def pick(self, category: str | None, district: District) -> Service | None:
        if category is None:
            return None
        found = [s for s in self.services if f"|{category}|" in s.category_codes]
        for near in (
            [s for s in found if s.district_id == district.pk],
            [s for s in found if s.district and s.district.life_area_id == district.life_area_id],
            found,
        ):
            if near:
                return near[0]
        return None


# --- the series and their meetings ------------------------------------------------------------


def _series(municipality: Municipality, areas: Areas) -> dict[str, Series]:
    independence = services.series_save(
        user=None,
        municipality=municipality,
        kind=Kind.INDIVIDUAL,
        focus=Focus.INDEPENDENCE,
        name=INDEPENDENCE,
        host=f"萩市{areas.centre.name.removesuffix('圏域')}地域包括支援センター",
        life_area=areas.centre,
        schedule="毎月第2火曜 13:30〜15:00",
        meetings_per_year=12,
        minutes_per_meeting=90,
        cases_per_meeting=4,
        slots={"presenting": 5, "plan": 3, "advice": 10, "summary": 2},
        professions=["pt", "ot", "pharmacist", "dietitian", "dental_hygienist", "coordinator"],
        functions=["individual", "network", "discovery"],
    )
    care = services.series_save(
        user=None,
        municipality=municipality,
        kind=Kind.INDIVIDUAL,
        focus=Focus.CARE,
        name=CARE,
        host="萩市 高齢者支援課",
        schedule="毎月第4木曜 13:30〜15:00（ミニ講義15分と3事例）",
        meetings_per_year=12,
        minutes_per_meeting=90,
        cases_per_meeting=3,
        slots={"presenting": 5, "plan": 5, "advice": 12, "summary": 3},
        professions=["pt", "ot", "pharmacist", "dietitian", "care_manager", "coordinator"],
        functions=["individual", "network", "discovery"],
    )
    promotion = services.series_save(
        user=None,
        municipality=municipality,
        kind=Kind.PROMOTION,
        focus=Focus.POLICY,
        name=PROMOTION,
        host="萩市 高齢者支援課",
        schedule="年2回（8月・2月）",
        meetings_per_year=2,
        minutes_per_meeting=120,
        cases_per_meeting=0,
        professions=["office", "doctor", "care_manager", "coordinator", "social_worker"],
        functions=["development", "policy"],
    )
    return {INDEPENDENCE: independence, CARE: care, PROMOTION: promotion}


def _invite(meeting: CaseMeeting, user: User | None, profession: str, organisation: str) -> None:
    if user is not None:
        services.invite(
            user=None,
            meeting=meeting,
            invitee=user,
            profession=profession,
            organisation=organisation,
        )


def _meeting(series: Series, day: dt.date, cast: Cast) -> CaseMeeting:
    """A meeting, its host invited (the centre's nurse, or the administrator), the outside
    physiotherapist but in August, and the coordinator at the 要介護 meeting."""
    centre = series.name == INDEPENDENCE
    meeting = services.meeting_create(
        user=None,
        series=series,
        held_on=day,
        starts_at=dt.time(13, 30),
        place="萩市保健センター 研修室" if centre else "萩市役所 本庁舎 3階 会議室",
    )
    if centre:
        _invite(meeting, cast.nurse, "phn", series.host)
    else:
        _invite(meeting, cast.admin, "office", "萩市 高齢者支援課")
        _invite(meeting, cast.coordinator, "coordinator", "萩市社会福祉協議会")
    if day.month != ADVISOR_SKIPS_MONTH:
        _invite(meeting, cast.advisor, "pt", ADVISOR_ORGANISATION)
    return meeting


# --- the cases and their reviews ----------------------------------------------------------------

MID_SOLVE = {
    "ongoing": "1か月後の目標はおおむね届いた。残る差は見直した役割で埋める見込み。終了前の会議で"
    "確かめる。",
    "early": "目標に届いた。本人も「もう大丈夫」と話しており、ここで終了とする。",
}
MID_ADVICE = (
    "PT: 負荷を少し上げてよい。SC: 終了の後も続けられるよう、地区の担い手と顔合わせを。",
    "薬剤師: 服薬は安定している。OT: できるようになった動作を家族とも共有する。",
    "管理栄養士: 体重は月1回測る。SC: 地域の通いの場を終了後の受け皿にする。",
)
CLOSING_STATE: dict[str, str] = {
    Outcome.MET: "目標を達成し、自分で続けられている。",
    Outcome.PARTLY: "目標の一部に届いたが、続けるには支えが要る。",
    Outcome.NOT_MET: "目標には届かなかった。",
}
CLOSING_SOLVE: dict[str, str] = {
    Outcome.MET: "終了の後も地域の資源で続けられる。",
    Outcome.PARTLY: "残った差は地域の資源の不足による。地域の課題として挙げる。",
    Outcome.NOT_MET: "今のサービスと地域の資源では差を埋められなかった。地域の課題として挙げる。",
}


def _key(profile: Profile, outcome: str) -> str:
    keys: dict[str, str] = {Outcome.MET: profile.met, Outcome.PARTLY: profile.partly}
    return keys.get(outcome, profile.not_met)


class Writer:
    """Writes the planned reviews through the services, meeting by meeting."""

    def __init__(
        self,
        areas: Areas,
        residents: Residents,
        directory: Directory,
        cast: Cast,
        rng: random.Random,
    ) -> None:
        self.areas, self.residents, self.directory, self.cast = areas, residents, directory, cast
        self.rng = rng
        self.cases: dict[str, Case] = {}
        self.profiles: dict[str, Profile] = {}
        self.regions = cycle(REGION_DECK)
        self.decks = {"support": cycle(CENTRE_DECK)} | {k: cycle(v) for k, v in CARE_DECKS.items()}

    def review(self, meeting: CaseMeeting, planned: PlannedCase, stage: str) -> None:
        if stage == Stage.INITIAL:
            self._open(meeting, planned)
        elif stage == Stage.MID:
            self._mid(meeting, planned)
        else:
            self._closing(meeting, planned)

    def _open(self, meeting: CaseMeeting, planned: PlannedCase) -> None:
        support = meeting.series.focus == Focus.INDEPENDENCE
        region = "centre" if support else next(self.regions)
        profile = PROFILES[next(self.decks["support" if support else region])]
        levels = SUPPORT_LEVELS if support else CARE_LEVELS
        district = self.rng.choice(self.areas.districts[region])
        day = meeting.held_on
        person = self.residents.take(district, levels, day)
        centre = district.life_area_id == self.areas.centre.pk
        review = services.case_open(
            user=None,
            meeting=meeting,
            number=planned.number,
            district=district,
            age=person.age_on(day),
            sex=person.sex,
            care_level=person.care_level,
            goal=profile.goal,
            person=person,
            owner=self.cast.nurse if centre else self.cast.officer,
            mid_due_on=day + dt.timedelta(days=planned.mid_days),
            closing_due_on=day + dt.timedelta(days=planned.closing_days),
        )
        services.review_save(
            user=None,
            review=review,
            version=review.version,
            present_state=profile.present,
            goal=profile.goal,
            real_issue=profile.issue,
            can_solve=profile.solve,
            advice=profile.advice,
            tags=profile.tags,
        )
        for offset, spec in zip((7, 14, 21), profile.tasks, strict=False):
            self._task(review, spec, person.district, offset)
        self.cases[planned.number], self.profiles[planned.number] = review.case, profile

    def _task(self, review: Review, spec: TaskSpec, district: District, offset: int) -> None:
        service = self.directory.pick(spec.category, district)
        name = service.name if service else FALLBACK.get(spec.category or "", "地域の資源")
        services.task_add(
            user=None,
            review=review,
            kind=spec.kind,
            text=spec.text.format(service=name),
            role=spec.role,
            owner=spec.owner,
            due_on=review.held_on + dt.timedelta(days=offset),
            target=spec.target,
            service=service,
        )

    def _check_tasks(self, case: Case, share: float) -> None:
        for task in PlanTask.objects.filter(review__case=case, achieved__isnull=True).order_by(
            "id"
        ):
            services.task_check(user=None, task=task, achieved=self.rng.random() < share)

    def _mid(self, meeting: CaseMeeting, planned: PlannedCase) -> None:
        case, profile = self.cases[planned.number], self.profiles[planned.number]
        self._check_tasks(case, 0.8)
        review = services.review_add(user=None, case=case, meeting=meeting, stage=Stage.MID)
        early = planned.fate == "early"
        services.review_save(
            user=None,
            review=review,
            version=review.version,
            present_state=profile.mid_state,
            goal=profile.goal,
            real_issue=profile.issue,
            can_solve=MID_SOLVE["early" if early else "ongoing"],
            advice=self.rng.choice(MID_ADVICE),
            tags=profile.tags,
            result=Outcome.MET if early else Outcome.ONGOING,
        )
        if early:
            self._close(case, Outcome.MET, profile.met, meeting.held_on)
        else:
            self._task(review, profile.mid_task, case.district, 14)

    def _closing(self, meeting: CaseMeeting, planned: PlannedCase) -> None:
        case, profile = self.cases[planned.number], self.profiles[planned.number]
        outcome = planned.result
        self._check_tasks(case, 0.9 if outcome != Outcome.NOT_MET else 0.3)
        review = services.review_add(user=None, case=case, meeting=meeting, stage=Stage.CLOSING)
        key = _key(profile, outcome)
        services.review_save(
            user=None,
            review=review,
            version=review.version,
            present_state=CLOSING_STATE[outcome] + key + "。",
            goal=profile.goal,
            real_issue=profile.issue,
            can_solve=CLOSING_SOLVE[outcome],
            advice="似た事例に生かすため、成功の鍵・届かなかった理由を記録した。",
            tags=profile.tags,
            result=outcome,
        )
        self._close(case, outcome, key, meeting.held_on)

    def _close(self, case: Case, outcome: str, key: str, on: dt.date) -> None:
        case.refresh_from_db(fields=["version"])
        services.case_close(
            user=None, case=case, outcome=outcome, key=key, closed_on=on, version=case.version
        )

    def finish(self, planned: Sequence[PlannedCase]) -> None:
        """Cases that ended outside the meetings are closed; the open cases' one-month targets
        are checked, most of them reached (the rest are behind on the follow-up board)."""
        dropped = [(c, c.dropped_on) for c in planned if c.dropped_on is not None]
        for n, (p, on) in enumerate(dropped):
            case = self.cases[p.number]
            self._check_tasks(case, 0.3)
            self._close(case, Outcome.NOT_MET, DROPPED[n % len(DROPPED)], on)
        for p in planned:
            if not p.closed_by(TODAY):
                tasks = PlanTask.objects.filter(
                    review__case=self.cases[p.number], achieved__isnull=True, target_on__lt=TODAY
                ).order_by("id")
                for task in tasks:
                    if self.rng.random() < 0.7:
                        services.task_check(user=None, task=task, achieved=True)


# --- evaluation, and from the cases to the register and policy ----------------------------------

REMARKS = (
    "助言が具体的で、ケアマネジャーから「明日から使える」との声があった。",
    "時間が押し、まとめの時間が足りなかった。次回は説明を5分に収める。",
    "本人の言葉で目標を書けた事例が増えてきた。",
    "SCから地区の資源の紹介があり、制度外のサービスをプランに入れられた。",
)
# Held meetings left without their 振り返り (the last month's, and two the secretariat missed).
NOT_EVALUATED = {(INDEPENDENCE, 7), (CARE, 8)}  # November and December
WATCHED_TAGS = {"mobility": "移動の手段", "shopping": "買い物", "dementia": "認知症"}


def _evaluate(meeting: CaseMeeting, rng: random.Random) -> None:
    reviews = list(meeting.reviews.all())
    stages = [r.stage for r in reviews]
    seeds = {t for r in reviews for t in r.tags}
    found = [label for tag, label in WATCHED_TAGS.items() if tag in seeds]
    text = (
        f"{len(reviews)}事例（初回{stages.count(Stage.INITIAL)}・中間{stages.count(Stage.MID)}・"
        f"終了前{stages.count(Stage.CLOSING)}）を検討した。"
    )
    if found:
        text += f"地域の課題の種として{'・'.join(found)}が挙がった。"
    services.meeting_evaluate(
        user=None,
        meeting=meeting,
        purpose_shared=True,
        issues_drawn=bool(found),
        followups_kept=any(s != Stage.INITIAL for s in stages),
        evaluation=text + rng.choice(REMARKS),
        on=meeting.held_on + dt.timedelta(days=7),
        version=meeting.version,
    )


def _promotion_meeting(series: Series, day: dt.date, cast: Cast) -> CaseMeeting:
    meeting = services.meeting_create(
        user=None,
        series=series,
        held_on=day,
        starts_at=dt.time(14, 0),
        place="萩市役所 本庁舎 大会議室",
    )
    _invite(meeting, cast.admin, "office", "萩市 高齢者支援課")
    _invite(meeting, cast.officer, "office", "萩市 介護保険課")
    _invite(meeting, cast.nurse, "phn", "萩市中央地域包括支援センター")
    _invite(meeting, cast.coordinator, "coordinator", "萩市社会福祉協議会")
    return meeting


PROMOTED_ON = dt.date(2019, 2, 1)
PROMOTION_DAYS = (dt.date(2018, 8, 22), dt.date(2019, 2, 20))


def _promote(municipality: Municipality, areas: Areas, series: Series, cast: Cast) -> None:
    """Transport in the south goes to the register with its cases, a measure is proposed, and
    the 推進会議 takes it up (its summer meeting had no issue from the cases yet)."""
    summer, winter = (_promotion_meeting(series, day, cast) for day in PROMOTION_DAYS)
    start = dt.date(FISCAL_YEAR, 4, 1)
    ids = selectors.tag_case_ids(
        municipality=municipality, tag="mobility", start=start, end=PROMOTED_ON
    )
    south = list(
        Case.objects.filter(pk__in=ids, district__life_area=areas.south)
        .select_related("district")
        .order_by("number")
    )
    districts = sorted({c.district.name for c in south})
    issue = services.promote(
        user=None,
        municipality=municipality,
        tag="mobility",
        title=f"{areas.south.name}: 通いの場・買い物・通院に行く足がない",
        case_ids=[c.pk for c in south],
        on=PROMOTED_ON,
        period=(start.isoformat(), PROMOTED_ON.isoformat()),
        description=(
            f"地域ケア個別会議の{len(south)}事例（{'・'.join(districts)}）で、移動の手段がない"
            "ことが本人の目標（サロンに通う、自分で買い物に行く、一人で通院する）を妨げていた。"
            "路線バスの減便の後、予約の要らない送迎がなく、住民の送迎の担い手も足りない。"
        ),
    )
    services.policy_save(
        user=None,
        issue=issue,
        title="送迎付きの一般介護予防事業の創設（南部圏域で試行）",
        description=(
            "サロン・百歳体操の会場への送迎を、住民の運転ボランティアと市の車両で試行する。"
            "あわせて移動販売の停留所の追加を事業者と協議する（豊明市の「送迎付き一般介護予防"
            "事業の創設」を参考に）。"
        ),
        proposed_on=winter.held_on,
        plan_reference="第8期介護保険事業計画（地域支援事業）で検討",
    )
    services.promotion_item_add(
        user=None,
        meeting=winter,
        issue=issue,
        note=f"個別会議の{len(south)}事例から。送迎の担い手と費用の分担、試行する地区を協議した。",
    )
    for meeting, text in (
        (summer, "上半期の個別会議の課題の種を共有した。移動と認知症が多いことを確かめた。"),
        (winter, "移動の課題を事例とともに検討し、施策の案をまとめた。"),
    ):
        services.meeting_evaluate(
            user=None,
            meeting=meeting,
            purpose_shared=True,
            issues_drawn=True,
            followups_kept=meeting is winter,
            evaluation=text,
            on=meeting.held_on + dt.timedelta(days=7),
            version=meeting.version,
        )


# --- the whole ------------------------------------------------------------------------------------


def plan_year(seed: int) -> dict[str, tuple[list[PlannedCase], dict]]:
    """Each individual series' planned cases and agendas (the same seed, the same plan)."""
    rng = random.Random(seed * 7 + 3)
    return {name: plan_series(p, meeting_days(p), rng) for name, p in PLANS.items()}


@transaction.atomic
def build(municipality: Municipality, seed: int) -> None:
    """Add this module's demo data unless it is there already."""
    if Series.objects.filter(municipality=municipality, name=INDEPENDENCE).exists():
        return
    rng = random.Random(seed * 11 + 5)
    cast, areas = _cast(municipality), _areas(municipality)
    series = _series(municipality, areas)
    writer = Writer(areas, Residents(municipality, rng, seed), Directory(municipality), cast, rng)
    planned = plan_year(seed)
    held = sorted(
        (day, name, agenda)
        for name, (_, agendas) in planned.items()
        for day, agenda in agendas.items()
    )
    for day, name, agenda in held:
        meeting = _meeting(series[name], day, cast)
        for case, stage in agenda:
            writer.review(meeting, case, stage)
        month = (day.month - 4) % 12
        if day.month != 3 and (name, month) not in NOT_EVALUATED:
            _evaluate(meeting, rng)
    writer.finish([c for cases, _ in planned.values() for c in cases])
    _promote(municipality, areas, series[PROMOTION], cast)
