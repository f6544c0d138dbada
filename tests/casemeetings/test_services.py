"""The writes of community care meetings: the follow-up dates, the sheet's rules, the
recorder in the meeting, lost updates, and the road from cases to the register and policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chiiki.casemeetings import services
from chiiki.casemeetings.models import IssueCase, Outcome, ReviewTag, Stage
from chiiki.councils.models import EvidenceKind
from tests.casemeetings.world import DAY, build_cases


@pytest.fixture
def w(town, personas):
    return build_cases(town, personas)


def _sheet(review, **over):
    values = dict(
        version=review.version,
        present_state="膝の痛みで外出が減った",
        goal="サロンに通えるようになる",
        real_issue="坂道を歩く自信がない",
        can_solve="通所Cで3か月の運動、その後サロンへ",
        tags=["mobility"],
    )
    values.update(over)
    return values


def test_opening_a_case_sets_the_next_review_due(w):
    assert w.case.next_stage == Stage.MID
    assert w.case.next_due_on == DAY + dt.timedelta(days=90)
    assert w.review.stage == Stage.INITIAL


def test_the_sheet_needs_a_seed_or_an_explicit_none(w, personas):
    with pytest.raises(ValidationError) as exc:
        services.review_save(user=personas["nurse"], review=w.review, **_sheet(w.review, tags=[]))
    assert "課題の種" in str(exc.value)
    saved = services.review_save(
        user=personas["nurse"], review=w.review, **_sheet(w.review, tags=[], no_seed=True)
    )
    assert saved.no_seed and ReviewTag.objects.filter(review=saved).count() == 0
    saved = services.review_save(
        user=personas["nurse"], review=saved, **_sheet(saved, tags=["mobility", "shopping"])
    )
    assert sorted(ReviewTag.objects.filter(review=saved).values_list("tag", flat=True)) == [
        "mobility",
        "shopping",
    ]


def test_the_second_of_two_editors_is_told(w, personas):
    seen = w.review.version
    services.review_save(user=personas["nurse"], review=w.review, **_sheet(w.review))
    with pytest.raises(services.StaleError):
        services.review_save(
            user=personas["admin"], review=w.review, **_sheet(w.review, version=seen)
        )


def test_only_a_participant_records(w, personas):
    with pytest.raises(ValidationError) as exc:
        services.review_save(user=personas["officer"], review=w.review, **_sheet(w.review))
    assert "参加者" in str(exc.value)


def test_a_coordinator_cannot_record(w, personas):
    with pytest.raises(PermissionDenied):
        services.review_save(user=personas["coordinator"], review=w.review, **_sheet(w.review))


def test_a_mid_review_before_the_first_is_refused(w, personas):
    early = services.meeting_create(
        user=personas["nurse"], series=w.series, held_on=DAY - dt.timedelta(days=7)
    )
    with pytest.raises(ValidationError) as exc:
        services.review_add(user=personas["nurse"], case=w.case, meeting=early, stage=Stage.MID)
    assert "初回" in str(exc.value)


def test_a_task_without_an_owner_is_refused(w, personas):
    with pytest.raises(ValidationError) as exc:
        services.task_add(
            user=personas["nurse"],
            review=w.review,
            kind="informal",
            text="サロンの見学",
            role="coordinator",
            owner=" ",
            due_on=DAY + dt.timedelta(days=14),
            target="一度見学する",
        )
    assert "担当者" in str(exc.value)


def test_following_up_to_closing(w, personas):
    nurse = personas["nurse"]
    mid = services.meeting_create(user=nurse, series=w.series, held_on=DAY + dt.timedelta(days=91))
    review = services.review_add(user=nurse, case=w.case, meeting=mid, stage=Stage.MID)
    w.case.refresh_from_db()
    assert (w.case.next_stage, w.case.next_due_on) == (Stage.CLOSING, w.case.closing_due_on)
    with pytest.raises(ValidationError):  # no key to success: the lesson is the point
        services.case_close(
            user=nurse,
            case=w.case,
            outcome=Outcome.MET,
            key="",
            closed_on=mid.held_on,
            version=w.case.version,
        )
    closed = services.case_close(
        user=nurse,
        case=w.case,
        outcome=Outcome.MET,
        key="通所Cのあと、SCがサロンの送迎ボランティアにつないだ",
        closed_on=review.held_on,
        version=w.case.version,
    )
    assert closed.outcome == Outcome.MET and closed.next_due_on is None


def test_promote_links_cases_and_keeps_the_figures(w, personas):
    services.review_save(user=personas["nurse"], review=w.review, **_sheet(w.review))
    issue = services.promote(
        user=personas["officer"],
        municipality=w.case.municipality,
        tag="mobility",
        title="",
        case_ids=[w.case.pk],
        on=DAY,
    )
    assert issue.tags == ["mobility"] and issue.title == "移動・外出"
    assert list(IssueCase.objects.filter(issue=issue).values_list("case_id", flat=True)) == [
        w.case.pk
    ]
    evidence = issue.evidence.get()
    assert evidence.kind == EvidenceKind.CASE_MEETING and evidence.snapshot["cases"] == 1
    policy = services.policy_save(
        user=personas["officer"], issue=issue, title="乗合タクシーの試行", proposed_on=DAY
    )
    assert policy.issue.case_links.count() == 1
    with pytest.raises(PermissionDenied):
        services.policy_save(user=personas["nurse"], issue=issue, title="x", proposed_on=DAY)


def test_a_promotion_item_needs_its_cases(w, personas):
    from chiiki.councils.services import issues as issue_services

    bare = issue_services.issue_create(
        user=None, municipality=w.case.municipality, title="根拠のない課題", status_on=DAY
    )
    meeting = services.meeting_create(user=personas["officer"], series=w.promotion, held_on=DAY)
    with pytest.raises(ValidationError) as exc:
        services.promotion_item_add(user=personas["officer"], meeting=meeting, issue=bare)
    assert "事例" in str(exc.value)


def test_rollup_counts_a_case_once_per_tag_in_its_district(w, personas):
    from chiiki.casemeetings import selectors

    services.review_save(
        user=personas["nurse"], review=w.review, **_sheet(w.review, tags=["mobility", "shopping"])
    )
    mid = services.meeting_create(
        user=personas["nurse"], series=w.series, held_on=DAY + dt.timedelta(days=91)
    )
    review = services.review_add(user=personas["nurse"], case=w.case, meeting=mid, stage=Stage.MID)
    services.review_save(user=personas["nurse"], review=review, **_sheet(review))
    rolls = selectors.rollup_for(municipality=w.case.municipality)
    assert [r.as_json() for r in rolls] == [
        {"tag": "移動・外出", "cases": 1, "districts": {"須佐": 1}},
        {"tag": "買い物", "cases": 1, "districts": {"須佐": 1}},
    ]
    later = selectors.rollup_for(municipality=w.case.municipality, start=mid.held_on)
    assert [r.as_json()["tag"] for r in later] == ["移動・外出"]


def test_due_board_counts_overdue_per_center_and_owner(w, personas):
    from chiiki.casemeetings import selectors

    later = DAY + dt.timedelta(days=100)
    board = selectors.due_board(user=personas["admin"], today=later)
    assert board.total.overdue == 2
    assert {(d.label, d.overdue) for d in board.by_center} == {("北部", 1), ("南部", 1)}
    assert {(d.label, d.overdue) for d in board.by_owner} == {
        (str(personas["nurse"]), 1),
        ("（担当なし）", 1),
    }
    rows = {c.number: c for c in board.rows}
    assert set(rows) == {"N-2025-001", "S-2025-001"}
    assert rows["N-2025-001"].name == "検討 一郎"  # the administrator identifies the resident
    shown = {c.number: c for c in selectors.due_board(user=personas["nurse"], today=later).rows}
    assert shown["N-2025-001"].name == "検討 一郎"
    assert shown["S-2025-001"].identified is False  # no resident linked in the south
    coordinator = selectors.due_board(user=personas["coordinator"], today=later)
    assert coordinator.rows and all(c.name is None for c in coordinator.rows)


def test_the_checklist_is_shown_to_the_health_roles_who_identify_the_case(w, personas):
    from chiiki.casemeetings import selectors
    from chiiki.surveys import services as survey_services

    survey_services.screening_create(
        user=None,
        person=w.person,
        answers_by_item={"q16": 1},
        height_cm=None,
        weight_kg=None,
        screened_on=DAY,
    )
    nurse = selectors.case_get_for_user(user=personas["nurse"], case_id=w.case.pk)
    assert nurse.health and nurse.health[0][1] == "基本チェックリスト（窓口）"
    assert any("閉じこもり" in m for m in nurse.health[0][2])
    for who in ("coordinator", "advisor"):
        view = selectors.case_get_for_user(user=personas[who], case_id=w.case.pk)
        assert view.health == [] and view.card.name is None


def test_the_advisor_reads_only_the_reviews_of_their_meetings(w, personas):
    from chiiki.casemeetings import selectors

    mid = services.meeting_create(user=None, series=w.series, held_on=DAY + dt.timedelta(days=91))
    services.review_add(user=None, case=w.case, meeting=mid, stage=Stage.MID)
    staff = selectors.case_get_for_user(user=personas["nurse"], case_id=w.case.pk)
    assert [r.stage for r in staff.reviews] == [Stage.INITIAL, Stage.MID]
    advisor = selectors.case_get_for_user(user=personas["advisor"], case_id=w.case.pk)
    assert [r.stage for r in advisor.reviews] == [Stage.INITIAL]


def test_a_sheet_that_names_the_resident_is_refused(w, personas):
    named = _sheet(
        w.review, present_state=f"{w.person.family_name}{w.person.given_name}さんは膝が痛い"
    )
    with pytest.raises(ValidationError) as exc:
        services.review_save(user=personas["nurse"], review=w.review, **named)
    assert "氏名" in str(exc.value)
    with pytest.raises(ValidationError):
        services.review_save(
            user=personas["nurse"],
            review=w.review,
            **_sheet(w.review, advice=f"電話 {w.person.phone} で家族に連絡"),
        )


def test_a_closed_case_is_not_written_and_closing_needs_the_mid_review(w, personas):
    nurse = personas["nurse"]
    later = services.meeting_create(
        user=nurse, series=w.series, held_on=DAY + dt.timedelta(days=91)
    )
    with pytest.raises(ValidationError) as exc:
        services.review_add(user=nurse, case=w.case, meeting=later, stage=Stage.CLOSING)
    assert "中間" in str(exc.value)
    services.case_close(
        user=nurse,
        case=w.case,
        outcome=Outcome.NOT_MET,
        key="入院で中断",
        closed_on=later.held_on,
        version=w.case.version,
    )
    w.review.case.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.review_save(user=nurse, review=w.review, **_sheet(w.review))
    assert "終了した事例" in str(exc.value)
    with pytest.raises(ValidationError):
        services.review_add(user=nurse, case=w.case, meeting=later, stage=Stage.MID)


def test_a_resident_who_moved_out_of_the_nurses_areas_is_no_longer_identified(w, town, personas):
    from chiiki.casemeetings import selectors
    from chiiki.people.models import Person

    Person.objects.filter(pk=w.person.pk).update(district=town.s1)
    card = selectors.case_get_for_user(user=personas["nurse"], case_id=w.case.pk).card
    assert card.identified is False and card.name is None
    assert selectors.case_get_for_user(user=personas["officer"], case_id=w.case.pk).card.name


def test_a_series_with_cases_keeps_its_kind(w, personas):
    from chiiki.casemeetings.models import Kind

    with pytest.raises(ValidationError) as exc:
        services.series_save(
            user=personas["officer"],
            municipality=w.series.municipality,
            series=w.series,
            kind=Kind.PROMOTION,
        )
    assert "種別" in str(exc.value)


def test_following_up_writes_the_audit_trail(w, personas):
    from chiiki.accounts.models import AuditEvent

    nurse = personas["nurse"]
    before = AuditEvent.objects.filter(user=nurse).count()
    mid = services.meeting_create(user=nurse, series=w.series, held_on=DAY + dt.timedelta(days=91))
    services.review_add(user=nurse, case=w.case, meeting=mid, stage=Stage.MID)
    task = services.task_add(
        user=nurse,
        review=w.review,
        kind="informal",
        text="サロンの見学",
        role="coordinator",
        owner="SC",
        due_on=DAY + dt.timedelta(days=14),
        target="一度見学する",
    )
    services.task_check(user=nurse, task=task, achieved=True)
    # the meeting, the mid review, the task and its check
    assert AuditEvent.objects.filter(user=nurse).count() - before == 4
