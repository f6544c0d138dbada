"""The nightly point expiry, as the scheduler runs it."""

from __future__ import annotations

import datetime as dt

from chiiki.mutualaid import services
from chiiki.mutualaid.models import PointEntry
from chiiki.scheduler.models import RunStatus, Trigger
from chiiki.scheduler.services import job_run
from chiiki.scheduler.slots import JST


def test_the_nightly_job_expires_the_points_of_its_slots_day_once_per_municipality(aid):
    PointEntry.objects.create(volunteer=aid.hanako, kind="earn", points=5, on=dt.date(2019, 4, 10))
    PointEntry.objects.create(volunteer=aid.hanako, kind="earn", points=4, on=dt.date(2020, 4, 10))
    # The slot of 10 April 03:00 (Japan time), run late: the day expired is the slot's.
    slot = dt.datetime(2021, 4, 10, 3, tzinfo=JST)
    runs = job_run(name="mutualaid.expire_points", as_of=slot, trigger=Trigger.SCHEDULE)
    by_code = {r.municipality.code: (r.status, r.result) for r in runs}
    assert by_code == {
        "352047": (RunStatus.OK, {"volunteers": 1, "points": 5}),
        "442143": (RunStatus.OK, {"volunteers": 0, "points": 0}),
    }
    assert services.points_balance(aid.hanako.pk) == 4
    [again, _] = job_run(name="mutualaid.expire_points", as_of=slot)
    assert again.result == {"volunteers": 0, "points": 0}
    assert services.points_balance(aid.hanako.pk) == 4
