"""The dispatch log's reads: a fiscal year's tables, the years there are, recent entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.areas.models import Municipality, Prefecture
from chiiki.core import wareki
from chiiki.prefecture.dispatch_summary import Record, Summary, summarise
from chiiki.prefecture.models import Dispatch


def _span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def _records(qs: QuerySet[Dispatch], year: int) -> list[Record]:
    low, high = _span(year)
    rows = (
        qs.filter(day__gte=low, day__lte=high)
        .order_by("day", "pk")  # the order the senders were first seen in
        .values_list("day", "municipality__code", "sender", "work", "profession", "count")
    )
    return [Record(*row) for row in rows]


def dispatch_summary(*, prefecture: Prefecture, year: int, order: str = "first") -> Summary:
    """For commands: the prefecture's tables for one fiscal year (2017 = 平成29年度)."""
    towns = list(
        Municipality.objects.filter(prefecture=prefecture)
        .order_by("code")
        .values_list("code", "name")
    )
    return summarise(
        year, _records(Dispatch.objects.filter(prefecture=prefecture), year), towns, order=order
    )


def dispatch_summary_for_user(*, user: Any, year: int, order: str = "first") -> Summary:
    """The user's prefecture's tables, through the door (PREFECTURE_VIEW)."""
    qs = access.visible(user, Cap.PREFECTURE_VIEW, Dispatch.objects.all())
    towns = list(
        access.visible(user, Cap.PREFECTURE_VIEW, Municipality.objects.order_by("code"))
        .order_by("code")
        .values_list("code", "name")
    )
    return summarise(year, _records(qs, year), towns, order=order)


def dispatch_years(*, user: Any) -> list[int]:
    """The fiscal years with dispatches, latest first."""
    days = access.visible(user, Cap.PREFECTURE_VIEW, Dispatch.objects.all()).dates(
        "day", "month", order="DESC"
    )
    return sorted({wareki.fiscal_year(d) for d in days}, reverse=True)


def dispatch_recent(*, user: Any, limit: int = 50) -> list[Dispatch]:
    """The latest entries (by when they were recorded), for the list with delete buttons."""
    return list(
        access.visible(user, Cap.PREFECTURE_VIEW, Dispatch.objects.all())
        .select_related("municipality", "municipality__prefecture")
        .order_by("-created_at", "-pk")[:limit]
    )


def dispatch_choices(*, user: Any) -> tuple[list[str], list[str]]:
    """The senders and professions already used, for the form's suggestions."""
    qs = access.visible(user, Cap.PREFECTURE_VIEW, Dispatch.objects.all())
    senders = list(qs.order_by("sender").values_list("sender", flat=True).distinct()[:50])
    professions = list(
        qs.order_by("profession").values_list("profession", flat=True).distinct()[:50]
    )
    return senders, professions
