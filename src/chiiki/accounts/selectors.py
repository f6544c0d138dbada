"""Reads for accounts: the audit trail, as an administrator sees their municipality's."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction, AuditEvent, AuditSubject, User

AUDIT_PAGE_SIZE = 100
_LABELS = {
    "list": "一覧",
    "ids": "表示したID",
    "q": "検索語",
    "via": "経由",
    "risk": "リスク",
    "survey": "調査",
    "person_id": "人ID",
    "screening": "チェックリスト",
    "district": "地区",
    "page": "ページ",
}


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    lines: list[str]


def _value(v: Any) -> str:
    if v is None or v == "":
        return "—"
    if isinstance(v, list | dict):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def audit_lines(event: AuditEvent) -> list[str]:
    """The event's details in words: a change as 「項目: 前 → 後」, a read or list as
    「項目: 値」 (a list's ids shortened after twenty)."""
    changes = event.changes or {}
    if event.action in (AuditAction.UPDATE, AuditAction.CREATE):
        return [
            f"{k}: {_value(v[0])} → {_value(v[1])}"
            if isinstance(v, list) and len(v) == 2
            else f"{k}: {_value(v)}"
            for k, v in changes.items()
        ]
    lines = []
    for k, v in changes.items():
        if k == "ids" and isinstance(v, list):
            shown = ", ".join(str(i) for i in v[:20]) + (
                f" ほか{len(v) - 20}件" if len(v) > 20 else ""
            )
            lines.append(f"{_LABELS[k]}: {shown}")
        else:
            lines.append(f"{_LABELS.get(k, k)}: {_value(v)}")
    return lines


def audit_page_for_user(
    *,
    user: User,
    person_id: int | None = None,
    username: str = "",
    action: str = "",
    page: int = 1,
) -> Page[AuditRow]:
    """The municipality's trail, newest first; ``person_id`` gives every event that named
    that resident: the record opened, the lists it was on, the changes to it."""
    events = access.visible(
        user, Cap.AUDIT_VIEW, AuditEvent.objects.all(), "監査ログは管理者のみ閲覧できます"
    )
    if person_id is not None:
        events = events.filter(
            Exists(AuditSubject.objects.filter(event_id=OuterRef("pk"), person_id=person_id))
        )
    if username:
        events = events.filter(username=username)
    if action:
        events = events.filter(action=action)
    found = Paginator(events.order_by("-at", "-id"), AUDIT_PAGE_SIZE).get_page(page)
    rows: Page[Any] = found
    rows.object_list = [AuditRow(e, audit_lines(e)) for e in found.object_list]
    return rows


def staff_list_for_user(*, user: User) -> QuerySet[User]:
    """The logins of the administrator's municipality (not personal data of residents)."""
    return access.visible(
        user,
        Cap.USERS_MANAGE,
        User.objects.prefetch_related("life_areas")
        .select_related("person")
        .order_by("-is_active", "role", "username"),
        "職員を管理する権限がありません",
    )


def staff_get_for_user(*, user: User, user_id: int) -> User:
    """One login of the administrator's municipality. A login of another municipality is
    answered as a missing one (404), so that ids cannot be probed; anyone but an
    administrator is refused (403) before any id is looked at."""
    found = staff_list_for_user(user=user).filter(pk=user_id).first()
    if found is None:
        raise Http404("この職員は見つかりません")
    return found


def user_by_username(*, username: str) -> User | None:
    """An active login by name, for the commands the operator runs on the server."""
    return User.objects.filter(username=username, is_active=True).first()
