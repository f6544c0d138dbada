"""Writes for accounts: users, tokens and the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class AuditEntry:
    """One record touched, for :func:`audit_record_many`."""

    action: str
    object_id: int
    object_repr: str
    municipality_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)


def _who(user: Any) -> tuple[Any, str]:
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return (user if authenticated else None), (user.get_username() if authenticated else "(system)")


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
    who, username = _who(user)
    return AuditEvent.objects.create(
        user=who,
        username=username,
        action=action,
        model=obj._meta.label_lower,
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        municipality_id=getattr(obj, "municipality_id", None),
        changes=changes or {},
        channel=channel,
        path=request.get_full_path()[:300] if request is not None else "",
        ip_address=_client_ip(request),
    )


def audit_record_many(
    *,
    user: Any,
    model: str,
    entries: Iterable[AuditEntry],
    request: HttpRequest | None = None,
    channel: str = "web",
) -> int:
    """Append one event per entry in one statement (imports, printed lists)."""
    who, username = _who(user)
    path = request.get_full_path()[:300] if request is not None else ""
    events = [
        AuditEvent(
            user=who,
            username=username,
            action=e.action,
            model=model,
            object_id=e.object_id,
            object_repr=e.object_repr[:200],
            municipality_id=e.municipality_id,
            changes=e.changes,
            channel=channel,
            path=path,
            ip_address=_client_ip(request),
        )
        for e in entries
    ]
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    return len(events)


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
