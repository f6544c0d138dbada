"""Reads for people: scoped by the user's areas, and every opened record audited."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from chiiki.accounts import permissions
from chiiki.accounts.models import AuditAction
from chiiki.accounts.services import audit_record
from chiiki.core.text import fold
from chiiki.people.models import Person


def person_list_for_user(
    *, user: Any, query: str = "", district_id: int | None = None
) -> QuerySet[Person]:
    """People the user may see, matching a name or kana query in any width or kana.

    Listing shows names only and is not audited; opening a record is.
    """
    permissions.require(permissions.can_view_people(user), "人の一覧を閲覧する権限がありません")
    qs = Person.objects.filter(permissions.person_filter(user)).select_related(
        "district", "district__life_area"
    )
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    for term in query.split():
        folded = fold(term)
        if folded:
            qs = qs.filter(search_text__contains=folded)
    return qs


def person_get_for_user(
    *, user: Any, person_id: int, request: Any = None, channel: str = "web"
) -> Person:
    """Open one record: raises PermissionDenied outside the user's areas; logs the read."""
    person = (
        Person.objects.filter(permissions.person_filter(user))
        .select_related("district", "district__life_area", "municipality")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        # The same answer whether the record is missing or out of scope: no probing.
        raise permissions.PermissionDenied("この人の記録を閲覧する権限がありません")
    audit_record(user=user, action=AuditAction.READ, obj=person, request=request, channel=channel)
    return person
