"""Writes for community care meetings. Each call checks the capability and the scope, keeps
the follow-up dates and the roll-up's seed rows in step with the reviews, guards the sheets
against lost updates (``version``), and writes the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Min, Q

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction, Role, User
from chiiki.areas.models import District, Municipality
from chiiki.casemeetings import vocab
from chiiki.casemeetings.models import (
    STAGE_ORDER,
    Case,
    CaseMeeting,
    Focus,
    Invitation,
    IssueCase,
    Kind,
    Outcome,
    PlanTask,
    Policy,
    PolicyStatus,
    PromotionItem,
    Review,
    ReviewTag,
    Series,
    Stage,
    TaskKind,
)
from chiiki.councils.models import EvidenceKind, RegionalIssue
from chiiki.councils.services import issues as issue_services
from chiiki.councils.services.issues import known_tags, tag_codes
from chiiki.people.models import Person

REFUSED = "この地域ケア会議を運営する権限がありません"
CASE_REFUSED = "この事例を記録する権限がありません"
STALE = "この{what}は他の人が先に保存しました。画面を読み込み直して、最新の内容を確かめてください（何も変更していません）"


class StaleError(Exception):
    """Someone else saved the record after the editor opened it; nothing was changed."""


def _check(user: User | None, cap: Cap, obj: Any, message: str, *, new: bool = False) -> None:
    if user is None:  # the system: the demo, an import already checked
        return
    if new:
        access.require_would_reach(user, cap, obj, message)
    else:
        access.require_reach(user, cap, obj, message)


# --- series and meetings ----------------------------------------------------------------------


@transaction.atomic
def series_save(
    *,
    user: User | None,
    municipality: Municipality,
    series: Series | None = None,
    **fields: Any,
) -> Series:
    """Create a series (``series`` None) or change one. ``fields`` are the model's."""
    obj = series or Series(municipality=municipality)
    if series is not None and fields.get("kind", series.kind) != series.kind:
        if series.meetings.filter(Q(reviews__isnull=False) | Q(items__isnull=False)).exists():
            raise ValidationError(
                {
                    "kind": "事例や議題のある会議があるため、種別（個別会議・推進会議）は変えられません"
                }
            )
    for key, value in fields.items():
        setattr(obj, key, value)
    if obj.kind == Kind.PROMOTION:
        obj.focus = Focus.POLICY
    unknown = [p for p in obj.professions or [] if p not in vocab.professions().codes]
    if unknown:
        raise ValidationError({"professions": f"職種「{'、'.join(unknown)}」は一覧にありません"})
    obj.full_clean()
    _check(user, Cap.CASES_MANAGE, obj, REFUSED, new=True)
    obj.save()
    if user is not None:
        access.audit_write(
            user,
            AuditAction.UPDATE if series else AuditAction.CREATE,
            obj,
            changes=fields_log(fields),
        )
    return obj


def fields_log(fields: dict[str, Any]) -> dict[str, Any]:
    def plain(v: Any) -> Any:
        if isinstance(v, dt.date | dt.time):
            return v.isoformat()
        return getattr(v, "pk", v)

    return {k: [None, plain(v)] for k, v in fields.items()}


@transaction.atomic
def meeting_create(
    *,
    user: User | None,
    series: Series,
    held_on: dt.date,
    starts_at: dt.time | None = None,
    place: str = "",
    host_profession: str = "office",
) -> CaseMeeting:
    """A meeting of the series; the user who creates it is invited to it (its host)."""
    meeting = CaseMeeting(series=series, held_on=held_on, place=place.strip())
    if starts_at is not None:
        meeting.starts_at = starts_at
    meeting.full_clean()
    _check(user, Cap.CASES_MANAGE, meeting, REFUSED, new=True)
    meeting.save()
    if user is not None:
        Invitation.objects.create(meeting=meeting, user=user, profession=host_profession)
        access.audit_write(
            user, AuditAction.CREATE, meeting, changes=fields_log({"held_on": held_on})
        )
    return meeting


