from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from chiiki.core import wareki as wareki_module

register = template.Library()


@register.filter
def wareki(value: object, style: str = "long") -> str:
    """「令和元年5月1日」 for a date; ``|wareki:"month"`` gives 「平成30年4月」.

    Never raises: a date wareki has no name for (before 明治) shows as its ISO date, a
    datetime as its local date, anything else as it is.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, dt.date):
        return str(value)
    if style == "month":
        return wareki_module.display(wareki_module.YearMonth(value.year, value.month))
    return wareki_module.display(value, style=style)


@register.filter
def percent(value: object) -> str:
    return "—" if value is None else f"{value}%"


@register.filter
def age(birth_date: object) -> str:
    """Age in whole years today (Asia/Tokyo); empty for a birth date after today."""
    if isinstance(birth_date, dt.datetime):
        birth_date = birth_date.date()
    if not isinstance(birth_date, dt.date):
        return ""
    today = timezone.localdate()
    years = (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )
    # A future birth date is a typo, not a negative age.
    return f"{years}歳" if years >= 0 else ""


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``{{ names|get:code }}``: a mapping's value for a key (None when absent or no mapping)."""
    return (mapping or {}).get(key)
