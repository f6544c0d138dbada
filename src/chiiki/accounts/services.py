"""Writes for accounts: users and API tokens (the audit trail is written by ``audit``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.models import ApiToken, AuditAction, User


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    municipality: Any = None,
    prefecture: Any = None,
    life_areas: list[Any] | None = None,
    display_name: str = "",
    person: Any = None,
) -> User:
    """A login of a municipality or prefecture. Never staff, never superuser: Django's admin
    is the operator's alone (``chiiki createsuperuser``), and a municipal administrator
    manages their own users on chiiki's pages, within their municipality."""
    user = User(
        username=username,
        role=role,
        municipality=municipality,
        prefecture=prefecture,
        display_name=display_name,
        person=person,
        is_staff=False,
        is_superuser=False,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    if life_areas:
        user.life_areas.set(life_areas)
    return user


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with the raw value, shown to the user once."""
    raw = ApiToken.generate()
    token = ApiToken(user=user, name=name, prefix=raw[4:12], digest=ApiToken.hash(raw))
    token.full_clean()
    token.save()
    return token, raw


# --- a municipality's administrator manages its staff on chiiki's own pages ---------------

# The roles an administrator may give: never a prefecture viewer (the prefecture's own
# operator creates those), never the operator's superuser.
ASSIGNABLE_ROLES = ("administrator", "municipal", "support_center", "coordinator", "volunteer")
STAFF_FIELDS = ("display_name", "role", "is_active", "life_areas", "person")


def _staff_value(user: User, name: str) -> Any:
    if name == "life_areas":
        return sorted(la.name for la in user.life_areas.all())
    if name == "person":
        return str(user.person) if user.person_id else None
    return getattr(user, name)


def _check_staff(
    actor: User, municipality: Any, role: str, life_areas: list[Any], person: Any
) -> None:
    access.require_reach(actor, Cap.USERS_MANAGE, municipality, "職員を管理する権限がありません")
    if role not in ASSIGNABLE_ROLES:
        raise ValidationError({"role": "この役割は設定できません"})
    if any(la.municipality_id != municipality.pk for la in life_areas):
        raise ValidationError({"life_areas": "自分の市町村の圏域を選んでください"})
    if role == "volunteer":
        if person is None or person.municipality_id != municipality.pk:
            raise ValidationError(
                {"person": "ボランティア本人の記録（同じ市町村の人）を選んでください"}
            )
    elif person is not None:
        raise ValidationError({"person": "本人の記録はボランティアの役割にだけ結びつけます"})


@transaction.atomic
def staff_user_create(
    *,
    actor: User,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    life_areas: list[Any] | None = None,
    person: Any = None,
) -> User:
    """An administrator adds a login to their own municipality (audited)."""
    municipality = actor.municipality
    areas = list(life_areas or [])
    _check_staff(actor, municipality, role, areas, person)
    candidate = User(username=username, role=role, municipality=municipality)
    validate_password(password, candidate)
    user = user_create(
        username=username,
        password=password,
        role=role,
        municipality=municipality,
        display_name=display_name,
        life_areas=areas,
        person=person,
    )
    access.audit_write(
        actor,
        AuditAction.CREATE,
        user,
        changes={f: [None, _staff_value(user, f)] for f in ("username", *STAFF_FIELDS)},
    )
    return user


@transaction.atomic
def staff_user_update(
    *,
    actor: User,
    user: User,
    display_name: str,
    role: str,
    is_active: bool,
    life_areas: list[Any],
    person: Any = None,
) -> User:
    """Change a login's role, areas or state; an administrator cannot lock themselves out."""
    access.require_reach(actor, Cap.USERS_MANAGE, user, "この職員を変更する権限がありません")
    _check_staff(actor, actor.municipality, role, life_areas, person)
    if user.pk == actor.pk and (role != user.role or not is_active):
        raise ValidationError(
            "自分自身の役割の変更や停止はできません（他の管理者に依頼してください）"
        )
    before = {f: _staff_value(user, f) for f in STAFF_FIELDS}
    user.display_name, user.role, user.is_active, user.person = (
        display_name,
        role,
        is_active,
        person,
    )
    user.full_clean()
    user.save()
    user.life_areas.set(life_areas)
    access.forget(user)
    after = {f: _staff_value(user, f) for f in STAFF_FIELDS}
    changes = {f: [before[f], after[f]] for f in STAFF_FIELDS if before[f] != after[f]}
    if changes:
        access.audit_write(actor, AuditAction.UPDATE, user, changes=changes)
    return user


@transaction.atomic
def staff_password_set(*, actor: User, user: User, password: str) -> None:
    """An administrator sets a new password for a login of their municipality."""
    access.require_reach(actor, Cap.USERS_MANAGE, user, "この職員を変更する権限がありません")
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    access.audit_write(actor, AuditAction.UPDATE, user, changes={"password": ["—", "再設定"]})
