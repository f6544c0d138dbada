"""The printed agenda of a community care meeting (会議次第, A4), with the councils' PDF
machinery (WeasyPrint, the Japanese font embedded).

An agenda is handed to every participant, outside professionals among them, and is left on
tables: each case is printed ONLY by its anonymised label (number, 5-year age band, sex,
district), its care level and its goal, whoever prints it. The rows are copied field by field
from the cards before the template sees them, so that no name, address, phone or insured
number can reach the page even when the printing user identifies the resident.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.timezone import localdate

from chiiki.casemeetings import vocab
from chiiki.casemeetings.agenda import Agenda, Part
from chiiki.casemeetings.models import CaseMeeting, Kind
from chiiki.casemeetings.selectors import AgendaEntry
from chiiki.core.pdf import render_pdf

TEMPLATE = "casemeetings/agenda_pdf.html"


@dataclass(frozen=True)
class PrintedCase:
    """What the agenda says of one case: nothing that names the resident."""

    order: int
    label: str
    stage: str
    care_level: str
    goal: str
    starts: dt.time | None
    ends: dt.time | None
    parts: tuple[Part, ...]


def printed_cases(entries: Sequence[AgendaEntry], agenda: Agenda) -> list[PrintedCase]:
    """The agenda's rows: each entry's card label, care level and goal, with the times of its
    slot (the slots follow the entries' order)."""
    rows = []
    for i, entry in enumerate(entries):
        slot = agenda.slots[i] if i < len(agenda.slots) else None
        card = entry.card
        rows.append(
            PrintedCase(
                order=i + 1,
                label=card.label,
                stage=entry.review.get_stage_display(),
                care_level=card.care_level,
                goal=card.goal,
                starts=slot.starts if slot else None,
                ends=slot.ends if slot else None,
                parts=slot.parts if slot else (),
            )
        )
    return rows


def invited_professions(meeting: CaseMeeting) -> list[str]:
    """The professions invited, each once, in the vocabulary's order (the series' own when
    nobody has been invited yet)."""
    codes = {i.profession for i in meeting.invitations.all()} or set(meeting.series.professions)
    return [term.name for term in vocab.professions().terms if term.code in codes]


def agenda_pdf(meeting: CaseMeeting, entries: Sequence[AgendaEntry], agenda: Agenda) -> bytes:
    """The meeting's agenda on A4: the meeting, its day, time and place, the professions
    invited, the time table of its cases with their parts (or, for a 推進会議, the regional
    issues brought to it)."""
    series = meeting.series
    start = dt.datetime.combine(meeting.held_on, meeting.starts_at)
    context: dict[str, Any] = {
        "meeting": meeting,
        "series": series,
        "professions": invited_professions(meeting),
        "cases": printed_cases(entries, agenda),
        "agenda": agenda,
        "length": series.minutes_per_meeting,
        "ends": (start + dt.timedelta(minutes=series.minutes_per_meeting)).time(),
        "items": [item.issue.title for item in meeting.items.select_related("issue")]
        if series.kind == Kind.PROMOTION
        else [],
        "printed_on": localdate(),
    }
    return render_pdf(TEMPLATE, context)
