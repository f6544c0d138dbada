"""The due board's counts per center and per staff member, and the roll-up's districts, as
the selectors read them in one grouped query each."""

from __future__ import annotations

import datetime as dt

from chiiki.casemeetings import selectors, services
from tests.casemeetings.world import DAY, build_cases


def _open(w, meeting, number, district, owner, *, mid_days=90):
    return services.case_open(
        user=None,
        meeting=meeting,
        number=number,
        district=district,
        age=80,
        sex="F",
        care_level="support_1",
        owner=owner,
        mid_due_on=meeting.held_on + dt.timedelta(days=mid_days),
        closing_due_on=meeting.held_on + dt.timedelta(days=180),
    )


def test_the_due_board_adds_up_per_center_and_per_staff_member(town, personas):
    w = build_cases(
        town, personas, south_case=False
    )  # N-2025-001: 北部, the nurse's, mid review due DAY+90
    nurse, admin = personas["nurse"], personas["admin"]
    south = services.meeting_create(user=None, series=w.south_series, held_on=DAY)
    later = services.meeting_create(
        user=None, series=w.south_series, held_on=DAY + dt.timedelta(days=20)
    )
    reached = _open(w, w.meeting, "N-2", town.n2, nurse)  # 北部, overdue at DAY+100
    _open(w, later, "S-1", town.s1, nurse)  # 南部, due at DAY+110: within two weeks
    behind = _open(w, south, "S-2", town.s2, admin, mid_days=150)  # 南部, neither
    for review in (behind, reached):  # both past their target; only N-2's was reached
        task = services.task_add(
            user=None,
            review=review,
            kind="informal",
            text="サロンの見学",
            role="coordinator",
            owner="生活支援コーディネーター",
            due_on=DAY + dt.timedelta(days=7),
            target="一度見学する",
            target_on=DAY + dt.timedelta(days=30),
        )
    services.task_check(user=None, task=task, achieved=True)
    board = selectors.due_board(user=admin, today=DAY + dt.timedelta(days=100))
    centers = {d.label: (d.open, d.due, d.overdue, d.behind) for d in board.by_center}
    owners = {d.key: (d.open, d.due, d.overdue, d.behind) for d in board.by_owner}
    assert centers == {"北部": (2, 0, 2, 0), "南部": (2, 1, 0, 1)}
    assert owners == {str(nurse.pk): (3, 1, 2, 0), str(admin.pk): (1, 0, 0, 1)}
    assert [d.label for d in board.by_center] == ["北部", "南部"]  # most overdue first
    assert (board.total.open, board.total.due, board.total.overdue, board.total.behind) == (
        4,
        1,
        2,
        1,
    )
    assert [c.number for c in board.rows] == ["N-2025-001", "N-2", "S-1", "S-2"]


def test_the_rollup_names_each_district_and_adds_up_its_cases(town, personas):
    w = build_cases(town, personas, south_case=False)
    review = _open(w, w.meeting, "N-2", town.n2, personas["nurse"])
    for r in (w.review, review):
        services.review_save(
            user=None,
            review=r,
            version=r.version,
            present_state="",
            goal="",
            real_issue="",
            can_solve="",
            tags=["mobility"],
        )
    rolls = selectors.rollup_for(municipality=town.municipality)
    assert [r.as_json() for r in rolls] == [
        {"tag": "移動・外出", "cases": 2, "districts": {"田万川": 1, "須佐": 1}}
    ]


def test_an_advisors_due_board_counts_the_cases_of_their_meetings_only(town, personas):
    w = build_cases(town, personas, south_case=False)  # the advisor is invited to w.meeting
    south = services.meeting_create(user=None, series=w.south_series, held_on=DAY)
    behind = _open(w, south, "S-1", town.s1, personas["admin"])
    services.task_add(
        user=None,
        review=behind,
        kind="informal",
        text="サロンの見学",
        role="coordinator",
        owner="生活支援コーディネーター",
        due_on=DAY + dt.timedelta(days=7),
        target="一度見学する",
    )
    _open(w, w.meeting, "N-2", town.n2, personas["nurse"])
    today = DAY + dt.timedelta(days=100)
    board = selectors.due_board(user=personas["advisor"], today=today)
    assert (board.total.open, board.total.overdue, board.total.behind) == (2, 2, 0)
    assert sorted(c.number for c in board.rows) == ["N-2", "N-2025-001"]
    assert not any(c.identified for c in board.rows)
    staff = selectors.due_board(user=personas["admin"], today=today)
    assert (staff.total.open, staff.total.behind) == (3, 1)


def test_the_case_keeps_its_earliest_target_not_reached(town, personas):
    w = build_cases(town, personas, south_case=False)
    tasks = [
        services.task_add(
            user=None,
            review=w.review,
            kind="informal",
            text=f"役割 {days}",
            role="coordinator",
            owner="生活支援コーディネーター",
            due_on=DAY + dt.timedelta(days=7),
            target="一度見学する",
            target_on=DAY + dt.timedelta(days=days),
        )
        for days in (40, 20)
    ]
    w.case.refresh_from_db()
    assert w.case.next_target_on == DAY + dt.timedelta(days=20)
    services.task_check(user=None, task=tasks[1], achieved=True)
    w.case.refresh_from_db()
    assert w.case.next_target_on == DAY + dt.timedelta(days=40)
    services.task_check(user=None, task=tasks[0], achieved=True)
    w.case.refresh_from_db()
    assert w.case.next_target_on is None
    services.task_check(user=None, task=tasks[0], achieved=False)  # not reached after all
    w.case.refresh_from_db()
    assert w.case.next_target_on == DAY + dt.timedelta(days=40)


def test_the_migration_fills_the_target_of_stored_cases(town, personas):
    import importlib

    from django.apps import apps

    from chiiki.casemeetings.models import Case

    w = build_cases(town, personas, south_case=False)
    services.task_add(
        user=None,
        review=w.review,
        kind="informal",
        text="サロンの見学",
        role="coordinator",
        owner="生活支援コーディネーター",
        due_on=DAY + dt.timedelta(days=7),
        target="一度見学する",
    )
    Case.objects.update(next_target_on=None)
    migration = importlib.import_module("chiiki.casemeetings.migrations.0003_case_next_target_on")
    migration.fill(apps, None)
    assert Case.objects.get(pk=w.case.pk).next_target_on == DAY + dt.timedelta(days=30)
