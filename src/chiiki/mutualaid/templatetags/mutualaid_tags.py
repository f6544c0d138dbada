from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def yen(value: int | None) -> str:
    """「1,200円」; an empty value shows as a dash."""
    return "—" if value is None else f"{int(value):,}円"
