from __future__ import annotations

import datetime as dt

from django import template

from chiiki.core import wareki as wareki_module

register = template.Library()


@register.filter
def wareki(value: dt.date | None, style: str = "long") -> str:
    """「令和元年5月1日」 for a date; ``|wareki:"month"`` gives 「平成30年4月」."""
    if value is None:
        return ""
    if style == "month":
        return wareki_module.to_wareki(wareki_module.YearMonth(value.year, value.month))
    return wareki_module.to_wareki(value, style=style)


@register.filter
def percent(value: object) -> str:
    return "—" if value is None else f"{value}%"


@register.filter
def age(birth_date: dt.date | None) -> str:
    """Age in whole years today (Asia/Tokyo)."""
    if birth_date is None:
        return ""
    from django.utils import timezone

    today = timezone.localdate()
    years = (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )
    return f"{years}歳"
