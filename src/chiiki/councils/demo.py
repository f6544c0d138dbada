"""Demo bodies and register for the demo 萩市: a 地域ケア推進会議 (第1層), a 第2層 SC協議体 per
life area and a 第3層 地域ささえあい協議体 in most districts, with members of the kinds the
guide names (synthetic people: Faker ja_JP from the seed); then the guide's common issues
(介護予防, 支え合いの仕組み, 移動支援) and others at different statuses, one resolved by a
transport service of the directory. Each part of the app adds its own demo data (meetings,
a district questionnaire, a watch-over network) through its ``build(municipality, seed,
bodies)``. Idempotent: a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import ValidationError
from faker import Faker

from chiiki.accounts.models import User
from chiiki.areas.models import District, LifeArea, Municipality
from chiiki.councils import demo_meetings, demo_questionnaires, demo_watch
from chiiki.councils.models import (
    STATUS_PATH,
    Body,
    BodyKind,
    EvidenceKind,
    IssueStatus,
    Layer,
    RegionalIssue,
)
from chiiki.councils.selectors.issues import survey_figure_snapshot
from chiiki.councils.services import bodies as body_services
from chiiki.councils.services import issues as issue_services
from chiiki.resources.models import Service
from chiiki.surveys.models import Survey

# 萩市's members come from these kinds (町内会長、ボランティア団体、地域おこし協力隊、女性団体、
# 老人クラブ、神社・お寺、福祉関係者、駐在所、郵便局、商店).
DISTRICT_MEMBERS = [
    ("neighbourhood", "町内会", "会長"),
    ("seniors_club", "老人クラブ", "会長"),
    ("womens_group", "女性団体連絡協議会", "副会長"),
    ("welfare_commissioner", "民生委員児童委員協議会", "委員"),
    ("volunteer_group", "ボランティアの会", "代表"),
    ("community_cooperator", "地域おこし協力隊", "隊員"),
    ("shrine_temple", "八幡宮", "宮司"),
    ("welfare_professional", "地域包括支援センター", "保健師"),
    ("police_box", "駐在所", "所長"),
    ("post_office", "郵便局", "局長"),
    ("business", "商店", "店主"),
    ("salon", "ふれあいサロン", "世話人"),
]
LIFE_AREA_MEMBERS = [
    ("neighbourhood", "自治会連合会", "会長"),
    ("district_council_of_social_welfare", "地区社会福祉協議会", "会長"),
    ("welfare_commissioner", "民生委員児童委員協議会", "会長"),
    ("seniors_club", "老人クラブ連合会", "副会長"),
    ("welfare_professional", "居宅介護支援事業所", "主任介護支援専門員"),
    ("medical", "診療所", "医師"),
    ("social_welfare_council", "社会福祉協議会", "生活支援コーディネーター"),
    ("municipality", "市 高齢者支援課", "主査"),
]
# Two districts have no 第3層 body yet: coverage is not complete.
WITHOUT_DISTRICT_BODY = 2


def _members(body: Body, rows: list[tuple[str, str, str]], fake: Faker, rng: random.Random) -> None:
    for kind, org, role in rows:
        started = body.founded_on + dt.timedelta(days=rng.randint(0, 60))
        member = body_services.membership_add(
            user=None,
            body=body,
            name=fake.name(),
            organisation_kind=kind,
            organisation_name=f"{body.district.name if body.district else (body.life_area.name if body.life_area else '')}{org}",
            role=role,
            contact=fake.phone_number(),
            started_on=started,
        )
        if rng.random() < 0.15:  # some have handed over: the body's history shows it
            successor_from = started + dt.timedelta(days=rng.randint(300, 600))
            body_services.membership_end(user=None, membership=member, ended_on=successor_from)
            body_services.membership_add(
                user=None,
                body=body,
                name=fake.name(),
                organisation_kind=kind,
                organisation_name=member.organisation_name,
                role=role,
                contact=fake.phone_number(),
                started_on=successor_from,
            )


def _bodies(municipality: Municipality, seed: int) -> list[Body]:
    existing = list(Body.objects.filter(municipality=municipality).order_by("id"))
    if existing:
        return existing
    fake = Faker("ja_JP")
    fake.seed_instance(seed + 9)
    rng = random.Random(seed * 13 + 1)
    coordinator = User.objects.filter(municipality=municipality, role="coordinator").first()
    made = [
        body_services.body_create(
            user=None,
            municipality=municipality,
            layer=Layer.MUNICIPALITY,
            kind=BodyKind.CARE_PROMOTION,
            name=f"{municipality.name}地域ケア推進会議",
            founded_on=dt.date(2016, 4, 1),
            secretariat="市 高齢者支援課",
        )
    ]
    _members(made[0], LIFE_AREA_MEMBERS, fake, rng)
    for i, la in enumerate(
        LifeArea.objects.filter(municipality=municipality).order_by("order", "code")
    ):
        body = body_services.body_create(
            user=None,
            municipality=municipality,
            layer=Layer.LIFE_AREA,
            kind=BodyKind.SC_COUNCIL,
            name=f"{la.name}ささえあい推進協議体",
            founded_on=dt.date(2016, 10, 1) + dt.timedelta(days=90 * i),
            life_area=la,
            coordinator=coordinator if coordinator and la in coordinator.life_areas.all() else None,
            secretariat="萩市社会福祉協議会",
        )
        _members(body, LIFE_AREA_MEMBERS, fake, rng)
        made.append(body)
    districts = list(District.objects.filter(municipality=municipality).order_by("order", "code"))
    for n, d in enumerate(districts[: len(districts) - WITHOUT_DISTRICT_BODY]):
        body = body_services.body_create(
            user=None,
            municipality=municipality,
            layer=Layer.DISTRICT,
            kind=BodyKind.SC_COUNCIL,
            name=f"{d.name}地域ささえあい協議体",
            founded_on=dt.date(2017, 1, 15) + dt.timedelta(days=45 * n),
            district=d,
            secretariat="萩市社会福祉協議会",
        )
        _members(body, rng.sample(DISTRICT_MEMBERS, 9), fake, rng)
        made.append(body)
    return made


# title, tags, status reached, area: "" (municipality), "la" (first life area), "d:<n>"
ISSUES = [
    (
        "介護予防: 体操の集いが歩いて行ける範囲にない",
        ["kaigo_yobo", "exercise_falls"],
        IssueStatus.DECIDED,
        "la",
    ),
    (
        "支え合いの仕組み: ちょっとした困りごとを頼める先がない",
        ["sasaeai", "housework", "watching"],
        IssueStatus.DEVELOPING,
        "d:1",
    ),
    (
        "移動支援: 通院・買い物の足がない（バス路線の廃止後）",
        ["mobility", "shopping"],
        IssueStatus.RESOLVED,
        "d:2",
    ),
    ("独居の方の閉じこもり", ["isolation", "watching"], IssueStatus.DISCUSSING, "d:4"),
    ("認知症の方の家族が相談先を知らない", ["dementia", "family_carers"], IssueStatus.FOUND, ""),
    ("低栄養の疑いのある方への配食がない", ["nutrition", "cooking"], IssueStatus.DISCUSSING, "d:6"),
    ("冬場の除雪・草刈りの担い手不足", ["housing", "housework"], IssueStatus.DEFERRED, "d:8"),
    ("服薬の管理に不安のある独居高齢者", ["medication", "medical_link"], IssueStatus.FOUND, "d:3"),
]
STEP_DAYS = 75


def _issues(municipality: Municipality, seed: int, bodies: list[Body]) -> None:
    if RegionalIssue.objects.filter(municipality=municipality).exists():
        return
    for code, name in (("kaigo_yobo", "介護予防"), ("sasaeai", "支え合いの仕組み")):
        issue_services.issue_tag_create(user=None, municipality=municipality, name=name, code=code)
    districts = list(District.objects.filter(municipality=municipality).order_by("order", "code"))
    first_la = LifeArea.objects.filter(municipality=municipality).order_by("order").first()
    by_area = {(b.layer, b.life_area_id, b.district_id): b for b in bodies}
    admin = User.objects.filter(municipality=municipality, role="administrator").first()
    survey = Survey.objects.filter(municipality=municipality, instrument="needs").first()
    for n, (title, tags, reached, where) in enumerate(ISSUES):
        district = districts[int(where[2:]) % len(districts)] if where.startswith("d:") else None
        life_area = district.life_area if district else (first_la if where == "la" else None)
        body = (
            by_area.get(
                (
                    Layer.DISTRICT,
                    life_area.pk if life_area else None,
                    district.pk if district else None,
                )
            )
            or by_area.get((Layer.LIFE_AREA, life_area.pk if life_area else None, None))
            or bodies[0]
        )
        found = dt.date(2018, 5, 1) + dt.timedelta(days=20 * n)
        issue = issue_services.issue_create(
            user=None,
            municipality=municipality,
            title=title,
            description="地域ささえあい協議体の話し合いと地区のアンケートから見えてきた課題です（デモ）。",
            tags=tags,
            life_area=life_area,
            district=district,
            body=body,
            status_on=found,
        )
        _evidence(issue, survey, admin, district, life_area, found)
        _walk(issue, reached, found)
        if reached == IssueStatus.RESOLVED:
            _resolve_with_transport(issue, municipality, district)


def _walk(issue: RegionalIssue, reached: str, found: dt.date) -> None:
    on = found
    if reached == IssueStatus.DEFERRED:
        on += dt.timedelta(days=STEP_DAYS)
        issue_services.issue_move(
            user=None,
            issue=issue,
            to=IssueStatus.DISCUSSING,
            on=on,
        )
        issue_services.issue_move(
            user=None,
            issue=issue,
            to=IssueStatus.DEFERRED,
            on=on + dt.timedelta(days=STEP_DAYS),
            reason="担い手の確保の見通しが立たず、次年度に改めて協議する",
        )
        return
    for status in STATUS_PATH[1 : STATUS_PATH.index(reached) + 1]:
        if status == IssueStatus.RESOLVED:
            break  # the resolution is dated by the resource that came of it
        on += dt.timedelta(days=STEP_DAYS)
        issue_services.issue_move(user=None, issue=issue, to=status, on=on)


def _evidence(
    issue: RegionalIssue,
    survey: Survey | None,
    admin: User | None,
    district: District | None,
    life_area: LifeArea | None,
    on: dt.date,
) -> None:
    issue_services.issue_evidence_add(
        user=None,
        issue=issue,
        kind=EvidenceKind.MEMBER_REPORT,
        title="協議体の構成員からの報告（グループワーク）",
        note="地域のいかんとこに複数の班から挙がった",
        on=on,
    )
    if survey is None or admin is None:
        return
    group = district.name if district else (life_area.name if life_area else "全体")
    try:
        snap = survey_figure_snapshot(
            user=admin,
            survey_id=survey.pk,
            by="district" if district else "life_area",
            group=group,
            risk="withdrawal",
        )
    except ValidationError:  # a small district's figure is suppressed: it is no evidence
        return
    issue_services.issue_evidence_add(
        user=None,
        issue=issue,
        kind=EvidenceKind.SURVEY_FIGURE,
        title=f"{snap['survey']}: {group}の{snap['risk_label']}",
        snapshot=snap,
        source_model="surveys.survey",
        source_id=survey.pk,
        on=on,
    )


def _resolve_with_transport(
    issue: RegionalIssue, municipality: Municipality, district: District | None
) -> None:
    service = (
        Service.objects.filter(municipality=municipality, category_codes__contains="|ido|")
        .order_by("district_id" if district is None else "id")
        .first()
    )
    if service is None:
        return
    started = issue.status_on + dt.timedelta(days=30)  # type: ignore[attr-defined]
    issue_services.issue_resource_link(
        user=None,
        issue=issue,
        service=service,
        started_on=started,
        note="協議体で検討し、住民の送迎ボランティアとして始まった",
    )
    issue_services.issue_move(
        user=None,
        issue=issue,
        to=IssueStatus.RESOLVED,
        on=started + dt.timedelta(days=180),
        reason=f"「{service.name}」が始まり、半年の利用で通院・買い物の足の困りごとの報告がなくなった",
    )


def build(municipality: Municipality, seed: int) -> None:
    """Add this module's demo data unless it is there already."""
    bodies = _bodies(municipality, seed)
    demo_meetings.build(municipality, seed, bodies)
    demo_questionnaires.build(municipality, seed, bodies)
    demo_watch.build(municipality, seed, bodies)
    _issues(municipality, seed, bodies)