@transaction.atomic
def invite(
    *,
    user: User | None,
    meeting: CaseMeeting,
    invitee: User,
    profession: str,
    organisation: str = "",
) -> Invitation:
    """Invite a staff member or an outside professional of the same municipality."""
    _check(user, Cap.CASES_MANAGE, meeting, REFUSED)
    if invitee.municipality_id != meeting.series.municipality_id or not invitee.is_active:
        raise ValidationError({"invitee": "この市町村の職員・参加者を選んでください"})
    if invitee.role not in (
        Role.ADVISOR,
        Role.ADMINISTRATOR,
        Role.MUNICIPAL,
        Role.SUPPORT_CENTER,
        Role.COORDINATOR,
    ):
        raise ValidationError({"invitee": "ボランティアは会議の参加者に招待できません"})
    if profession not in vocab.professions().codes:
        raise ValidationError({"profession": "職種を一覧から選んでください"})
    found, _ = Invitation.objects.update_or_create(
        meeting=meeting,
        user=invitee,
        defaults={"profession": profession, "organisation": organisation.strip()},
    )
    if user is not None:
        access.audit_write(
            user, AuditAction.UPDATE, meeting, changes={"invited": [None, str(invitee)]}
        )
    return found


def is_invited(user: User | None, meeting: CaseMeeting) -> bool:
    return user is not None and Invitation.objects.filter(meeting=meeting, user=user).exists()


@transaction.atomic
def meeting_evaluate(
    *,
    user: User | None,
    meeting: CaseMeeting,
    purpose_shared: bool,
    issues_drawn: bool,
    followups_kept: bool,
    evaluation: str,
    on: dt.date,
    version: int,
) -> CaseMeeting:
    """Record the meeting's 振り返り・評価 (not before the meeting was held)."""
    _check(user, Cap.CASES_MANAGE, meeting, REFUSED)
    if on < meeting.held_on:
        raise ValidationError(
            {"evaluated_on": f"評価日は開催日（{meeting.held_on:%Y-%m-%d}）以後の日付です"}
        )
    changed = CaseMeeting.objects.filter(pk=meeting.pk, version=version).update(
        purpose_shared=purpose_shared,
        issues_drawn=issues_drawn,
        followups_kept=followups_kept,
        evaluation=evaluation.strip(),
        evaluated_on=on,
        version=F("version") + 1,
    )
    if not changed:
        raise StaleError(STALE.format(what="会議の評価"))
    if user is not None:
        access.audit_write(
            user, AuditAction.UPDATE, meeting, changes={"evaluated_on": [None, on.isoformat()]}
        )
    meeting.refresh_from_db()
    return meeting


# --- cases and reviews ----------------------------------------------------------------------


def next_due(case: Case, stages: set[str]) -> tuple[str, dt.date | None]:
    """The stage a case waits for and its date ('' and None once closed or complete)."""
    if case.closed_on is not None or Stage.CLOSING in stages:
        return "", None  # a closing review (imported without its mid one) ends the wait too
    for stage, due in ((Stage.MID, case.mid_due_on), (Stage.CLOSING, case.closing_due_on)):
        if stage not in stages:
            return stage, due
    return "", None


def refresh_due(case: Case) -> None:
    stages = set(case.reviews.values_list("stage", flat=True))
    case.next_stage, case.next_due_on = next_due(case, stages)
    Case.objects.filter(pk=case.pk).update(next_stage=case.next_stage, next_due_on=case.next_due_on)


def refresh_target(case_id: int) -> None:
    """The case's earliest one-month target not reached yet, from its plan's tasks."""
    first = (
        PlanTask.objects.filter(review__case_id=case_id)
        .exclude(achieved=True)
        .aggregate(first=Min("target_on"))["first"]
    )
    Case.objects.filter(pk=case_id).update(next_target_on=first)


def _seed_rows(review: Review, case: Case) -> None:
    ReviewTag.objects.filter(review=review).delete()
    ReviewTag.objects.bulk_create(
        ReviewTag(
            review=review,
            case=case,
            municipality_id=case.municipality_id,
            district_id=case.district_id,
            held_on=review.held_on,
            tag=tag,
        )
        for tag in review.tags
    )


def _check_stage_date(case: Case, stage: str, held_on: dt.date, exclude: int | None = None) -> None:
    """Each stage on or after the one before, and before the one after."""
    reviews = case.reviews.all() if exclude is None else case.reviews.exclude(pk=exclude)
    others = {r.stage: r.held_on for r in reviews}
    index = STAGE_ORDER.index(Stage(stage))
    for earlier in STAGE_ORDER[:index]:
        if earlier in others and held_on < others[earlier]:
            raise ValidationError(
                {
                    "held_on": f"{Stage(stage).label}の検討日は{Stage(earlier).label}"
                    f"（{others[earlier]:%Y-%m-%d}）以後の日付です"
                }
            )
    for later in STAGE_ORDER[index + 1 :]:
        if later in others and held_on > others[later]:
            raise ValidationError(
                {
                    "held_on": f"{Stage(stage).label}の検討日は{Stage(later).label}"
                    f"（{others[later]:%Y-%m-%d}）以前の日付です"
                }
            )
    if stage != Stage.INITIAL and Stage.INITIAL not in others:
        raise ValidationError({"stage": "まず初回の検討を記録してください"})
    if stage == Stage.CLOSING and Stage.MID not in others:
        raise ValidationError({"stage": "終了前の検討の前に、中間の検討を記録してください"})


