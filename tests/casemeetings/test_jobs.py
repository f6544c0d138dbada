"""The morning count of follow-ups falling due: what the due board shows, as counts."""

from __future__ import annotations

import datetime as dt

from chiiki.casemeetings import selectors
from chiiki.scheduler.models import RunStatus
from chiiki.scheduler.services import job_run
from chiiki.scheduler.slots import JST
from tests.casemeetings.world import DAY, build_cases


def test_the_daily_job_records_the_cases_falling_due_and_those_that_just_became_overdue(
    town, personas
):
    build_cases(town, personas, south_case=False)  # N-2025-001: mid review due DAY+90
    admin = personas["admin"]
    for days, wanted in (
        (80, {"open": 1, "overdue": 0, "became_overdue": 0, "due_soon": 1, "behind": 0}),
        (91, {"open": 1, "overdue": 1, "became_overdue": 1, "due_soon": 0, "behind": 0}),
        (92, {"open": 1, "overdue": 1, "became_overdue": 0, "due_soon": 0, "behind": 0}),
    ):
        today = DAY + dt.timedelta(days=days)
        as_of = dt.datetime.combine(today, dt.time(6), tzinfo=JST)
        [run] = job_run(
            name="casemeetings.due_reviews", as_of=as_of, municipality=town.municipality
        )
        assert (run.status, run.result) == (RunStatus.OK, wanted)
        total = selectors.due_board(user=admin, today=today).total
        assert (total.open, total.due, total.overdue, total.behind) == (
            wanted["open"],
            wanted["due_soon"],
            wanted["overdue"],
            wanted["behind"],
        )
