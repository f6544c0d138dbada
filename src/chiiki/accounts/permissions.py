"""Transitional names over the capability table, for code not yet moved to ``access``.

Every answer comes from ``chiiki.accounts.access`` and its one table; nothing here decides.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.access_paths import Paths

__all__ = ["PermissionDenied", "require"]

_DISTRICT = Paths(municipality="municipality", life_area="life_area")
_PERSON = Paths(municipality="municipality", life_area="district__life_area", person="pk")


def require(allowed: bool, message: str = "この操作を行う権限がありません") -> None:
    if not allowed:
        raise PermissionDenied(message)


def can_manage_mutualaid(user: Any) -> bool:
    return access.can(user, Cap.MUTUALAID_MANAGE)


def can_use_volunteer_page(user: Any) -> bool:
    return access.can(user, Cap.MUTUALAID_OWN_JOBS) and bool(getattr(user, "person_id", None))


def _prefixed(q: Q, prefix: str) -> Q:
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:  # type: ignore[misc]
        if isinstance(child, Q):
            out.children.append(_prefixed(child, prefix))
        else:
            key, value = child  # type: ignore[misc]
            out.children.append((prefix + key, value))
    return out


class _Model:
    def __init__(self, paths: Paths) -> None:
        self.access_paths = paths


def district_filter(user: Any, prefix: str = "") -> Q:
    return _prefixed(access.scope_q(user, Cap.MUTUALAID_MANAGE, _Model(_DISTRICT)), prefix)  # type: ignore[arg-type]


def mutualaid_request_filter(user: Any) -> Q:
    return district_filter(user, prefix="district__")


def person_filter(user: Any) -> Q:
    return access.scope_q(user, Cap.MUTUALAID_MANAGE, _Model(_PERSON))  # type: ignore[arg-type]