def _no_identity(person: Person | None, **texts: str) -> None:
    """Refuse text that names the case's resident: goals, sheets, tasks and closing notes are
    shown anonymised to outside professionals and printed on the agenda."""
    if person is None:
        return
    marks = {
        f"{person.family_name}{person.given_name}",
        f"{person.family_name} {person.given_name}",
        f"{person.family_name}　{person.given_name}",
        f"{person.family_kana}{person.given_kana}",
        f"{person.family_kana} {person.given_kana}",
        person.phone or "",
        person.insured_number or "",
        person.address or "",
    }
    marks = {m for m in marks if len(m.strip()) >= 2}
    errors = {
        field: "本人の氏名・住所・電話番号・被保険者番号は書かないでください"
        "（外部の専門職には匿名で示し、次第にも印刷します）"
        for field, text in texts.items()
        if any(m in (text or "") for m in marks)
    }
    if errors:
        raise ValidationError(errors)


def _require_open(case: Case) -> None:
    if case.closed_on is not None:
        raise ValidationError("終了した事例です。記録は変えられません")


def _require_recorder(user: User | None, meeting: CaseMeeting) -> None:
    if user is not None and not is_invited(user, meeting):
        raise ValidationError(
            "この会議の参加者ではないため記録できません。会議の参加者に加えてから記録してください"
        )


@transaction.atomic
def case_open(
    *,
    user: User | None,
    meeting: CaseMeeting,
    number: str,
    district: District,
    age: int,
    sex: str,
    care_level: str,
    goal: str = "",
    person: Person | None = None,
    owner: User | None = None,
    mid_due_on: dt.date | None = None,
    closing_due_on: dt.date | None = None,
) -> Review:
    """Open a case at a meeting: the case and its first review (初回), which sets the dates of
    the mid review and the closing review."""
    municipality = meeting.series.municipality
    if meeting.series.kind != Kind.INDIVIDUAL:
        raise ValidationError(
            "事例は地域ケア個別会議で検討します（推進会議には地域課題を出します）"
        )
    if person is not None:
        if person.municipality_id != municipality.pk:
            raise ValidationError({"person": "本人を選んでください"})
        district = person.district
    if district.municipality_id != municipality.pk:
        raise ValidationError({"district": "地区を選んでください"})
    if not number.strip():
        raise ValidationError({"number": "事例番号を入れてください"})
    if Case.objects.filter(municipality=municipality, number=number.strip()).exists():
        raise ValidationError({"number": f"事例番号「{number.strip()}」はすでに使われています"})
    if mid_due_on is None or closing_due_on is None:
        raise ValidationError({"mid_due_on": "初回の検討では中間と終了前の予定日を決めてください"})
    if not meeting.held_on < mid_due_on < closing_due_on:
        raise ValidationError(
            {"mid_due_on": "予定日は 初回（会議の日） < 中間 < 終了前 の順の日付です"}
        )
    _no_identity(person, goal=goal)
    case = Case(
        municipality=municipality,
        number=number.strip(),
        person=person,
        district=district,
        age=age,
        sex=sex,
        care_level=care_level,
        goal=goal.strip(),
        owner=owner or user,
        opened_on=meeting.held_on,
        mid_due_on=mid_due_on,
        closing_due_on=closing_due_on,
    )
    case.full_clean(exclude=["owner"])
    _check(user, Cap.CASES_MANAGE, case, CASE_REFUSED, new=True)
    _require_recorder(user, meeting)
    case.save()
    order = meeting.reviews.count() + 1
    review = Review.objects.create(
        case=case,
        meeting=meeting,
        stage=Stage.INITIAL,
        held_on=meeting.held_on,
        order=order,
        goal=goal.strip(),
        recorded_by=user,
    )
    refresh_due(case)
    if user is not None:
        access.audit_write(user, AuditAction.CREATE, case, changes={"number": [None, case.number]})
    return review


