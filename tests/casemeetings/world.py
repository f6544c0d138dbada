"""A small world of community care meetings in the test town: a monthly 自立支援型 series of
北部 with one meeting, the nurse and the advisor invited, and one case of a resident of 須佐
opened there; a 推進会議 of the municipality."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chiiki.casemeetings import services
from chiiki.casemeetings.models import Case, CaseMeeting, Focus, Kind, Review, Series
from tests.conftest import make_person

DAY = dt.date(2025, 5, 13)


@dataclass
class CaseWorld:
    series: Series
    meeting: CaseMeeting
    case: Case
    review: Review
    person: object
    promotion: Series
    south_series: Series
    south_case: Case | None  # a case of 南部 at a meeting the advisor is not invited to


def build_cases(town, personas, *, south_case: bool = True) -> CaseWorld:
    series = services.series_save(
        user=None,
        municipality=town.municipality,
        kind=Kind.INDIVIDUAL,
        focus=Focus.INDEPENDENCE,
        name="北部 自立支援型地域ケア会議",
        host="北部地域包括支援センター",
        life_area=town.north,
        schedule="毎月第2火曜 13:30〜15:00",
        professions=["pt", "pharmacist", "dietitian", "coordinator"],
        functions=["individual", "discovery"],
    )
    south = services.series_save(
        user=None,
        municipality=town.municipality,
        kind=Kind.INDIVIDUAL,
        focus=Focus.CARE,
        name="南部 要介護地域ケア会議",
        host="南部地域包括支援センター",
        life_area=town.south,
    )
    promotion = services.series_save(
        user=None,
        municipality=town.municipality,
        kind=Kind.PROMOTION,
        focus=Focus.POLICY,
        name="萩市地域ケア推進会議",
        host="萩市 高齢者支援課",
    )
    meeting = services.meeting_create(user=None, series=series, held_on=DAY, place="須佐支所")
    for name, profession in (("nurse", "phn"), ("advisor", "pt"), ("admin", "office")):
        services.invite(user=None, meeting=meeting, invitee=personas[name], profession=profession)
    person = make_person(
        town.n1,
        family_name="検討",
        given_name="一郎",
        care_level="support_1",
        insured_number="1234509876",
        phone="0838-25-3131",
    )
    review = services.case_open(
        user=None,
        meeting=meeting,
        number="N-2025-001",
        district=town.n1,
        age=82,
        sex=person.sex,
        care_level="support_1",
        goal="サロンに通えるようになる",
        person=person,
        owner=personas["nurse"],
        mid_due_on=DAY + dt.timedelta(days=90),
        closing_due_on=DAY + dt.timedelta(days=180),
    )
    review = services.review_save(
        user=None,
        review=review,
        version=review.version,
        present_state="膝の痛みで外出が減り、買い物は家族頼み",
        goal="サロンに通えるようになる",
        real_issue="坂道を歩く自信がなく、バス停まで行けない",
        can_solve="通所Cで3か月の運動、その後サロンの送迎ボランティアへ",
        tags=["mobility"],
    )
    if not south_case:
        return CaseWorld(series, meeting, review.case, review, person, promotion, south, None)
    south_meeting = services.meeting_create(user=None, series=south, held_on=DAY, place="旭公民館")
    south_review = services.case_open(
        user=None,
        meeting=south_meeting,
        number="S-2025-001",
        district=town.s1,
        age=77,
        sex="M",
        care_level="care_1",
        goal="自宅のお風呂に入れるようになる",
        mid_due_on=DAY + dt.timedelta(days=90),
        closing_due_on=DAY + dt.timedelta(days=180),
    )
    return CaseWorld(
        series, meeting, review.case, review, person, promotion, south, south_review.case
    )


@dataclass
class ForeignCase:
    series: Series
    meeting: CaseMeeting
    case: Case
    review: Review
    task: object


def foreign_case(municipality) -> ForeignCase:
    """A case of another municipality, to probe with its ids."""
    district = municipality.districts.first()
    series = services.series_save(
        user=None,
        municipality=municipality,
        kind=Kind.INDIVIDUAL,
        focus=Focus.INDEPENDENCE,
        name="国東 自立支援型地域ケア会議",
        host="国東市地域包括支援センター",
    )
    meeting = services.meeting_create(user=None, series=series, held_on=DAY)
    review = services.case_open(
        user=None,
        meeting=meeting,
        number="K-001",
        district=district,
        age=80,
        sex="F",
        care_level="support_2",
        mid_due_on=DAY + dt.timedelta(days=90),
        closing_due_on=DAY + dt.timedelta(days=180),
    )
    task = services.task_add(
        user=None,
        review=review,
        kind="informal",
        text="国東の見学",
        role="coordinator",
        owner="SC",
        due_on=DAY + dt.timedelta(days=10),
        target="見学する",
    )
    return ForeignCase(series, meeting, review.case, review, task)
