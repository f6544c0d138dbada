"""Writes for bodies and their members: checked against the user's reach, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction, User
from chiiki.areas.models import District, LifeArea, Municipality
from chiiki.councils.models import Body, Layer, Membership

BODY_FIELDS = ("layer", "kind", "name", "founded_on", "dissolved_on", "secretariat", "notes")


def _value(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else (str(v) if v is not None else None)


@transaction.atomic
def body_create(
    *,
    user: User | None,
    municipality: Municipality,
    layer: int,
    kind: str,
    name: str,
    founded_on: dt.date,
    life_area: LifeArea | None = None,
    district: District | None = None,
    coordinator: User | None = None,
    secretariat: str = "",
    notes: str = "",
) -> Body:
    """A body of the municipality (第1層), a life area (第2層) or a district (第3層). A
    district body lies in its district's life area, so that scoping by area reaches it."""
    if district is not None:
        life_area = district.life_area
    body = Body(
        municipality=municipality,
        layer=layer,
        kind=kind,
        name=name,
        founded_on=founded_on,
        life_area=life_area if layer != Layer.MUNICIPALITY else None,
        district=district,
        coordinator=coordinator,
        secretariat=secretariat,
        notes=notes,
    )
    body.full_clean()
    if user is not None:  # None: the system (the demo)
        access.require_would_reach(
            user, Cap.COUNCILS_MANAGE, body, "この圏域・地区の協議体を設置する権限がありません"
        )
    body.save()
    if user is not None:
        access.audit_write(
            user,
            AuditAction.CREATE,
            body,
            changes={f: [None, _value(getattr(body, f))] for f in BODY_FIELDS},
        )
    return body


@transaction.atomic
def body_update(*, user: User, body: Body, **fields: Any) -> Body:
    access.require_reach(user, Cap.COUNCILS_MANAGE, body, "この協議体を運営する権限がありません")
    before = {f: _value(getattr(body, f)) for f in BODY_FIELDS}
    for name, value in fields.items():
        if name not in (*BODY_FIELDS, "coordinator"):
            raise ValueError(f"{name} は変更できない項目です")
        setattr(body, name, value)
    body.full_clean()
    body.save()
    after = {f: _value(getattr(body, f)) for f in BODY_FIELDS}
    changes = {f: [before[f], after[f]] for f in BODY_FIELDS if before[f] != after[f]}
    if changes:
        access.audit_write(user, AuditAction.UPDATE, body, changes=changes)
    return body


@transaction.atomic
def membership_add(
    *,
    user: User | None,
    body: Body,
    name: str,
    organisation_kind: str,
    started_on: dt.date,
    organisation_name: str = "",
    role: str = "",
    contact: str = "",
) -> Membership:
    """A member joins the body from ``started_on``; an organisation kind is required."""
    if user is not None:
        access.require_reach(
            user, Cap.COUNCILS_MANAGE, body, "この協議体を運営する権限がありません"
        )
    member = Membership(
        body=body,
        name=name,
        organisation_kind=organisation_kind,
        organisation_name=organisation_name,
        role=role,
        contact=contact,
        started_on=started_on,
    )
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def membership_end(*, user: User | None, membership: Membership, ended_on: dt.date) -> Membership:
    """A member leaves; the membership stays, so the body's history does."""
    if user is not None:
        access.require_reach(
            user, Cap.COUNCILS_MANAGE, membership.body, "この協議体を運営する権限がありません"
        )
    membership.ended_on = ended_on
    membership.full_clean()
    membership.save(update_fields=["ended_on"])
    return membership