@transaction.atomic
def review_add(*, user: User | None, case: Case, meeting: CaseMeeting, stage: str) -> Review:
    """Put a case on a later meeting's agenda, at its mid or closing review."""
    _check(user, Cap.CASES_MANAGE, case, CASE_REFUSED)
    # Locked, and read again: a closing saved meanwhile is seen, and nothing reopens it.
    case = Case.objects.select_for_update().get(pk=case.pk)
    if stage not in (Stage.MID, Stage.CLOSING):
        raise ValidationError({"stage": "中間か終了前を選んでください"})
    if (
        meeting.series.municipality_id != case.municipality_id
        or meeting.series.kind != Kind.INDIVIDUAL
    ):
        raise ValidationError({"meeting": "この市町村の地域ケア個別会議を選んでください"})
    if case.reviews.filter(stage=stage).exists():
        raise ValidationError({"stage": f"{Stage(stage).label}の検討はすでにあります"})
    if case.closed_on is not None:
        raise ValidationError("終了した事例です")
    _check_stage_date(case, stage, meeting.held_on)
    _require_recorder(user, meeting)
    review = Review.objects.create(
        case=case,
        meeting=meeting,
        stage=stage,
        held_on=meeting.held_on,
        order=meeting.reviews.count() + 1,
        goal=case.goal,
        recorded_by=user,
    )
    refresh_due(case)
    if user is not None:
        access.audit_write(user, AuditAction.UPDATE, case, changes={"review": [None, stage]})
    return review


@transaction.atomic
def review_save(
    *,
    user: User | None,
    review: Review,
    version: int,
    present_state: str,
    goal: str,
    real_issue: str,
    can_solve: str,
    advice: str = "",
    tags: Sequence[str] = (),
    no_seed: bool = False,
    result: str = "",
) -> Review:
    """Save the case review sheet. It needs at least one issue seed (課題の種) or an explicit
    「なし」, so that the first step of finding regional issues is never skipped. Only a
    participant of the meeting records it; the second of two editors is told."""
    case = review.case
    _check(user, Cap.CASES_MANAGE, case, CASE_REFUSED)
    # Locked alone: PostgreSQL locks no nullable side of an outer join (the person).
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_open(case)
    _require_recorder(user, review.meeting)
    _no_identity(
        case.person,
        present_state=present_state,
        goal=goal,
        real_issue=real_issue,
        can_solve=can_solve,
        advice=advice,
    )
    if len(goal.strip()) > 400:
        raise ValidationError({"goal": "目標は400文字以内で書いてください"})
    if not tags and not no_seed:
        raise ValidationError({"tags": "課題の種を1つ以上選ぶか、「なし」を選んでください"})
    if tags and no_seed:
        raise ValidationError({"no_seed": "課題の種を選んだときは「なし」を外してください"})
    if result and result not in Outcome.values:
        raise ValidationError({"result": "結果を選んでください"})
    codes = tag_codes(case.municipality, tags, label="課題の種")
    values = {
        "present_state": present_state.strip(),
        "goal": goal.strip(),
        "real_issue": real_issue.strip(),
        "can_solve": can_solve.strip(),
        "advice": advice.strip(),
        "tag_codes": codes,
        "no_seed": no_seed,
        "result": result,
    }
    candidate = Review(
        pk=review.pk,
        case=case,
        meeting=review.meeting,
        stage=review.stage,
        held_on=review.held_on,
        **values,
    )
    candidate.full_clean(exclude=["case", "meeting", "recorded_by"], validate_unique=False)
    changed = Review.objects.filter(pk=review.pk, version=version).update(
        **values, recorded_by=user, version=F("version") + 1
    )
    if not changed:
        raise StaleError(STALE.format(what="検討シート"))
    review.refresh_from_db()
    _seed_rows(review, case)
    if review.stage == Stage.INITIAL and goal.strip() and goal.strip() != case.goal:
        Case.objects.filter(pk=case.pk).update(goal=goal.strip())
    if user is not None:
        access.audit_write(user, AuditAction.UPDATE, case, changes={"review": [None, review.stage]})
    return review


