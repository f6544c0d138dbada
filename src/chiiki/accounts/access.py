"""The doors: who may do what (capabilities), where (scope), and every read of a resident.

- ``can`` / ``require`` answer "may this user do this at all", from the one table in
  ``chiiki.accounts.capabilities`` (a django-rules predicate per capability).
- ``visible`` narrows a queryset to the rows the user reaches with a capability: each model
  declares, in ``access_paths``, how its rows reach a municipality, a life area, a resident
  and a volunteer; the capability's scope for the user's role picks which of them counts.
- ``read_one``, ``read_page`` and ``read_rows`` are the read door for records that name a
  resident: they scope, refuse a missing record and an out-of-scope one alike (so ids cannot
  be probed), and write the audit trail: one event per record opened, one event per list
  read with the ids it showed.

Selectors call these; views, API routes and commands call selectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import rules
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import BigIntegerField, F, Model, Q, QuerySet, Value

from chiiki.accounts import audit
from chiiki.accounts.access_paths import Paths, column
from chiiki.accounts.capabilities import LABELS, SCOPED_ROLES, TABLE, Cap, Scope, scope_for
from chiiki.accounts.models import AuditAction

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from chiiki.accounts.models import User

    AnyUser = User | AnonymousUser

__all__ = [
    "Cap",
    "Paths",
    "PermissionDenied",
    "can",
    "read_one",
    "read_page",
    "read_rows",
    "require",
    "visible",
    "who",
]

M = TypeVar("M", bound=Model)
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Who:
    """What scoping needs to know of a user, read once per request."""

    user_id: int | None
    role: str | None
    municipality_id: int | None
    prefecture_id: int | None
    life_area_ids: frozenset[int] | None  # None: the whole municipality
    person_id: int | None


_NOBODY = Who(None, None, None, None, frozenset(), None)


def who(user: AnyUser | None) -> Who:
    """The user as scoping sees them; inactive and anonymous users are nobody."""
    if user is None or not user.is_authenticated or not user.is_active:
        return _NOBODY
    cached = user.__dict__.get("_chiiki_who")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    u: User = user  # type: ignore[assignment]
    ids = frozenset(la.pk for la in u.life_areas.all())
    areas: frozenset[int] | None = ids if ids or u.role in SCOPED_ROLES else None
    found = Who(u.pk, u.role, u.municipality_id, u.prefecture_id, areas, u.person_id)
    u.__dict__["_chiiki_who"] = found
    return found


def forget(user: AnyUser) -> None:
    """Drop the cached scope (after the user's areas or role changed)."""
    user.__dict__.pop("_chiiki_who", None)


# --- capabilities: one django-rules predicate per entry of the table ----------------------

CAPABILITIES = rules.RuleSet()


def _holds(cap: Cap) -> rules.Predicate:
    def holds(user: Any) -> bool:
        return scope_for(cap, who(user).role) is not None

    return rules.predicate(holds, name=f"holds:{cap}")


for _cap in TABLE:
    CAPABILITIES.add_rule(str(_cap), _holds(_cap))


def can(user: AnyUser | None, cap: Cap) -> bool:
    """May the user use this capability at all (somewhere)?"""
    return bool(CAPABILITIES.test_rule(str(cap), user))


def scope_of(user: AnyUser | None, cap: Cap) -> Scope | None:
    """The scope the user reaches with ``cap`` (None when it is not held)."""
    return scope_for(cap, who(user).role)


def require(user: AnyUser | None, cap: Cap, message: str | None = None) -> None:
    if not can(user, cap):
        raise PermissionDenied(message or f"「{LABELS[cap]}」権限がありません")


# --- scope ---------------------------------------------------------------------------------


def paths_of(model: type[Model]) -> Paths:
    found = getattr(model, "access_paths", None)
    if not isinstance(found, Paths):
        raise TypeError(f"{model.__name__} declares no access_paths")
    return found


def scope_q(user: AnyUser | None, cap: Cap, model: type[Model]) -> Q:
    """The rows of ``model`` the user reaches with ``cap``; nothing when it is not held."""
    w = who(user)
    scope = scope_for(cap, w.role)
    p = paths_of(model)
    if scope is None:
        return NOTHING
    if scope in (Scope.MUNICIPALITY, Scope.AREAS):
        if w.municipality_id is None:
            return NOTHING
        q = Q(**{p.municipality_id(): w.municipality_id})
        # Rows that lie in a life area are narrowed to the user's; a row of the whole
        # municipality (a survey, the directory's organisations) is reached from any of them.
        if scope == Scope.AREAS and w.life_area_ids is not None and p.life_area is not None:
            q &= Q(**{f"{column(p.life_area)}__in": sorted(w.life_area_ids)})
        return q
    if scope == Scope.PREFECTURE:
        lookup = p.prefecture_id()
        if w.prefecture_id is None or lookup is None:
            return NOTHING
        return Q(**{lookup: w.prefecture_id})
    if scope == Scope.INVITED:
        if p.invited is None or w.user_id is None or w.municipality_id is None:
            return NOTHING
        # Through a subquery: the invitations are many, a join would repeat the row.
        invited = _pks(model, Q(**{column(p.invited): w.user_id}))
        return Q(**{p.municipality_id(): w.municipality_id}) & Q(pk__in=invited)
    path = p.person if scope == Scope.OWN_RECORD else p.volunteer
    if path is None or w.person_id is None:
        return NOTHING
    return Q(**{path: w.person_id})


def _pks(model: type[Model], q: Q) -> QuerySet[Any]:
    return model._default_manager.filter(q).values("pk")


def visible(
    user: AnyUser | None, cap: Cap, qs: QuerySet[M], message: str | None = None
) -> QuerySet[M]:
    """The queryset narrowed to the user's scope; refused when the capability is not held."""
    require(user, cap, message)
    return qs.filter(scope_q(user, cap, qs.model))


def reaches(user: AnyUser | None, cap: Cap, obj: Model) -> bool:
    """Is this stored object within the user's scope for ``cap``?"""
    if not can(user, cap) or obj.pk is None:
        return False
    model = type(obj)
    return bool(model._default_manager.filter(scope_q(user, cap, model), pk=obj.pk).exists())


def require_reach(user: AnyUser | None, cap: Cap, obj: Model, message: str | None = None) -> None:
    if not reaches(user, cap, obj):
        raise PermissionDenied(message or f"「{LABELS[cap]}」権限がありません")


def would_reach(user: AnyUser | None, cap: Cap, obj: Model) -> bool:
    """Would the user reach ``obj`` once stored? Read from the object's own foreign keys
    through its access paths, for a record a service is about to create."""
    w = who(user)
    scope = scope_for(cap, w.role)
    p = paths_of(type(obj))
    if scope not in (Scope.MUNICIPALITY, Scope.AREAS) or w.municipality_id is None:
        return False  # creating on behalf of an own record or job is not done through this
    if _follow(obj, p.municipality) != w.municipality_id:
        return False
    if scope == Scope.AREAS and w.life_area_ids is not None and p.life_area is not None:
        return _follow(obj, p.life_area) in w.life_area_ids
    return True


def require_would_reach(
    user: AnyUser | None, cap: Cap, obj: Model, message: str | None = None
) -> None:
    if not would_reach(user, cap, obj):
        raise PermissionDenied(message or f"「{LABELS[cap]}」権限がありません")


# --- the read door -------------------------------------------------------------------------

_PERSON = "_audit_person"
_MUNICIPALITY = "_audit_municipality"


def _annotated(qs: QuerySet[M]) -> QuerySet[M]:
    p = paths_of(qs.model)
    person = F(p.person) if p.person else Value(None, output_field=BigIntegerField())
    return qs.annotate(**{_PERSON: person, _MUNICIPALITY: F(p.municipality)})


def _follow(obj: Any, path: str) -> int | None:
    """The id at the end of a lookup path, read from loaded objects (``person`` gives
    ``obj.person_id``; ``volunteer__person`` gives ``obj.volunteer.person_id``)."""
    if path == "pk":
        return obj.pk  # type: ignore[no-any-return]
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return getattr(obj, column(last), None)


def _subject(obj: Model) -> tuple[int, int | None, int | None]:
    """The row's id, the resident it names and its municipality: from the door's
    annotations when it fetched the row, else from the loaded objects."""
    if hasattr(obj, _MUNICIPALITY):
        return obj.pk, getattr(obj, _PERSON, None), getattr(obj, _MUNICIPALITY)
    p = paths_of(type(obj))
    person = _follow(obj, p.person) if p.person else None
    return obj.pk, person, _follow(obj, p.municipality)


def audit_listed(
    user: AnyUser | None,
    rows: Sequence[Model],
    *,
    what: str,
    note: dict[str, Any] | None = None,
    channel: str | None = None,
) -> None:
    """Record rows already reached through a record the user opened (a volunteer's jobs on
    their statement) as one list read."""
    if rows:
        _audit_list(user, type(rows[0]), rows, what, note, channel)


def read_one(
    user: AnyUser | None,
    cap: Cap,
    qs: QuerySet[M],
    pk: int | None,
    *,
    refuse: str,
    note: dict[str, Any] | None = None,
    audit_read: bool = True,
) -> M:
    """Open one record (``pk`` None: the one row ``qs`` selects): scoped, refused alike
    when missing or out of reach, and audited."""
    scoped = _annotated(visible(user, cap, qs, refuse))
    found = (scoped.filter(pk=pk) if pk is not None else scoped).first()
    if found is None:
        raise PermissionDenied(refuse)
    if audit_read:
        pk_, person_id, municipality_id = _subject(found)
        audit.record(
            user=user,
            model=qs.model._meta.label_lower,
            entry=audit.Entry(
                action=AuditAction.READ,
                object_id=pk_,
                object_repr=str(found),
                municipality_id=municipality_id,
                changes=note or {},
                person_ids=(person_id,) if person_id is not None else (),
            ),
        )
    return found


def _audit_list(
    user: AnyUser | None,
    model: type[Model],
    rows: Sequence[Model],
    what: str,
    note: dict[str, Any] | None,
    channel: str | None,
) -> None:
    if not rows:
        return
    subjects = [_subject(r) for r in rows]
    audit.record_list(
        user=user,
        model=model._meta.label_lower,
        what=what,
        shown=[(pk, person) for pk, person, _ in subjects],
        municipality_id=next((m for _, _, m in subjects if m is not None), None),
        note=note,
        channel=channel,
    )


def read_page(
    user: AnyUser | None,
    cap: Cap,
    qs: QuerySet[M],
    *,
    number: int,
    size: int,
    what: str,
    note: dict[str, Any] | None = None,
    audit_read: bool = True,
) -> Page[M]:
    """One page of a list that names residents: scoped, and one audit event for the page
    with the ids it shows. A page past the end shows the last one."""
    page = Paginator(_annotated(visible(user, cap, qs)), size).get_page(number)
    if audit_read:
        _audit_list(user, qs.model, list(page.object_list), what, note, None)
    return page


def read_rows(
    user: AnyUser | None,
    cap: Cap,
    qs: QuerySet[M],
    *,
    what: str,
    channel: str | None = None,
    limit: int | None = None,
    note: dict[str, Any] | None = None,
) -> list[M]:
    """Every row of a list (an export, a printed list, a short pick list), scoped and audited
    as one list read on its channel."""
    scoped = _annotated(visible(user, cap, qs))
    rows = list(scoped[:limit] if limit is not None else scoped)
    _audit_list(user, qs.model, rows, what, note, channel)
    return rows


# --- audited writes ------------------------------------------------------------------------


def audit_write(
    user: AnyUser | None,
    action: AuditAction,
    obj: Model,
    *,
    changes: dict[str, Any] | None = None,
    channel: str | None = None,
) -> None:
    """Record a change to a stored object, naming its municipality and its resident through
    the model's ``access_paths`` (the same paths that scope its reads)."""
    model = type(obj)
    p = paths_of(model)
    person = F(p.person) if p.person else Value(None, output_field=BigIntegerField())
    row = (
        model._default_manager.filter(pk=obj.pk)
        .annotate(_p=person, _m=F(p.municipality))
        .values_list("_p", "_m")
        .first()
    )
    person_id, municipality_id = row if row else (None, None)
    audit.record(
        user=user,
        model=model._meta.label_lower,
        channel=channel,
        entry=audit.Entry(
            action=action,
            object_id=obj.pk,
            object_repr=str(obj),
            municipality_id=municipality_id,
            changes=changes or {},
            person_ids=(person_id,) if person_id is not None else (),
        ),
    )
