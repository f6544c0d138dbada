"""The doors: who may do what (capabilities), where (scope), and every read of a resident.

- ``can`` / ``require`` answer "may this user do this at all", from the one table in
  ``chiiki.accounts.capabilities`` (a django-rules predicate per capability).
- ``visible`` narrows a queryset to the rows the user reaches with a capability: each model
  declares, in ``access_paths``, how its rows reach a municipality, a life area, a resident
  and a volunteer; the capability's scope for the user's role picks which of them counts.
- ``read_one``, ``read_page``, ``read_keyset_page`` and ``read_rows`` are the read door for
  records that name a resident: they scope, refuse a missing record and an out-of-scope one
  alike (so ids cannot be probed), and write the audit trail: one event per record opened,
  one event per list read with the ids it showed.

Selectors call these; views, API routes and commands call selectors.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import rules
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import BigIntegerField, BooleanField, F, Model, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

from chiiki.accounts import audit
from chiiki.accounts.access_paths import Paths, column
from chiiki.accounts.capabilities import LABELS, SCOPED_ROLES, TABLE, Cap, Scope, scope_for
from chiiki.accounts.models import AuditAction
from chiiki.core.params import ParamError

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from chiiki.accounts.models import User

    AnyUser = User | AnonymousUser

__all__ = [
    "Cap",
    "KeysetPage",
    "Path",
    "Paths",
    "PermissionDenied",
    "can",
    "read_keyset_page",
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
        if w.municipality_id is None or not p.municipality:
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


def _loaded(qs: QuerySet[M]) -> QuerySet[M]:
    """``qs`` ready for ``_subject``: annotated unless its rows carry the resident and the
    municipality in their own columns (the annotations cost more than reading them)."""
    p = paths_of(qs.model)
    if "__" in p.municipality or (p.person is not None and "__" in p.person):
        return _annotated(qs)
    return qs


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


COUNT_CAP = 1000  # a keyset page counts its list exactly up to here; beyond, 「1,000件以上」
CURSOR_REFUSED = "一覧の「次へ」「前へ」が示す位置を指定してください（一覧を開き直してください）"


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    """One page of a list walked by a cursor: its rows, the list's count (exact up to the
    cap; ``capped`` when there are more) and the cursors of the pages around it (``after``
    for the next page, ``before`` for the previous; None at either end)."""

    rows: list[M]
    count: int
    capped: bool
    after: int | None
    before: int | None
    first: bool  # the list's first page (no row before it)

    def __iter__(self) -> Iterator[M]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Path(Generic[M]):
    """A way to the rows of a list, for ``read_keyset_page``: a queryset (of a model with
    ``access_paths``, so that it is scoped like the list) and its columns that give each
    row's place in the list's order, the last one the listed row's id. An index on those
    columns (after an equality) lets a page read only what it shows."""

    qs: QuerySet[M]
    key: tuple[str, ...]


def _row_compare(qs: QuerySet[Any], key: Sequence[str], values: Sequence[Any], op: str) -> RawSQL:
    """``(a, b, id) > (x, y, z)`` on the model's own columns: both databases seek an index
    on those columns to the cursor, where Django's OR-expanded fallback makes SQLite scan."""
    model = qs.model
    quote = connections[qs.db].ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(f"{table}.{quote(model._meta.get_field(k).column)}" for k in key)
    marks = ", ".join(["%s"] * len(values))
    return RawSQL(f"({columns}) {op} ({marks})", list(values), output_field=BooleanField())


def _cursor_key(
    user: AnyUser | None,
    cap: Cap,
    qs: QuerySet[Any],
    key: Sequence[str],
    after: int | None,
    before: int | None,
    params: tuple[str, str],
) -> tuple[Any, ...] | None:
    """The key of the cursor's row, read within the user's scope (None: no cursor)."""
    if after is not None and before is not None:
        raise ParamError(params[1], before, "「次へ」と「前へ」は同時に指定できません")
    cursor, param = (after, params[0]) if after is not None else (before, params[1])
    if cursor is None:
        return None
    values = (
        visible(user, cap, qs.model._default_manager.all())
        .filter(pk=cursor)
        .values_list(*key)
        .first()
    )
    if values is None:
        raise ParamError(param, cursor, CURSOR_REFUSED)
    return tuple(values)


