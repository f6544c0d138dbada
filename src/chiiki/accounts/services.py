"""Writes for accounts: users and API tokens (the audit trail is written by ``audit``)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from chiiki.accounts import access, staff_file
from chiiki.accounts.access import Cap
from chiiki.accounts.models import ApiToken, AuditAction, User
from chiiki.core.tabular import Table


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
STAFF_FIELDS = (
    "display_name",
    "role",
    "is_active",
    "life_areas",
    "support_center",
    "email",
    "person",
)
SELF_LOCKOUT = "自分自身の役割の変更や停止はできません（他の管理者に依頼してください）"
# No look-alike characters (0/O, 1/l/I), so that a password read off paper is typed right.
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def initial_password() -> str:
    """A password to hand over once: 12 random characters in three groups (about 70 bits)."""
    chars = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


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
    support_center: str = "",
    email: str = "",
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
    if support_center or email:
        user.support_center, user.email = support_center, email
        user.full_clean()
        user.save(update_fields=["support_center", "email"])
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
    support_center: str | None = None,
    email: str | None = None,
) -> User:
    """Change a login's role, areas or state; an administrator cannot lock themselves out.
    A login is never deleted: a deactivated one keeps its name in the audit trail."""
    access.require_reach(actor, Cap.USERS_MANAGE, user, "この職員を変更する権限がありません")
    _check_staff(actor, actor.municipality, role, life_areas, person)
    if user.pk == actor.pk and (role != user.role or not is_active):
        raise ValidationError(SELF_LOCKOUT)
    before = {f: _staff_value(user, f) for f in STAFF_FIELDS}
    user.display_name, user.role, user.is_active, user.person = (
        display_name,
        role,
        is_active,
        person,
    )
    if support_center is not None:
        user.support_center = support_center
    if email is not None:
        user.email = email
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


@transaction.atomic
def staff_password_reset(*, actor: User, user: User) -> str:
    """A new generated password for a login (forgotten, or never handed over), returned
    to be shown once; only its hash is stored, and the login's other sessions end."""
    access.require_reach(actor, Cap.USERS_MANAGE, user, "この職員を変更する権限がありません")
    password = initial_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    access.audit_write(actor, AuditAction.UPDATE, user, changes={"password": ["—", "再発行"]})
    return password


@transaction.atomic
def staff_passwords_issue(*, actor: User) -> list[tuple[User, str]]:
    """Initial passwords for the municipality's active logins that have none yet (those a
    staff file created), returned to be shown once; each issue is audited."""
    pending = access.visible(
        actor,
        Cap.USERS_MANAGE,
        User.objects.filter(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .select_for_update()
        .order_by("username"),
        "職員を管理する権限がありません",
    )
    issued = []
    for user in pending:
        password = initial_password()
        user.set_password(password)
        user.save(update_fields=["password"])
        access.audit_write(
            actor, AuditAction.UPDATE, user, changes={"password": ["—", "初期パスワードを発行"]}
        )
        issued.append((user, password))
    return issued


# --- the staff file: many logins at once, all or nothing ---------------------------------

_TAKEN = "ログインID {} は既に使われています。別のIDにしてください"
_NOT_STAFF = (
    "ログインID {} はボランティアか外部の専門職のログインです。ファイルでは変えられません"
    "（職員の画面で変更してください）"
)


@dataclass
class StaffImportResult:
    """What a staff file did: each row counts once (a row that deactivates a login counts
    as ``deactivated`` whatever else it changed). ``passwords`` holds the initial password
    of each login created, when they were asked for (the command prints them), and is
    never stored."""

    created: list[User] = field(default_factory=list)
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    passwords: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
        }

    def message(self) -> str:
        return (
            f"職員のログイン: 追加 {len(self.created)}、変更 {self.updated}、"
            f"停止 {self.deactivated}、変更なし {self.unchanged}"
        )


