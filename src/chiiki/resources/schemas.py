from __future__ import annotations

from ninja import Schema


class ServiceOut(Schema):
    id: int
    uuid: str
    name: str
    district: str | None
    categories: list[str]
    pickup: bool
    free: bool


class ServicePage(Schema):
    items: list[ServiceOut]
    count: int
    # The next page's number (`page` + 1), or null on the last page.
    next: int | None = None


class DayEventOut(Schema):
    title: str
    start: str | None
    end: str | None


class DayOut(Schema):
    date: str
    open: bool
    reason: str | None
    hours: list[list[str]]
    events: list[DayEventOut]


class MonthOut(Schema):
    service: int
    month: str
    days: list[DayOut]


class ErrorOut(Schema):
    detail: str
