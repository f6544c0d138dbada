"""The demo's year of community care meetings in 萩市: the planted issues rise to the top of
the roll-up in their districts, the outside physiotherapist sees the cases without names while
staff see them, transport is carried to the register with its cases and a measure, and the
follow-up board has work on the demo's last day."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from chiiki.accounts.models import Role, User
from chiiki.casemeetings import demo, selectors
from chiiki.casemeetings.models import (
    Case,
    CaseMeeting,
    Invitation,
    IssueCase,
    Kind,
    Outcome,
    PlanTask,
    Policy,
    PromotionItem,
    Review,
    ReviewTag,
    Series,
    Stage,
    TaskKind,
)
from chiiki.councils.models import RegionalIssue
from chiiki.web import demo as web_demo

SOUTH = {"むつみ", "川上", "旭", "福栄"}
CENTRE = {"明倫", "椿西", "椿東"}


def _figures(municipality) -> tuple[int, ...]:
    return (
        Series.objects.filter(municipality=municipality).count(),
        CaseMeeting.objects.filter(series__municipality=municipality).count(),
        Case.objects.filter(municipality=municipality).count(),
        Review.objects.filter(case__municipality=municipality).count(),
        PlanTask.objects.count(),
        Invitation.objects.count(),
        RegionalIssue.objects.filter(municipality=municipality).count(),
    )


def _check_the_year(municipality) -> None:
    meetings = CaseMeeting.objects.filter(series__municipality=municipality)
    assert meetings.filter(series__kind=Kind.INDIVIDUAL).count() == 24
    assert meetings.filter(series__kind=Kind.PROMOTION).count() == 2
    cases = Case.objects.filter(municipality=municipality)
    assert 40 <= cases.count() <= 70
    assert not cases.filter(person__isnull=True).exists()
    stages = set(
        Review.objects.filter(case__municipality=municipality).values_list("stage", flat=True)
    )
    assert stages == {Stage.INITIAL, Stage.MID, Stage.CLOSING}
    # No meeting runs past its time: a meeting takes no more cases than its series allows.
    for m in meetings.filter(series__kind=Kind.INDIVIDUAL).select_related("series"):
        assert 0 < m.reviews.count() <= m.series.cases_per_meeting
    closed = cases.filter(closed_on__isnull=False)
    assert set(closed.values_list("outcome", flat=True)) == {
        Outcome.MET,
        Outcome.PARTLY,
        Outcome.NOT_MET,
    }
    assert not closed.filter(outcome_key="").exists()
    first = Review.objects.filter(case__municipality=municipality, stage=Stage.INITIAL)
    assert not first.filter(present_state="").exists() and not first.filter(tag_codes="").exists()
    assert not first.filter(can_solve="").exists()
    kinds = set(PlanTask.objects.values_list("kind", flat=True))
    assert {TaskKind.INSURANCE, TaskKind.INFORMAL, TaskKind.MUTUAL_AID} <= kinds
    # Evaluated: all but the last month's and two the secretariat missed.
    evaluated = meetings.filter(evaluated_on__isnull=False)
    assert evaluated.count() == meetings.count() - 4
    assert not evaluated.filter(held_on__month=3).exists()


def _check_the_rollup(municipality) -> None:
    rolls = selectors.rollup_for(municipality=municipality)
    assert [r.tag for r in rolls[:3]] == ["mobility", "dementia", "shopping"]
    assert rolls[2].cases > rolls[3].cases  # the planted issues stand clear of the rest
    by_tag = {r.tag: r for r in rolls}
    for tag in ("mobility", "shopping"):
        roll = by_tag[tag]
        assert next(iter(roll.districts)) in SOUTH
        assert sum(n for d, n in roll.districts.items() if d in SOUTH) >= 0.8 * roll.cases
    assert set(by_tag["dementia"].districts) <= CENTRE


def _check_who_sees_names(municipality) -> None:
    advisor = User.objects.get(username="advisor")
    assert advisor.role == Role.ADVISOR and advisor.display_name == "理学療法士（市民病院）"
    assert advisor.check_password(web_demo.DEMO_PASSWORD)
    invited = CaseMeeting.objects.filter(invitations__user=advisor)
    assert invited.count() == 22 and not invited.filter(series__kind=Kind.PROMOTION).exists()
    admin, nurse = User.objects.get(username="admin"), User.objects.get(username="hokatsu")
    meeting = invited.filter(reviews__stage=Stage.MID).order_by("held_on").first()
    entries = selectors.meeting_agenda(user=advisor, meeting=meeting)
    assert len(entries) == meeting.reviews.count()
    assert all(e.card.name is None and not e.card.identified for e in entries)
    named = selectors.meeting_agenda(user=admin, meeting=meeting)
    people = {c.pk: c.person for c in Case.objects.select_related("person")}
    assert [e.card.name for e in named] == [
        f"{people[e.card.pk].family_name} {people[e.card.pk].given_name}" for e in named
    ]
    found = selectors.find_cases(user=advisor, limit=1000)
    reviewed = Case.objects.filter(reviews__meeting__in=invited).distinct().count()
    assert len(found) == reviewed and all(card.name is None for card, _ in found)
    skipped = CaseMeeting.objects.filter(series__kind=Kind.INDIVIDUAL).exclude(pk__in=invited)
    with pytest.raises(PermissionDenied):
        selectors.meeting_get_for_user(user=advisor, meeting_id=skipped.first().pk)
    # The centre's nurse runs the centre's meetings and names the centre's residents only.
    assert (
        Invitation.objects.filter(user=nurse, meeting__series__name=demo.INDEPENDENCE).count() == 12
    )
    assert Invitation.objects.filter(user=admin, meeting__series__name=demo.CARE).count() == 12
    cards = [card for card, _ in selectors.find_cases(user=nurse, limit=1000)]
    assert {c.identified for c in cards if c.life_area == "中央圏域"} == {True}
    assert {c.name for c in cards if c.life_area != "中央圏域"} == {None}


def _check_the_register(municipality) -> None:
    issues = RegionalIssue.objects.filter(municipality=municipality, case_links__isnull=False)
    issue = issues.distinct().get()
    assert issue.tags == ["mobility"]
    linked = Case.objects.filter(issue_links__issue=issue).select_related("district")
    assert linked.count() >= 8 and {c.district.name for c in linked} <= SOUTH
    assert (
        ReviewTag.objects.filter(case__in=linked, tag="mobility").values("case").distinct().count()
        == linked.count()
    )
    assert issue.life_area.name == "南部圏域"
    assert issue.evidence.get().snapshot["cases"] == linked.count()
    policy = Policy.objects.get(issue=issue)
    assert "送迎" in policy.title
    item = PromotionItem.objects.get(issue=issue)
    assert item.meeting.series.name == demo.PROMOTION and item.meeting.held_on >= issue.status_on
    assert IssueCase.objects.filter(issue=issue).count() == linked.count()


def test_the_demo_year_of_community_care_meetings(db):
    municipality = web_demo.build(seed=2018)
    demo.build(municipality, 2018)
    _check_the_year(municipality)
    _check_the_rollup(municipality)
    _check_who_sees_names(municipality)
    _check_the_register(municipality)
    board = selectors.due_board(user=User.objects.get(username="admin"), today=demo.TODAY)
    assert board.total.open > 0 and board.total.due > 0
    assert board.total.overdue > 0 and board.total.behind > 0
    assert board.total.overdue < board.total.open / 2  # some overdue, not most
    assert "advisor" in [username for username, _, _ in web_demo.logins()]
    before = _figures(municipality)
    demo.build(municipality, 2018)  # a second `chiiki demo` adds nothing
    assert _figures(municipality) == before


def test_in_a_small_town_the_plan_takes_the_directorys_resources_and_follows_the_seed(
    town, personas
):
    from chiiki.resources import demo as resources_demo

    resources_demo.build(town.municipality, 2018)
    demo.build(town.municipality, 2018)
    informal = PlanTask.objects.filter(kind=TaskKind.INFORMAL)
    assert informal.filter(service__isnull=False).count() >= 0.8 * informal.count()
    assert (
        not PlanTask.objects.exclude(service__isnull=True)
        .exclude(service__municipality=town.municipality)
        .exists()
    )
    # Residents were registered for the cases (the test town has none of its own).
    assert Case.objects.filter(person__isnull=False).count() == Case.objects.count() > 0
    # The writer follows the plan, and the plan follows the seed.
    plan = demo.plan_year(2018)
    assert demo.plan_year(2018) == plan and demo.plan_year(7) != plan
    planned = sorted(
        (day, case.number, stage)
        for _cases, agendas in plan.values()
        for day, agenda in agendas.items()
        for case, stage in agenda
    )
    stored = sorted(
        Review.objects.filter(case__municipality=town.municipality).values_list(
            "held_on", "case__number", "stage"
        )
    )
    assert stored == planned
    assert Invitation.objects.filter(user=personas["advisor"]).count() == 22
