"""When is a service open: recurrence rules, Japanese holidays, closures and events.

Pure: no Django. A service's timetable is a ``Timetable`` of recurrence rules as HSDS
schedules carry them (RFC 5545 ``FREQ``/``BYDAY``/``BYMONTHDAY``, e.g. "every Tuesday to
Saturday 8:00–12:00", "the 2nd and 4th Tuesday 10:00–11:30"), closures (public holidays,
the year-end days, one-off dates) and events on top (a meal gathering every Thursday, a
mobile shop at 11:45). ``month_days`` gives the printed calendar, one ``Day`` for each
date; ``open_dates`` gives the open dates of a long period fast, for search and feeds.

Precedence on one date, most specific first:
1. a one-off opening (a special Sunday) opens the date whatever else applies;
2. a one-off closure, then a public holiday (when the service closes on holidays), then
   the year-end days close it: the reason shown is the first that applies;
3. otherwise the regular rules give its hours and events; a date with neither is a
   regular day off (定休日).
Events do not take place on a closed date.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from dateutil import rrule

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_LABELS = ("月", "火", "水", "木", "金", "土", "日")
FREQS = ("WEEKLY", "MONTHLY")
DAY_OFF = "定休日"
YEAR_END = "年末年始休業"
# Municipal offices and most providers close 12/29–1/3 (行政機関の休日に関する法律 第1条).
YEAR_END_DAYS = ((12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3))


class ScheduleError(ValueError):
    """A rule that cannot be: names the field and what was expected."""

    def __init__(self, field_name: str, message: str) -> None:
        self.field, self.message = field_name, message
        super().__init__(f"{field_name}: {message}")


def parse_time(text: str, field_name: str = "opens_at") -> dt.time:
    """'8:00', '08:00', '08:00:00' -> time. Raises ScheduleError naming the field."""
    value = (text or "").strip()
    for suffix in ("Z", "+09:00", "+0900"):
        if value.endswith(suffix):
            value = value[: -len(suffix)]
    parts = value.split(":")
    try:
        if len(parts) not in (2, 3):
            raise ValueError
        hour, minute = int(parts[0]), int(parts[1])
        second = int(parts[2]) if len(parts) == 3 else 0
        return dt.time(hour, minute, second)
    except ValueError:
        raise ScheduleError(field_name, f"「{text}」は時刻（HH:MM）ではありません") from None


def parse_date(text: str, field_name: str = "date") -> dt.date:
    """'2019-01-31' -> date; a day that does not exist (2019-02-30) is refused by name."""
    try:
        return dt.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        raise ScheduleError(
            field_name, f"「{text}」は存在する日付（YYYY-MM-DD）ではありません"
        ) from None


def hhmm(value: dt.time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


@dataclass(frozen=True, order=True)
class Rule:
    """One recurrence: RFC 5545 FREQ with BYDAY/BYMONTHDAY, optionally bounded.

    ``freq`` None is a single date (``dtstart``). ``byday`` holds codes such as ``TU`` or,
    for MONTHLY, ``2TU`` (the second Tuesday) and ``-1FR`` (the last Friday).
    """

    freq: str | None = "WEEKLY"
    byday: tuple[str, ...] = ()
    bymonthday: tuple[int, ...] = ()
    interval: int = 1
    dtstart: dt.date | None = None
    until: dt.date | None = None
    count: int | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def __post_init__(self) -> None:
        if self.freq is not None and self.freq not in FREQS:
            raise ScheduleError("freq", f"「{self.freq}」は WEEKLY か MONTHLY です")
        if self.freq is None and self.dtstart is None:
            raise ScheduleError("dtstart", "繰り返しのない予定には日付が必要です")
        if self.interval < 1:
            raise ScheduleError("interval", "1以上の整数です")
        for code in self.byday:
            _split_byday(code, self.freq)
        for day in self.bymonthday:
            if not (1 <= abs(day) <= 31):
                raise ScheduleError("bymonthday", f"「{day}」は1〜31（末日からは-1〜-31）です")
        if self.freq == "WEEKLY" and not self.byday:
            raise ScheduleError("byday", "毎週の予定には曜日（MO〜SU）が必要です")
        if self.freq == "MONTHLY" and not self.byday and not self.bymonthday:
            raise ScheduleError("byday", "毎月の予定には第n曜日か日付が必要です")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ScheduleError("valid_to", "有効期間の終わりが始まりより前です")

    @property
    def rrule_text(self) -> str:
        """The rule as an RFC 5545 RRULE value (for .ics feeds)."""
        if self.freq is None:
            return ""
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.byday:
            parts.append("BYDAY=" + ",".join(self.byday))
        if self.bymonthday:
            parts.append("BYMONTHDAY=" + ",".join(str(d) for d in self.bymonthday))
        if self.until:
            parts.append(f"UNTIL={self.until:%Y%m%d}")
        if self.count:
            parts.append(f"COUNT={self.count}")
        return ";".join(parts)

    def describe(self) -> str:
        """「毎週 火・水・金・土」「毎月 第2・第4火曜日」 for pages and sheets."""
        if self.freq is None:
            assert self.dtstart is not None
            return f"{self.dtstart.month}月{self.dtstart.day}日"
        every = "毎週" if self.interval == 1 else f"{self.interval}週ごと"
        if self.freq == "MONTHLY":
            every = "毎月" if self.interval == 1 else f"{self.interval}か月ごと"
        days: list[str] = []
        for code in self.byday:
            nth, weekday = _split_byday(code, self.freq)
            label = WEEKDAY_LABELS[weekday]
            if nth is None:
                days.append(label if self.freq == "WEEKLY" else f"毎{label}曜日")
            elif nth > 0:
                days.append(f"第{nth}{label}曜日")
            else:
                days.append(f"最終{label}曜日" if nth == -1 else f"最後から{-nth}番目の{label}曜日")
        days += [f"{d}日" if d > 0 else "末日" for d in self.bymonthday]
        return f"{every} {'・'.join(days)}"


def _split_byday(code: str, freq: str | None) -> tuple[int | None, int]:
    text = code.strip().upper()
    weekday = text[-2:]
    if weekday not in WEEKDAYS:
        raise ScheduleError(
            "byday", f"「{code}」の曜日は MO, TU, WE, TH, FR, SA, SU のいずれかです"
        )
    prefix = text[:-2]
    if not prefix:
        return None, WEEKDAYS.index(weekday)
    try:
        nth = int(prefix)
    except ValueError:
        raise ScheduleError("byday", f"「{code}」は 2TU や -1FR の形です") from None
    if freq != "MONTHLY" or nth == 0 or not (-5 <= nth <= 5):
        raise ScheduleError("byday", f"「{code}」: 第n曜日（1〜5、最終は-1）は毎月の予定だけです")
    return nth, WEEKDAYS.index(weekday)


@dataclass(frozen=True)
class Hours:
    opens: dt.time
    closes: dt.time

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ScheduleError(
                "closes_at",
                f"終了時刻 {hhmm(self.closes)} が開始時刻 {hhmm(self.opens)} より前です",
            )

    def as_pair(self) -> list[str]:
        return [hhmm(self.opens) or "", hhmm(self.closes) or ""]


@dataclass(frozen=True)
class Opening:
    """Regular (or one-off, when the rule has no freq) opening hours."""

    rule: Rule
    hours: Hours


@dataclass(frozen=True)
class Event:
    """Something that happens on top of the opening hours: ★食事会, ★出張販売 11:45~."""

    rule: Rule
    title: str
    start: dt.time | None = None
    end: dt.time | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ScheduleError(
                "closes_at", f"終了時刻 {hhmm(self.end)} が開始時刻 {hhmm(self.start)} より前です"
            )


@dataclass(frozen=True)
class Closure:
    """One-off closed dates, first to last inclusive, with the reason printed."""

    first: dt.date
    last: dt.date
    reason: str

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ScheduleError("valid_to", "休業期間の終わりが始まりより前です")


@dataclass(frozen=True)
class Timetable:
    openings: tuple[Opening, ...] = ()
    events: tuple[Event, ...] = ()
    closures: tuple[Closure, ...] = ()
    closed_on_holidays: bool = True
    closed_year_end: bool = False


@dataclass(frozen=True)
class DayEvent:
    title: str
    start: str | None
    end: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {"title": self.title, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Day:
    date: dt.date
    open: bool
    reason: str | None
    hours: tuple[tuple[str, str], ...] = ()
    events: tuple[DayEvent, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "open": self.open,
            "reason": self.reason,
            "hours": [list(h) for h in self.hours],
            "events": [e.as_dict() for e in self.events],
        }


# --- holidays -----------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> Mapping[dt.date, str]:
    # PUBLIC only (the default category): 国民の祝日, 振替休日, 国民の休日 and the one-off
    # holidays such as 2019's 即位礼正殿の儀 — not bank holidays.
    return dict(holidays.Japan(language="ja", years=year).items())


def holiday_name(day: dt.date) -> str | None:
    """The Japanese public holiday on ``day`` (元日, 振替休日 …), or None."""
    return _holidays_of(day.year).get(day)


def holidays_between(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    found: dict[dt.date, str] = {}
    for year in range(start.year, end.year + 1):
        for day, name in _holidays_of(year).items():
            if start <= day <= end:
                found[day] = name
    return found


# --- expansion ----------------------------------------------------------------------------


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date | None:
    first_wd, days = _calendar.monthrange(year, month)
    if nth > 0:
        day = 1 + (weekday - first_wd) % 7 + (nth - 1) * 7
    else:
        last_wd = (first_wd + days - 1) % 7
        day = days - (last_wd - weekday) % 7 + (nth + 1) * 7
    return dt.date(year, month, day) if 1 <= day <= days else None


@lru_cache(maxsize=8192)
def expand(rule: Rule, start: dt.date, end: dt.date) -> frozenset[dt.date]:
    """Dates of ``rule`` between ``start`` and ``end`` inclusive.

    Plain rules are computed by date arithmetic (they are the common case, and the
    directory asks for a year of thousands of them); the rare ones go through dateutil,
    the reference implementation the fast path is tested against. Cached: many services
    share a rule.
    """
    lo = max(d for d in (start, rule.valid_from, rule.dtstart) if d is not None)
    hi = min(d for d in (end, rule.valid_to, rule.until) if d is not None)
    if hi < lo:
        return frozenset()
    if rule.freq is None:
        assert rule.dtstart is not None
        return frozenset({rule.dtstart}) if lo <= rule.dtstart <= hi else frozenset()
    if rule.count is not None or (rule.byday and rule.bymonthday):
        # COUNT, and BYDAY with BYMONTHDAY (RFC 5545: their intersection), are rare.
        return frozenset(d for d in expand_with_dateutil(rule, start, end))
    anchor = rule.dtstart or dt.date(2000, 1, 3)  # a Monday: the week of interval 1
    found: set[dt.date] = set()
    if rule.freq == "WEEKLY":
        weekdays = {_split_byday(c, rule.freq)[1] for c in rule.byday}
        anchor_week = anchor - dt.timedelta(days=anchor.weekday())
        day = lo
        one = dt.timedelta(days=1)
        while day <= hi:
            if day.weekday() in weekdays and (
                rule.interval == 1
                or ((day - dt.timedelta(days=day.weekday()) - anchor_week).days // 7)
                % rule.interval
                == 0
            ):
                found.add(day)
            day += one
        return frozenset(found)
    # MONTHLY
    parsed = [_split_byday(c, rule.freq) for c in rule.byday]
    year, month = lo.year, lo.month
    while (year, month) <= (hi.year, hi.month):
        if ((year - anchor.year) * 12 + month - anchor.month) % rule.interval == 0:
            days_in = _calendar.monthrange(year, month)[1]
            for nth, weekday in parsed:
                if nth is None:
                    for n in range(1, 6):
                        d = _nth_weekday(year, month, weekday, n)
                        if d:
                            found.add(d)
                else:
                    d = _nth_weekday(year, month, weekday, nth)
                    if d:
                        found.add(d)
            for md in rule.bymonthday:
                number = md if md > 0 else days_in + md + 1
                if 1 <= number <= days_in:
                    found.add(dt.date(year, month, number))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return frozenset(d for d in found if lo <= d <= hi)


def expand_with_dateutil(rule: Rule, start: dt.date, end: dt.date) -> list[dt.date]:
    """The same dates through dateutil's RFC 5545 implementation (reference, COUNT rules)."""
    if rule.freq is None:
        return sorted(expand(rule, start, end))
    anchor = rule.dtstart or dt.date(2000, 1, 3)
    weekdays = []
    for code in rule.byday:
        nth, wd = _split_byday(code, rule.freq)
        day = rrule.weekdays[wd]
        weekdays.append(day(nth) if nth is not None else day)
    generator = rrule.rrule(
        rrule.WEEKLY if rule.freq == "WEEKLY" else rrule.MONTHLY,
        dtstart=dt.datetime.combine(anchor, dt.time()),
        interval=rule.interval,
        wkst=rrule.MO,
        byweekday=weekdays or None,
        bymonthday=rule.bymonthday or None,
        until=dt.datetime.combine(rule.until, dt.time()) if rule.until else None,
        count=rule.count,
    )
    lo = max(d for d in (start, rule.valid_from, rule.dtstart) if d is not None)
    hi = min(d for d in (end, rule.valid_to) if d is not None)
    if hi < lo:
        return []
    if rule.count is not None:
        return [d.date() for d in generator if lo <= d.date() <= hi]
    return [
        d.date()
        for d in generator.between(
            dt.datetime.combine(lo, dt.time()), dt.datetime.combine(hi, dt.time()), inc=True
        )
    ]


