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