class _KeysetWalk:
    """A keyset list's walk: its paths scoped and read from the cursor in the list's order."""

    def __init__(
        self,
        user: AnyUser | None,
        cap: Cap,
        qs: QuerySet[Any],
        key: Sequence[str],
        through: Sequence[Path[Any]] | None,
        values: tuple[Any, ...] | None,
        *,
        descending: bool,
    ) -> None:
        self.user, self.cap, self.qs, self.values = user, cap, qs, values
        self.descending = descending
        self.own = through is None
        self.paths = [Path(qs, tuple(key))] if through is None else list(through)
        if self.own:
            self.order = [f"-{k}" for k in key] if descending else list(key)
        else:
            self.order = [f"{'-' if descending else ''}_k{i}" for i in range(len(key))]
        self.walk = self.merged(from_cursor=True)

    def merged(self, from_cursor: bool) -> QuerySet[Any]:
        """The paths' keys (or, for ``qs`` itself, its rows), scoped, from the cursor."""
        walks: list[QuerySet[Any]] = []
        for path in self.paths:
            walk = visible(self.user, self.cap, path.qs).order_by()
            if from_cursor and self.values is not None:
                op = "<" if self.descending else ">"
                walk = walk.filter(_row_compare(walk, path.key, self.values, op))
            if self.own:
                return walk
            aliases = {f"_k{i}": F(k) for i, k in enumerate(path.key)}
            walks.append(walk.annotate(**aliases).values_list(*aliases))
        return walks[0].union(*walks[1:], all=True) if len(walks) > 1 else walks[0]

    def window(self, start: int, size: int) -> list[Any]:
        """The page's rows from ``start``, and one more (is there a next page?)."""
        if self.own:
            return list(_loaded(self.walk).order_by(*self.order)[start : start + size + 1])
        ids = [k[-1] for k in self.walk.order_by(*self.order)[start : start + size + 1]]
        scoped = _loaded(visible(self.user, self.cap, self.qs))
        found = {r.pk: r for r in scoped.filter(pk__in=ids).order_by()}
        # A row a path found but ``qs`` leaves out keeps its place (as an id), so that the
        # next page's cursor neither repeats nor skips; the selector keeps them alike.
        return [found.get(i, i) for i in ids]


def read_keyset_page(
    user: AnyUser | None,
    cap: Cap,
    qs: QuerySet[M],
    *,
    key: Sequence[str],
    through: Sequence[Path[Any]] | None = None,
    after: int | None = None,
    before: int | None = None,
    offset: int = 0,
    size: int,
    what: str,
    note: dict[str, Any] | None = None,
    count_cap: int | None = COUNT_CAP,
    counted: bool = True,
    params: tuple[str, str] = ("after", "before"),
) -> KeysetPage[M]:
    """One page of a list that names residents, walked by a cursor instead of an OFFSET:
    scoped like ``read_page``, and one audit event for the page with the ids it shows.

    ``key`` is the list's order on ``qs``, ending with its id (``("family_kana",
    "given_kana", "id")``); an index on it lets a page deep in the list cost what the first
    does. A cursor is the id of the row the page starts after (``after``) or ends before
    (``before``); its key is read within the user's scope, so a cursor that names a row the
    user does not reach (or no row) is refused like a bad parameter (named by ``params``)
    and says nothing of that row. ``offset`` skips rows from the start instead (numbered
    pages; a page past the end shows the last one, as ``read_page`` does).

    ``through``: the rows are found through these paths instead of ``qs`` itself (a
    search index in the list's order); each is scoped, walked from the cursor and merged
    by the database, and ``qs`` then loads the rows the page shows. The paths must not
    share a row. The count is exact up to ``count_cap`` (None: exact), or not taken
    (``counted`` false: 0).
    """
    values = _cursor_key(user, cap, qs, key, after, before, params)
    walk = _KeysetWalk(user, cap, qs, key, through, values, descending=before is not None)
    got = walk.window(offset, size)
    total = 0
    if counted and (offset or values is not None or len(got) > size):
        # Counted in the database (reading the keys up to the cap costs more in Python).
        everyone = walk.merged(from_cursor=False)
        if walk.own:
            everyone = everyone.values_list("pk")
        total = (everyone[: count_cap + 1] if count_cap is not None else everyone).count()
    elif counted:
        total = len(got)  # the whole list is on this page
    if offset and not got and total:  # past the end: the last page, as read_page does
        offset = (total - 1) // size * size
        got = walk.window(offset, size)
    more = len(got) > size
    descending = walk.descending
    got = got[:size]
    if descending:
        got.reverse()
    rows = cast("list[M]", [r for r in got if isinstance(r, Model)])
    first = (values is None and not offset) or (descending and not more)

    def pk(r: Any) -> int:
        return r.pk if isinstance(r, Model) else int(r)

    page = KeysetPage(
        rows=rows,
        count=total if count_cap is None else min(total, count_cap),
        capped=count_cap is not None and total > count_cap,
        after=pk(got[-1]) if got and (more or descending) else None,
        before=pk(got[0]) if got and not first else None,
        first=first,
    )
    _audit_list(user, qs.model, rows, what, note, None)
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