def _staff_conflicts(
    rows: list[staff_file.StaffRow],
    existing: dict[str, User],
    municipality: Any,
    actor: User | None,
    columns: dict[str, str],
) -> list[staff_file.CellError]:
    """The faults only the stored logins reveal. A login id of another municipality (or of
    a prefecture viewer, or the operator's) is refused without saying whose it is."""
    errors = []
    for r in rows:
        user = existing.get(r.username)
        if user is not None and user.municipality_id != municipality.pk:
            errors.append(
                staff_file.CellError(
                    r.row, columns["username"], r.username, _TAKEN.format(r.username)
                )
            )
        elif user is not None and user.role not in staff_file.ROLES.values():
            errors.append(
                staff_file.CellError(
                    r.row, columns["username"], r.username, _NOT_STAFF.format(r.username)
                )
            )
        elif user is not None and actor is not None and user.pk == actor.pk:
            if r.role != user.role:
                errors.append(
                    staff_file.CellError(r.row, columns["role"], r.cells["role"], SELF_LOCKOUT)
                )
            if r.active is False:
                errors.append(
                    staff_file.CellError(r.row, columns["active"], r.cells["active"], SELF_LOCKOUT)
                )
        if r.email:
            try:
                validate_email(r.email)
            except ValidationError:
                errors.append(
                    staff_file.CellError(
                        r.row,
                        columns["email"],
                        r.email,
                        "メールアドレスの形ではありません（例: hoken@example.lg.jp）",
                    )
                )
    return errors


def staff_import(
    *,
    municipality: Any,
    table: Table,
    actor: User | None = None,
    initial_passwords: bool = False,
    channel: str | None = None,
) -> StaffImportResult:
    """Create and update the municipality's logins from a staff file.

    All or nothing, and the same file twice changes nothing. ``actor`` is the administrator
    who uploaded it (None: the operator's command). Nobody is deleted, and a login the file
    leaves out is left alone; ``有効`` 「無効」 deactivates one. A login created gets no
    usable password, unless ``initial_passwords``: then a generated one, returned once in
    the result. One audit event per login created or changed.
    """
    if actor is not None:
        access.require_reach(
            actor, Cap.USERS_MANAGE, municipality, "職員を管理する権限がありません"
        )
    areas: dict[str, int] = {}
    for la in municipality.life_areas.all():
        areas.setdefault(la.code, la.pk)
    areas.update({la.name: la.pk for la in municipality.life_areas.all()})
    rows = staff_file.parse_table(table, areas)
    columns = staff_file.map_headers(table.headers)
    columns.update({k: v[0] for k, v in staff_file.COLUMNS.items() if k not in columns})
    existing = {
        u.username: u
        for u in User.objects.filter(username__in=[r.username for r in rows]).prefetch_related(
            "life_areas"
        )
    }
    errors = _staff_conflicts(rows, existing, municipality, actor, columns)
    if errors:
        raise staff_file.StaffFileError(errors)
    with transaction.atomic():
        result = StaffImportResult()
        for r in rows:
            _staff_row_write(r, existing.get(r.username), municipality, actor, result, channel)
        if initial_passwords:
            for user in result.created:
                result.passwords[user.username] = password = initial_password()
                user.set_password(password)
                user.save(update_fields=["password"])
        return result


def _staff_row_write(
    r: staff_file.StaffRow,
    user: User | None,
    municipality: Any,
    actor: User | None,
    result: StaffImportResult,
    channel: str | None,
) -> None:
    creating = user is None
    if user is None:
        user = User(username=r.username, municipality=municipality, is_active=True)
        user.set_unusable_password()
        before: dict[str, Any] = dict.fromkeys(("username", *STAFF_FIELDS))
        stored: list[int] = []
    else:
        before = {f: _staff_value(user, f) for f in ("username", *STAFF_FIELDS)}
        stored = sorted(la.pk for la in user.life_areas.all())
    wanted: dict[str, Any] = {"display_name": r.display_name, "role": r.role}
    for name in ("support_center", "email"):
        if getattr(r, name) is not None:
            wanted[name] = getattr(r, name)
    if r.active is not None:
        wanted["is_active"] = r.active
    areas = list(r.life_area_ids) if r.life_area_ids is not None else stored
    if not creating and areas == stored and all(getattr(user, f) == v for f, v in wanted.items()):
        result.unchanged += 1
        return
    for name, value in wanted.items():
        setattr(user, name, value)
    user.full_clean()
    user.save()
    user.life_areas.set(areas)
    access.forget(user)
    after = {f: _staff_value(user, f) for f in ("username", *STAFF_FIELDS)}
    access.audit_write(
        actor,
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        user,
        changes={f: [before.get(f), v] for f, v in after.items() if before.get(f) != v},
        channel=channel,
    )
    if creating:
        result.created.append(user)
    elif before["is_active"] and not user.is_active:
        result.deactivated += 1
    else:
        result.updated += 1
