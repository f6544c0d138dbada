"""The registry of periodic jobs: what runs, when, and for whom.

Each app registers its own jobs (``@periodic(...)`` in ``mutualaid/jobs.py``, loaded by its
AppConfig), so that this platform app knows no app above it. A job is a function called
with keywords ``municipality`` (None for a job of the whole installation) and ``now`` (the
moment the run stands for: its slot, or the time of a run by hand); it returns counts,
``{"points": 120}``, and nothing else, so that no personal data can reach the record of
its runs. A failure it can explain it raises as :class:`JobError`, whose message is
recorded: write it without names or other personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from chiiki.scheduler.slots import Schedule


class JobError(Exception):
    """A job's failure told in Japanese, recorded as the run's error (no personal data)."""


class JobFunction(Protocol):
    def __call__(self, *, municipality: Any, now: dt.datetime) -> Mapping[str, int]: ...


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    schedule: Schedule
    run: JobFunction
    per_municipality: bool
    description: str = ""
    # What each count of the result means, for the administrators' page.
    counts: Mapping[str, str] = field(default_factory=dict)

    def count_label(self, key: str) -> str:
        return self.counts.get(key, key)


JOBS: dict[str, Job] = {}


def periodic(
    name: str,
    *,
    label: str,
    schedule: Schedule,
    per_municipality: bool,
    description: str = "",
    counts: Mapping[str, str] | None = None,
) -> Callable[[JobFunction], JobFunction]:
    """Register the decorated function as the periodic job ``name`` (``app.what``)."""
    if len(name) > 60 or "." not in name:
        raise ValueError(f"job name {name!r}: app.what, at most 60 characters")

    def register(fn: JobFunction) -> JobFunction:
        JOBS[name] = Job(name, label, schedule, fn, per_municipality, description, counts or {})
        return fn

    return register


def get_job(name: str) -> Job:
    try:
        return JOBS[name]
    except KeyError:
        known = "、".join(sorted(JOBS)) or "なし"
        raise JobError(f"定期処理「{name}」はありません（登録されているもの: {known}）") from None
