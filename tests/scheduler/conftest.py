from __future__ import annotations

import pytest

from chiiki.scheduler.registry import JOBS, JobError, periodic
from chiiki.scheduler.slots import Daily, Hourly


@pytest.fixture
def jobs():
    """The registry with only two jobs of the tests: a daily count per municipality and an
    hourly job of the whole installation (the apps' own jobs are put back afterwards)."""
    saved = dict(JOBS)
    JOBS.clear()
    calls: list[tuple[object, object]] = []

    @periodic(
        "test.count",
        label="数える",
        schedule=Daily(3),
        per_municipality=True,
        counts={"seen": "数えたもの"},
    )
    def count(*, municipality, now):
        calls.append((municipality, now))
        if municipality is not None and municipality.code == "442143" and fail["other"]:
            raise JobError("国東市の名簿がありません")
        return {"seen": 7 if municipality.code == "352047" else 1}

    @periodic("test.tidy", label="片づける", schedule=Hourly(0), per_municipality=False)
    def tidy(*, municipality, now):
        calls.append((municipality, now))
        return {"removed": 2}

    fail = {"other": False}
    yield type("Jobs", (), {"calls": calls, "fail": fail})
    JOBS.clear()
    JOBS.update(saved)