@transaction.atomic
def task_add(
    *,
    user: User | None,
    review: Review,
    kind: str,
    text: str,
    role: str,
    owner: str,
    due_on: dt.date,
    target: str,
    target_on: dt.date | None = None,
    service: Any = None,
) -> PlanTask:
    """A task of the support plan: it needs an owner, a deadline and a one-month target."""
    case = review.case
    _check(user, Cap.CASES_MANAGE, case, CASE_REFUSED)
    _require_open(case)
    _require_recorder(user, review.meeting)
    _no_identity(case.person, text=text, target=target)
    errors: dict[str, str] = {}
    if kind not in TaskKind.values:
        errors["kind"] = "種類を選んでください"
    if not owner.strip():
        errors["owner"] = "担当者を入れてください（担当のない役割は記録できません）"
    if not text.strip():
        errors["text"] = "内容を入れてください"
    if not target.strip():
        errors["target"] = "1か月後の目標を入れてください"
    if due_on < review.held_on:
        errors["due_on"] = f"期限は検討日（{review.held_on:%Y-%m-%d}）以後の日付です"
    if service is not None and service.municipality_id != case.municipality_id:
        errors["service"] = "地域資源を選んでください"
    if errors:
        raise ValidationError(errors)
    task = PlanTask(
        review=review,
        kind=kind,
        text=text.strip(),
        role=role.strip() or "-",
        owner=owner.strip(),
        due_on=due_on,
        target=target.strip(),
        target_on=target_on or review.held_on + dt.timedelta(days=30),
        service=service,
    )
    task.full_clean()
    task.save()
    refresh_target(case.pk)
    if user is not None:
        access.audit_write(user, AuditAction.UPDATE, case, changes={"task": [None, task.text]})
    return task


@transaction.atomic
def task_check(*, user: User | None, task: PlanTask, achieved: bool) -> PlanTask:
    case = task.review.case
    _check(user, Cap.CASES_MANAGE, case, CASE_REFUSED)
    _require_open(case)
    PlanTask.objects.filter(pk=task.pk).update(achieved=achieved)
    if user is not None:
        access.audit_write(
            user, AuditAction.UPDATE, case, changes={"task_achieved": [task.text, achieved]}
        )
    refresh_target(task.review.case_id)
    task.achieved = achieved
    return task


@transaction.atomic
def case_close(
    *,
    user: User | None,
    case: Case,
    outcome: str,
    key: str,
    closed_on: dt.date,
    version: int,
) -> Case:
    """Close a case with its outcome and the key to success or the reason it failed."""
    _check(user, Cap.CASES_MANAGE, case, CASE_REFUSED)
    _no_identity(case.person, outcome_key=key)
    if outcome not in (Outcome.MET, Outcome.PARTLY, Outcome.NOT_MET):
        raise ValidationError({"outcome": "結果（達成・一部達成・未達成）を選んでください"})
    if not key.strip():
        label = "成功の鍵" if outcome == Outcome.MET else "うまくいかなかった理由・残った課題"
        raise ValidationError(
            {"outcome_key": f"{label}を書いてください（似た事例の参考になります）"}
        )
    last = case.reviews.order_by("-held_on").values_list("held_on", flat=True).first()
    if last and closed_on < last:
        raise ValidationError({"closed_on": f"終了日は最後の検討（{last:%Y-%m-%d}）以後の日付です"})
    changed = Case.objects.filter(pk=case.pk, version=version, closed_on__isnull=True).update(
        outcome=outcome,
        outcome_key=key.strip(),
        closed_on=closed_on,
        next_stage="",
        next_due_on=None,
        version=F("version") + 1,
    )
    if not changed:
        raise StaleError(STALE.format(what="事例"))
    if user is not None:
        access.audit_write(user, AuditAction.UPDATE, case, changes={"outcome": [None, outcome]})
    case.refresh_from_db()
    return case


# --- from cases to the register and to policy ------------------------------------------------


