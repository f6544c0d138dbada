"""The one place that says who may see and do what.

Every view, API route and command asks here. Rules:
- administrator, municipal staff: everything in their municipality (restricted to their
  life areas when any are set);
- support-center staff and coordinators: only the life areas assigned to them; a user
  of these roles with no areas sees nobody;
- volunteers: only their own record, never others' and never health data;
- prefecture viewers: aggregates for the municipalities of their prefecture, no person.
Health data (要配慮個人情報: care level, insured number, screening answers) is shown to
administrators, municipal staff and support-center staff only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from chiiki.accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from chiiki.accounts.models import User

    AnyUser = User | AnonymousUser

__all__ = [
    "PermissionDenied",
    "can_edit_people",
    "can_import_population",
    "can_view_audit",
    "can_view_health",
    "can_view_people",
    "district_filter",
    "municipality_filter",
    "person_filter",
    "require",
]

_PEOPLE_ROLES = {Role.ADMINISTRATOR, Role.MUNICIPAL, Role.SUPPORT_CENTER, Role.COORDINATOR}
_HEALTH_ROLES = {Role.ADMINISTRATOR, Role.MUNICIPAL, Role.SUPPORT_CENTER}
_EDIT_ROLES = {Role.ADMINISTRATOR, Role.MUNICIPAL, Role.SUPPORT_CENTER}
_SCOPED_ROLES = {Role.SUPPORT_CENTER, Role.COORDINATOR}
_NOTHING = Q(pk__in=[])


def _active(user: AnyUser) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _role(user: AnyUser) -> str | None:
    return getattr(user, "role", None) if _active(user) else None


def can_view_people(user: AnyUser) -> bool:
    return _role(user) in _PEOPLE_ROLES


def can_view_health(user: AnyUser) -> bool:
    return _role(user) in _HEALTH_ROLES


def can_edit_people(user: AnyUser) -> bool:
    return _role(user) in _EDIT_ROLES


def can_import_population(user: AnyUser) -> bool:
    return _role(user) in {Role.ADMINISTRATOR, Role.MUNICIPAL}


def can_view_audit(user: AnyUser) -> bool:
    return _role(user) == Role.ADMINISTRATOR


def require(allowed: bool, message: str = "この操作を行う権限がありません") -> None:
    if not allowed:
        raise PermissionDenied(message)


def _life_area_ids(user: User) -> list[int] | None:
    """The user's life areas, or None for 'the whole municipality'."""
    ids = [la.pk for la in user.life_areas.all()]
    if ids:
        return ids
    return [] if user.role in _SCOPED_ROLES else None


def municipality_filter(user: AnyUser, prefix: str = "") -> Q:
    """Municipalities the user may see aggregates of."""
    role = _role(user)
    if role is None:
        return _NOTHING
    u: User = user  # type: ignore[assignment]
    if role == Role.PREFECTURE:
        return Q(**{f"{prefix}prefecture_id": u.prefecture_id}) if u.prefecture_id else _NOTHING
    return Q(**{f"{prefix}pk": u.municipality_id}) if u.municipality_id else _NOTHING


def district_filter(user: AnyUser, prefix: str = "") -> Q:
    """Districts the user works in (for lists of people and, later, jobs and resources)."""
    role = _role(user)
    if role is None:
        return _NOTHING
    u: User = user  # type: ignore[assignment]
    if role == Role.PREFECTURE:
        return (
            Q(**{f"{prefix}municipality__prefecture_id": u.prefecture_id})
            if u.prefecture_id
            else _NOTHING
        )
    if not u.municipality_id:
        return _NOTHING
    q = Q(**{f"{prefix}municipality_id": u.municipality_id})
    areas = _life_area_ids(u)
    if areas is not None:
        q &= Q(**{f"{prefix}life_area_id__in": areas})
    return q


def person_filter(user: AnyUser) -> Q:
    """People whose records the user may open."""
    role = _role(user)
    if role is None:
        return _NOTHING
    u: User = user  # type: ignore[assignment]
    if role == Role.VOLUNTEER:
        return Q(pk=u.person_id) if u.person_id else _NOTHING
    if role not in _PEOPLE_ROLES:
        return _NOTHING
    return district_filter(u, prefix="district__")


# --- mutualaid: help requests, volunteers' jobs and points ---
# Staff who run a mutual-aid service (take requests, match, confirm, record fees) see the
# requests of their districts; volunteers see only their own jobs, through their own page.
_MUTUALAID_STAFF_ROLES = {Role.ADMINISTRATOR, Role.MUNICIPAL, Role.SUPPORT_CENTER, Role.COORDINATOR}


def can_manage_mutualaid(user: AnyUser) -> bool:
    return _role(user) in _MUTUALAID_STAFF_ROLES


def mutualaid_request_filter(user: AnyUser) -> Q:
    """Help requests the user may see and act on as staff (by the request's district)."""
    if not can_manage_mutualaid(user):
        return _NOTHING
    return district_filter(user, prefix="district__")


def can_use_volunteer_page(user: AnyUser) -> bool:
    return _role(user) == Role.VOLUNTEER and bool(getattr(user, "person_id", None))


# --- surveys (ニーズ把握): added by the surveys module -------------------------------------
# Aggregates: everyone but volunteers (prefecture viewers get suppressed aggregates only).
# Individual answers and screenings are health data: the health roles, within their areas.


def can_view_survey_results(user: AnyUser) -> bool:
    return _role(user) in _PEOPLE_ROLES | {Role.PREFECTURE}


def can_view_survey_answers(user: AnyUser) -> bool:
    return _role(user) in _HEALTH_ROLES


def can_import_surveys(user: AnyUser) -> bool:
    return _role(user) in {Role.ADMINISTRATOR, Role.MUNICIPAL}


def can_screen_kcl(user: AnyUser) -> bool:
    return _role(user) in _HEALTH_ROLES


def can_manage_survey_visits(user: AnyUser) -> bool:
    return _role(user) in _HEALTH_ROLES


# --- resources (community resource directory) ---------------------------------------------
# The directory is public information: every user of a municipality, volunteers included,
# may read its services (scope with ``municipality_filter(user, "municipality__")``).
# Coverage gaps show counts of people living alone, so only the people roles see them,
# each for their own districts; the resource sheet is written by those who work there.

_RESOURCE_SHEET_ROLES = {Role.ADMINISTRATOR, Role.MUNICIPAL, Role.SUPPORT_CENTER, Role.COORDINATOR}


def can_view_resources(user: AnyUser) -> bool:
    return _role(user) is not None


def can_view_resource_gaps(user: AnyUser) -> bool:
    return _role(user) in _PEOPLE_ROLES


def can_edit_resource_sheet(user: AnyUser, district: object) -> bool:
    """May write a district's good points and problems (わがまちこんなとこシート)."""
    from chiiki.areas.models import District

    if _role(user) not in _RESOURCE_SHEET_ROLES or not isinstance(district, District):
        return False
    return District.objects.filter(district_filter(user), pk=district.pk).exists()


def can_import_resources(user: AnyUser) -> bool:
    return _role(user) in {Role.ADMINISTRATOR, Role.MUNICIPAL}
