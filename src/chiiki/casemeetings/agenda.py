"""The agenda of a community care meeting: cases in time slots. Pure: no Django.

A case takes its slot split into parts (豊明市: 5 presenting, 5 the provider's plan, 15
questions and advice, 5 summary); the cases follow one another from the start time, and the
agenda says when they run past the meeting's length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    starts: dt.time
    ends: dt.time
    minutes: int


@dataclass(frozen=True)
class Slot:
    order: int
    label: str
    starts: dt.time
    ends: dt.time
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Agenda:
    slots: tuple[Slot, ...]
    ends: dt.time
    minutes: int
    overrun: int  # minutes past the meeting's length (0 when it fits)


def _at(day_start: dt.datetime, minutes: int) -> dt.time:
    return (day_start + dt.timedelta(minutes=minutes)).time()


def build(
    starts_at: dt.time,
    cases: Sequence[str],
    slot_minutes: dict[str, int],
    labels: dict[str, str],
    length: int,
) -> Agenda:
    """Slots for ``cases`` (their labels, in order) from ``starts_at``; ``slot_minutes`` is
    the part → minutes split of one case, in order."""
    base = dt.datetime.combine(dt.date(2000, 1, 1), starts_at)
    at, slots = 0, []
    for i, label in enumerate(cases, start=1):
        begin, parts = at, []
        for key, minutes in slot_minutes.items():
            if minutes <= 0:
                continue
            parts.append(
                Part(key, labels.get(key, key), _at(base, at), _at(base, at + minutes), minutes)
            )
            at += minutes
        slots.append(Slot(i, label, _at(base, begin), _at(base, at), tuple(parts)))
    return Agenda(tuple(slots), _at(base, at), at, max(0, at - length))


def professions_needed(case_needs: Sequence[Sequence[str]], series: Sequence[str]) -> list[str]:
    """The series' professions, then any a case needs beyond them, each once, in order."""
    seen: dict[str, None] = dict.fromkeys(series)
    for needs in case_needs:
        seen.update(dict.fromkeys(needs))
    return list(seen)
