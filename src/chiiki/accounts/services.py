"""Writes for accounts: users, tokens and the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from chiiki.accounts.models import ApiToken, AuditAction, AuditEvent, User

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    user: Any,
    action: AuditAction,
    obj: Model,
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    channel: str = "web",
) -> AuditEvent:
    """Append one event to the audit trail. Never updated, never deleted."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "(system)",
        action=action,
        model=obj._meta.label_lower,
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        changes=changes or {},
        channel=channel,
        path=request.get_full_path()[:300] if request is not None else "",
        ip_address=_client_ip(request),
    )


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
    is_staff: bool = False,
) -> User:
    user = User(
        username=username,
        role=role,
        municipality=municipality,
        prefecture=prefecture,
        display_name=display_name,
        person=person,
        is_staff=is_staff,
        is_superuser=is_staff and role == "administrator",
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
