from __future__ import annotations

from django import template

from chiiki.core.templatetags.chiiki import get

register = template.Library()


@register.filter
def pct(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: 0.1234 → 12.3%."""
    return "—" if value is None else f"{value * 100:.{digits}f}%"


@register.filter
def flag(value: int | None) -> str:
    return {1: "該当", 0: "非該当"}.get(value, "判定不能") if value is not None else "判定不能"  # type: ignore[arg-type]


register.filter("get", get)  # the shared filter of core's tag library, for the survey pages