@transaction.atomic
def promote(
    *,
    user: User | None,
    municipality: Municipality,
    tag: str,
    title: str,
    case_ids: Sequence[int],
    on: dt.date,
    period: tuple[str, str] = ("", ""),
    description: str = "",
) -> RegionalIssue:
    """Carry a recurring issue seed to the councils' register: a regional issue with the tag,
    linked to its cases, and the roll-up's figures kept as its evidence."""
    if user is not None:
        access.require(user, Cap.CASES_ROLLUP)
    cases = list(
        Case.objects.filter(municipality=municipality, pk__in=list(case_ids)).select_related(
            "district__life_area"
        )
    )
    if not cases:
        raise ValidationError({"cases": "この課題の種をもつ事例がありません"})
    districts = sorted({c.district.name for c in cases})
    life_areas = {c.district.life_area_id for c in cases}
    only = cases[0].district if len(districts) == 1 else None
    issue = issue_services.issue_create(
        user=user,
        municipality=municipality,
        title=title.strip() or known_tags(municipality).get(tag, tag),
        description=description,
        tags=[tag],
        district=only,
        life_area=cases[0].district.life_area if only is None and len(life_areas) == 1 else None,
        status_on=on,
    )
    IssueCase.objects.bulk_create(IssueCase(issue=issue, case=c, tag=tag) for c in cases)
    if user is not None:
        access.audit_write(
            user,
            AuditAction.UPDATE,
            issue,
            changes={"cases": [None, sorted(c.number for c in cases)]},
        )
    issue_services.issue_evidence_add(
        user=user,
        issue=issue,
        kind=EvidenceKind.CASE_MEETING,
        title=f"地域ケア会議の事例 {len(cases)}件（{len(districts)}地区）",
        on=on,
        snapshot={
            "shown": f"{len(cases)}件・{len(districts)}地区（{'、'.join(districts[:8])}"
            f"{'…' if len(districts) > 8 else ''}）",
            "tag": tag,
            "cases": len(cases),
            "districts": districts,
            "from": period[0],
            "to": period[1],
            "case_numbers": sorted(c.number for c in cases),
        },
        source_model="casemeetings.case",
    )
    return issue


@transaction.atomic
def link_cases(
    *, user: User | None, issue: RegionalIssue, case_ids: Sequence[int], tag: str = ""
) -> int:
    """Link more cases to an issue already on the register."""
    if user is not None:
        access.require_reach(user, Cap.ISSUES_EDIT, issue, "この地域課題を更新する権限がありません")
    cases = Case.objects.filter(municipality_id=issue.municipality_id, pk__in=list(case_ids))
    have = set(IssueCase.objects.filter(issue=issue).values_list("case_id", flat=True))
    new = [IssueCase(issue=issue, case=c, tag=tag) for c in cases if c.pk not in have]
    IssueCase.objects.bulk_create(new)
    if user is not None and new:
        access.audit_write(
            user, AuditAction.UPDATE, issue, changes={"cases": [None, [c.case.number for c in new]]}
        )
    return len(new)


@transaction.atomic
def policy_save(
    *,
    user: User | None,
    issue: RegionalIssue,
    title: str,
    description: str = "",
    status: str = PolicyStatus.PROPOSED,
    proposed_on: dt.date,
    plan_reference: str = "",
    policy: Policy | None = None,
) -> Policy:
    """Propose a measure (施策) for an issue of the register, or change one; it keeps the
    issue's links to its cases."""
    obj = policy or Policy(municipality=issue.municipality, issue=issue, created_by=user)
    if status not in PolicyStatus.values:
        raise ValidationError({"status": "状況を選んでください"})
    obj.title, obj.description, obj.status = title.strip(), description.strip(), status
    obj.proposed_on, obj.plan_reference = proposed_on, plan_reference.strip()
    obj.full_clean(exclude=["created_by"])
    _check(user, Cap.POLICY_EDIT, obj, "施策を登録する権限がありません", new=True)
    obj.save()
    if user is not None:
        access.audit_write(
            user,
            AuditAction.UPDATE if policy else AuditAction.CREATE,
            obj,
            changes={"status": [None, status]},
        )
    return obj


@transaction.atomic
def promotion_item_add(
    *, user: User | None, meeting: CaseMeeting, issue: RegionalIssue, note: str = ""
) -> PromotionItem:
    """Bring a regional issue to a 推進会議: only one that links the cases it came from."""
    _check(user, Cap.CASES_MANAGE, meeting, REFUSED)
    if meeting.series.kind != Kind.PROMOTION:
        raise ValidationError("地域課題は地域ケア推進会議に出します")
    if issue.municipality_id != meeting.series.municipality_id:
        raise ValidationError({"issue": "地域課題を選んでください"})
    if not IssueCase.objects.filter(issue=issue).exists():
        raise ValidationError(
            {"issue": "推進会議に出す地域課題は、もとになった事例とつながっている必要があります"}
        )
    item, _ = PromotionItem.objects.update_or_create(
        meeting=meeting,
        issue=issue,
        defaults={"note": note.strip(), "order": meeting.items.count() + 1},
    )
    if user is not None:
        access.audit_write(user, AuditAction.UPDATE, meeting, changes={"item": [None, issue.title]})
    return item
