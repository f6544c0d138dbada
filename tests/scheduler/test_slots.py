"""When a job falls due: known answers, and properties over any moment and any clock."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiiki.scheduler.slots import JST, Daily, Hourly, due_slot, next_slot

UTC = dt.UTC


def jst(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=JST)


@pytest.mark.parametrize(
    ("schedule", "now", "due"),
    [
        (Daily(3), jst(2026, 4, 1, 2, 59, 59), jst(2026, 3, 31, 3)),
        (Daily(3), jst(2026, 4, 1, 3, 0), jst(2026, 4, 1, 3)),
        (Daily(3), jst(2026, 4, 1, 23, 59), jst(2026, 4, 1, 3)),
        # 18:00 UTC is 03:00 of the next day in Japan: the slot of the Japanese day.
        (Daily(3), dt.datetime(2026, 3, 31, 18, 0, tzinfo=UTC), jst(2026, 4, 1, 3)),
        (Daily(3), dt.datetime(2026, 3, 31, 17, 59, tzinfo=UTC), jst(2026, 3, 31, 3)),
        (Daily(0, 0), jst(2024, 3, 1, 0, 0), jst(2024, 3, 1, 0, 0)),
        (Daily(23, 30), jst(2024, 3, 1, 0, 10), jst(2024, 2, 29, 23, 30)),  # a leap day
        (Hourly(20), jst(2026, 1, 1, 0, 19), jst(2025, 12, 31, 23, 20)),
        (Hourly(20), jst(2026, 1, 1, 0, 20), jst(2026, 1, 1, 0, 20)),
    ],
)
def test_the_due_slot_is_the_latest_at_or_before_now_on_the_japanese_clock(schedule, now, due):
    assert due_slot(schedule, now) == due
    assert due_slot(schedule, now).tzinfo is JST


def test_a_naive_time_and_an_impossible_schedule_are_refused():
    with pytest.raises(ValueError, match="aware"):
        due_slot(Daily(3), dt.datetime(2026, 4, 1, 3))  # noqa: DTZ001
    with pytest.raises(ValueError):
        Daily(24)
    with pytest.raises(ValueError):
        Hourly(60)


def test_schedules_read_in_japanese():
    assert Daily(3).label == "毎日 03:00"
    assert Hourly(5).label == "毎時 05分"


schedules = st.one_of(
    st.builds(Daily, st.integers(0, 23), st.integers(0, 59)),
    st.builds(Hourly, st.integers(0, 59)),
)
zones = st.sampled_from([UTC, JST, dt.timezone(dt.timedelta(hours=-10)), dt.timezone.min])
# Instants from 2000 to 2099 (seconds since the epoch), read on one of several clocks.
# No time limits: a loaded machine must not fail a property.
relaxed = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
moments = st.builds(
    lambda seconds, micro, zone: (
        dt.datetime.fromtimestamp(seconds, UTC).replace(microsecond=micro).astimezone(zone)
    ),
    st.integers(946_684_800, 4_102_444_799),
    st.integers(0, 999_999),
    zones,
)


@relaxed
@given(schedule=schedules, now=moments)
def test_now_lies_in_the_period_that_its_due_slot_opens(schedule, now):
    due, after = due_slot(schedule, now), next_slot(schedule, now)
    assert due <= now < after
    assert after - due == schedule.period
    local = due.astimezone(JST)
    assert (local.minute, local.second, local.microsecond) == (schedule.minute, 0, 0)
    if isinstance(schedule, Daily):
        assert local.hour == schedule.hour


@relaxed
@given(schedule=schedules, now=moments)
def test_every_moment_up_to_the_next_slot_has_the_same_due_slot(schedule, now):
    due = due_slot(schedule, now)
    assert due_slot(schedule, due) == due
    assert due_slot(schedule, next_slot(schedule, now) - dt.timedelta(microseconds=1)) == due
    assert due_slot(schedule, next_slot(schedule, now)) == next_slot(schedule, now)
