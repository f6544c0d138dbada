"""What every prefecture page starts from: the user's prefecture and its municipalities."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.areas.models import Municipality, Prefecture


def prefecture_of(user: Any, cap: Cap = Cap.PREFECTURE_VIEW) -> Prefecture:
    """The prefecture the user works for; refused for anyone else."""
    access.require(user, cap)
    found = Prefecture.objects.filter(pk=access.who(user).prefecture_id or 0).first()
    if found is None:
        raise PermissionDenied("都道府県が設定されていません")
    return found


def municipalities_of(user: Any, cap: Cap = Cap.PREFECTURE_VIEW) -> QuerySet[Municipality]:
    """The prefecture's municipalities, through the door (in code order)."""
    return access.visible(user, cap, Municipality.objects.order_by("code"))


def prefecture_by_code(code: str) -> Prefecture | None:
    """For commands: a prefecture by its two-digit code (or the six of its own row)."""
    return Prefecture.objects.filter(code=code.strip()[:2]).first()
