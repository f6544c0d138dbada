"""Template filters of the watch-over and huddle pages, for other apps' pages to link them."""

from __future__ import annotations

from typing import Any

from django import template

from chiiki.accounts import access
from chiiki.accounts.access import Cap

register = template.Library()


@register.filter
def reads_huddle(user: Any) -> bool:
    """Does the user read the daily huddle's notes (health roles only)?"""
    return access.can(user, Cap.HUDDLE)