def _closed_dates(t: Timetable, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Closed dates with their reason; the most specific reason wins (see module doc)."""
    closed: dict[dt.date, str] = {}
    if t.closed_year_end:
        for year in range(start.year, end.year + 1):
            for month, day in YEAR_END_DAYS:
                d = dt.date(year, month, day)
                if start <= d <= end:
                    closed[d] = YEAR_END
    if t.closed_on_holidays:
        closed.update(holidays_between(start, end))
    for c in t.closures:
        d = max(c.first, start)
        while d <= min(c.last, end):
            closed[d] = c.reason
            d += dt.timedelta(days=1)
    return closed


def open_dates(
    t: Timetable, start: dt.date, end: dt.date
) -> dict[dt.date, tuple[tuple[dt.time, dt.time], ...]]:
    """Open dates between ``start`` and ``end`` with their opening hours, fast.

    1. expand each regular rule (cached), 2. drop the closed dates, 3. add the one-off
    openings. Event-only dates are not included: this is "when can I drop in".
    """
    closed = _closed_dates(t, start, end)
    result: dict[dt.date, list[tuple[dt.time, dt.time]]] = {}
    for opening in t.openings:
        if opening.rule.freq is None:
            continue
        pair = (opening.hours.opens, opening.hours.closes)
        for d in expand(opening.rule, start, end).difference(closed):
            result.setdefault(d, []).append(pair)
    for opening in t.openings:
        if opening.rule.freq is None:
            for d in expand(opening.rule, start, end):
                result[d] = [(opening.hours.opens, opening.hours.closes)]
    return {d: tuple(sorted(h)) for d, h in result.items()}


def days_between(t: Timetable, start: dt.date, end: dt.date) -> list[Day]:
    """One ``Day`` for every date from ``start`` to ``end`` inclusive (the printed calendar)."""
    closed = _closed_dates(t, start, end)
    regular: dict[dt.date, list[Hours]] = {}
    special: dict[dt.date, list[Hours]] = {}
    for opening in t.openings:
        target = special if opening.rule.freq is None else regular
        for d in expand(opening.rule, start, end):
            target.setdefault(d, []).append(opening.hours)
    events: dict[dt.date, list[Event]] = {}
    for event in t.events:
        for d in expand(event.rule, start, end):
            events.setdefault(d, []).append(event)
    days: list[Day] = []
    d = start
    while d <= end:
        if d in special:
            hours = special[d]
            reason = None
        elif d in closed:
            days.append(Day(d, False, closed[d]))
            d += dt.timedelta(days=1)
            continue
        else:
            hours = regular.get(d, [])
            reason = None
        todays = events.get(d, [])  # in the order the service lists them, as printed
        is_open = bool(hours or todays)
        days.append(
            Day(
                date=d,
                open=is_open,
                reason=reason if is_open else DAY_OFF,
                hours=tuple(
                    (hhmm(h.opens) or "", hhmm(h.closes) or "")
                    for h in sorted(hours, key=lambda h: h.opens)
                ),
                events=tuple(DayEvent(e.title, hhmm(e.start), hhmm(e.end)) for e in todays),
            )
        )
        d += dt.timedelta(days=1)
    return days


def month_days(t: Timetable, year: int, month: int) -> list[Day]:
    """Every day of one month."""
    last = _calendar.monthrange(year, month)[1]
    return days_between(t, dt.date(year, month, 1), dt.date(year, month, last))


def month_grid(year: int, month: int) -> list[list[dt.date]]:
    """Weeks (Monday first, as the guide's café calendar prints them) covering the month."""
    return [
        list(week) for week in _calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]


def parse_month(text: str) -> tuple[int, int]:
    """'2019-01' -> (2019, 1); refuses anything else with the expected form."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}", text.strip()):
            raise ValueError(text)
        year, month = (int(p) for p in text.strip().split("-"))
        dt.date(year, month, 1)
    except ValueError:
        raise ScheduleError("month", f"「{text}」は年月（YYYY-MM）ではありません") from None
    return year, month


# --- preview of a schedule being typed ----------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """What one schedule being typed does to a service's calendar."""

    start: dt.date
    weeks: tuple[tuple[Day, ...], ...]  # the whole timetable, Monday first
    upcoming: tuple[Day, ...]  # the schedule's own next dates, closures removed
    skipped: tuple[Day, ...]  # its dates a closure takes (a closure: the open days it closes)

    @property
    def previous(self) -> dt.date:
        """The start of the weeks before these (for paging the preview)."""
        return self.start - dt.timedelta(days=7 * len(self.weeks))

    @property
    def next(self) -> dt.date:
        return self.start + dt.timedelta(days=7 * len(self.weeks))


def preview(
    base: Timetable,
    draft: Timetable,
    start: dt.date,
    *,
    weeks: int = 8,
    limit: int = 10,
    horizon_days: int = 366,
) -> Preview:
    """The service's calendar with ``draft`` (one schedule) added to ``base`` (the others).

    1. ``weeks`` weeks from the Monday of ``start``: every day of the combined timetable;
    2. an opening or event: its next ``limit`` dates from ``start`` within ``horizon_days``,
       after the closures, holidays and year-end days of the service; the dates it would
       fall on that they close are listed apart, with the reason;
    3. a closure: the days the service would be open that it closes.
    The holiday and year-end rules are the service's (``base``).
    """
    combined = Timetable(
        openings=base.openings + draft.openings,
        events=base.events + draft.events,
        closures=base.closures + draft.closures,
        closed_on_holidays=base.closed_on_holidays,
        closed_year_end=base.closed_year_end,
    )
    monday = start - dt.timedelta(days=start.weekday())
    grid = days_between(combined, monday, monday + dt.timedelta(days=7 * weeks - 1))
    end = start + dt.timedelta(days=horizon_days - 1)
    upcoming: list[Day] = []
    skipped: list[Day] = []
    if draft.openings or draft.events:
        own = Timetable(
            openings=draft.openings,
            events=draft.events,
            closures=base.closures + draft.closures,
            closed_on_holidays=base.closed_on_holidays,
            closed_year_end=base.closed_year_end,
        )
        dates: set[dt.date] = set()
        for rule in [o.rule for o in draft.openings] + [e.rule for e in draft.events]:
            dates |= expand(rule, start, end)
        for day in days_between(own, start, end):
            if len(upcoming) >= limit:
                break
            if day.open:
                upcoming.append(day)
            elif day.date in dates and len(skipped) < limit:
                skipped.append(day)
    if draft.closures:
        first = max(start, min(c.first for c in draft.closures))
        last = min(end, max(c.last for c in draft.closures))
        if first <= last:
            before = days_between(base, first, last)
            after = days_between(combined, first, last)
            skipped = [a for b, a in zip(before, after, strict=True) if b.open and not a.open]
            skipped = skipped[:limit]
    return Preview(
        start=start,
        weeks=tuple(tuple(grid[i : i + 7]) for i in range(0, len(grid), 7)),
        upcoming=tuple(upcoming),
        skipped=tuple(skipped),
    )
