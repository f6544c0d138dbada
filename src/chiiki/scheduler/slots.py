"""When a periodic job falls due: schedules and their slots, in Japan time (no Django).

A *slot* is one moment a job is due: 03:00 on 1 April for a job run daily at 03:00. The
scheduler claims the latest slot at or before now, once (the database refuses a second
claim), so a job missed while the scheduler was down runs once when it comes back, not
once per missed slot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# Asia/Tokyo has kept UTC+9 without summer time since 1951, so a slot plus its period is
# the next slot in wall-clock and in elapsed time alike.
JST = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class Daily:
    """Every day at ``hour``:``minute`` Japan time."""

    hour: int
    minute: int = 0

    def __post_init__(self) -> None:
        if not (0 <= self.hour < 24 and 0 <= self.minute < 60):
            raise ValueError(f"no time of day {self.hour}:{self.minute}")

    @property
    def period(self) -> dt.timedelta:
        return dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"毎日 {self.hour:02d}:{self.minute:02d}"

    def _anchor(self, local: dt.datetime) -> dt.datetime:
        return local.replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)


@dataclass(frozen=True)
class Hourly:
    """Every hour at ``minute`` past."""

    minute: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.minute < 60:
            raise ValueError(f"no minute {self.minute}")

    @property
    def period(self) -> dt.timedelta:
        return dt.timedelta(hours=1)

    @property
    def label(self) -> str:
        return f"毎時 {self.minute:02d}分"

    def _anchor(self, local: dt.datetime) -> dt.datetime:
        return local.replace(minute=self.minute, second=0, microsecond=0)


Schedule = Daily | Hourly


def due_slot(schedule: Schedule, now: dt.datetime) -> dt.datetime:
    """The latest slot of ``schedule`` at or before ``now`` (an aware time), in Japan time.

    1. Read ``now`` on the Japanese clock.
    2. Take the slot of the same day (daily) or hour (hourly).
    3. If that is still ahead, step back one period.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    local = now.astimezone(JST)
    slot = schedule._anchor(local)
    if slot > local:
        slot -= schedule.period
    return slot


def next_slot(schedule: Schedule, now: dt.datetime) -> dt.datetime:
    """The first slot after ``now``."""
    return due_slot(schedule, now) + schedule.period
