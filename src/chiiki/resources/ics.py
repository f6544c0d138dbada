"""iCalendar (.ics) feeds of services: every opening and event, dated, for a year.

Occurrences are written out one by one rather than as RRULEs with EXDATEs, so that the
public holidays and closures each service keeps are exactly what calendar apps show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from chiiki.resources import calendar, hsds

TOKYO = ZoneInfo("Asia/Tokyo")
PAST_DAYS, FUTURE_DAYS = 31, 366


def feed(title: str, services: Iterable[Any], *, today: dt.date) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//chiiki//resources//JA")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", title)
    cal.add("x-wr-timezone", "Asia/Tokyo")
    start, end = today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=FUTURE_DAYS)
    stamp = dt.datetime.combine(today, dt.time(), tzinfo=TOKYO)
    for service in services:
        table = hsds.timetable(
            list(service.schedules.all()),
            closed_on_holidays=service.closed_on_holidays,
            closed_year_end=service.closed_year_end,
        )
        for day in calendar.days_between(table, start, end):
            if not day.open:
                continue
            for n, (opens, closes) in enumerate(day.hours):
                cal.add_component(
                    _event(service, day.date, f"h{n}", service.name, opens, closes, stamp)
                )
            for n, e in enumerate(day.events):
                cal.add_component(
                    _event(
                        service,
                        day.date,
                        f"e{n}",
                        f"{service.name} {e.title}",
                        e.start,
                        e.end,
                        stamp,
                    )
                )
    return cal.to_ical()


def _event(
    service: Any,
    day: dt.date,
    key: str,
    summary: str,
    start: str | None,
    end: str | None,
    stamp: dt.datetime,
) -> Event:
    event = Event()
    event.add("uid", f"{service.uuid}-{day:%Y%m%d}-{key}@chiiki")
    event.add("summary", summary)
    event.add("dtstamp", stamp)
    if start:
        begin = dt.datetime.combine(day, dt.time.fromisoformat(start), tzinfo=TOKYO)
        event.add("dtstart", begin)
        finish = (
            dt.datetime.combine(day, dt.time.fromisoformat(end), tzinfo=TOKYO)
            if end
            else begin + dt.timedelta(hours=1)
        )
        event.add("dtend", finish)
    else:
        event.add("dtstart", day)
    return event
