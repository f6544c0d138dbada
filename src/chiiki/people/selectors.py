"""Reads for people: every list and record goes through the read door (scoped, audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Page
from django.db.models import Exists, OuterRef, QuerySet

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.core.text import fold
from chiiki.people.models import CareCertification, Person, Volunteer

if TYPE_CHECKING:
    from chiiki.accounts.models import User
    from chiiki.areas.models import Municipality

PAGE_SIZE = 50
REFUSED = "この人の記録を閲覧する権限がありません"


def _matching(query: str, district_id: int | None) -> QuerySet[Person]:
    qs = Person.objects.select_related("district", "district__life_area")
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    for term in query.split():
        folded = fold(term)
        if folded:
            qs = qs.filter(search_text__contains=folded)
    return qs


def person_page_for_user(
    *,
    user: User,
    query: str = "",
    district_id: int | None = None,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> Page[Person]:
    """One page of the people the user may see, matching a name or kana query in any width
    or kana; the page's names are one audited list read."""
    qs = _matching(query, district_id).annotate(
        is_volunteer=Exists(Volunteer.objects.filter(person=OuterRef("pk")))
    )
    note = {"q": query} if query else None
    return access.read_page(
        user, Cap.PEOPLE_LIST, qs, number=page, size=size, what="人の一覧", note=note
    )


def person_pick_list(*, user: User, query: str, cap: Cap, limit: int = 30) -> list[Person]:
    """A short list of people to pick from (the counter's search, a help request's
    resident), for a capability that works on people; the names shown are audited."""
    if not query.strip():
        return []
    return access.read_rows(
        user, cap, _matching(query, None), what="人の検索", limit=limit, note={"q": query}
    )


def person_get_for_user(*, user: User, person_id: int, cap: Cap = Cap.PEOPLE_VIEW) -> Person:
    """Open one record: refused alike when missing or outside the user's areas; audited."""
    qs = Person.objects.select_related("district", "district__life_area", "municipality")
    return access.read_one(user, cap, qs, person_id, refuse=REFUSED)


def person_in_scope(*, user: User, person_id: int, cap: Cap) -> Person:
    """A person within reach, for a partial update of a page whose opening was audited (the
    answer names nobody the page did not)."""
    qs = Person.objects.select_related("district", "municipality")
    return access.read_one(user, cap, qs, person_id, refuse=REFUSED, audit_read=False)


def is_volunteer(person: Person) -> bool:
    return Volunteer.objects.filter(person=person).exists()


def register_counts(*, municipality: Municipality) -> dict[str, int]:
    """How many of the municipality's people came from the register, and how many of them
    are marked moved out: counts only, for the import page."""
    from_register = Person.objects.filter(municipality=municipality, register_number__isnull=False)
    return {
        "register": from_register.count(),
        "moved_out": from_register.filter(moved_out_on__isnull=False).count(),
        "by_hand": Person.objects.filter(
            municipality=municipality, register_number__isnull=True
        ).count(),
    }


def care_certification_list_for_person(
    *, user: User, person: Person
) -> QuerySet[CareCertification]:
    """A person's care certification periods, latest first (health data: shown on the
    person's page, whose opening is audited)."""
    return access.visible(
        user,
        Cap.HEALTH_VIEW,
        CareCertification.objects.filter(person=person).order_by("-valid_from"),
        "健康情報を閲覧する権限がありません",
    )
