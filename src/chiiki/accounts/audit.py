"""The audit trail: who read or changed which resident's record, when, by which channel.

Every event names the residents it concerns in ``AuditSubject`` rows, whatever the record
was (a person, an answer sheet, a help request) and however many a list showed, so that the
audit page finds every read of one resident with one index lookup.

The channel, path and address of the current request are bound once, by the web middleware,
the API and the base command, so that no selector or service has to carry the request down
to say where a read came from. Exports and printed lists name their channel themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction

from chiiki.accounts.models import AuditAction, AuditEvent, AuditSubject

if TYPE_CHECKING:
    from django.http import HttpRequest


class Channel(StrEnum):
    WEB = "web"
    API = "api"
    EXPORT = "export"
    PRINT = "print"
    CLI = "cli"
    IMPORT = "import"
    DEMO = "demo"


@dataclass(frozen=True)
class Context:
    channel: str = Channel.CLI
    path: str = ""
    ip: str | None = None


_NONE = Context()
_context: ContextVar[Context | None] = ContextVar("chiiki_audit_context", default=None)


def bind(*, channel: str, path: str = "", ip: str | None = None) -> Token[Context | None]:
    return _context.set(Context(channel=channel, path=path[:300], ip=ip or None))


def bind_request(request: HttpRequest, *, channel: str) -> Token[Context | None]:
    return bind(channel=channel, path=request.get_full_path(), ip=request.META.get("REMOTE_ADDR"))


def unbind(token: Token[Context | None]) -> None:
    _context.reset(token)


@contextmanager
def bound(*, channel: str, path: str | None = None) -> Iterator[None]:
    """Run a block under another channel (an export, a printed list, an import)."""
    now = current()
    token = bind(channel=channel, path=now.path if path is None else path, ip=now.ip)
    try:
        yield
    finally:
        unbind(token)


def current() -> Context:
    """The bound context, or the CLI's outside any request or command."""
    return _context.get() or _NONE


def _who(user: Any) -> tuple[Any, str]:
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return (user if authenticated else None), (user.get_username() if authenticated else "(system)")


@dataclass(frozen=True)
class Entry:
    """One record touched: what it is, whose municipality, and the residents it names."""

    action: str
    object_id: int | None
    object_repr: str
    municipality_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    person_ids: tuple[int, ...] = ()


def record(*, user: Any, model: str, entry: Entry, channel: str | None = None) -> AuditEvent:
    """Append one event to the trail. Never updated, never deleted (database triggers)."""
    (event,) = record_many(user=user, model=model, entries=[entry], channel=channel)
    return event


def record_many(
    *, user: Any, model: str, entries: Iterable[Entry], channel: str | None = None
) -> list[AuditEvent]:
    """Append one event per entry, with its residents, in two statements (imports, the demo)."""
    who, username = _who(user)
    ctx = current()
    pending = list(entries)
    with transaction.atomic(savepoint=False):  # an event with its residents, one commit
        return _insert(model, who, username, ctx, pending, channel)


_SUBJECTS_PER_INSERT = 1000  # 2,000 parameters: within both databases' limits


def _insert(
    model: str, who: Any, username: str, ctx: Context, pending: list[Entry], channel: str | None
) -> list[AuditEvent]:
    events = AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                user=who,
                username=username,
                action=e.action,
                model=model,
                object_id=e.object_id,
                object_repr=e.object_repr[:200],
                municipality_id=e.municipality_id,
                changes=e.changes,
                channel=channel or ctx.channel,
                path=ctx.path,
                ip_address=ctx.ip,
            )
            for e in pending
        ],
        batch_size=2000,
    )
    subjects = [
        (ev.pk, pid)
        for ev, e in zip(events, pending, strict=True)
        for pid in dict.fromkeys(e.person_ids)
    ]
    # Plain pairs of ids in multi-row INSERTs: an import's event names every resident it
    # wrote (a town's 116,000 as model instances took five seconds), and a list read's fifty
    # by executemany were fifty round trips to PostgreSQL (5 ms of a 25 ms search).
    meta = AuditSubject._meta
    quote = connection.ops.quote_name
    head = (
        f"INSERT INTO {quote(meta.db_table)} ({quote(meta.get_field('event').column)}, "
        f"{quote(meta.get_field('person_id').column)}) VALUES "
    )
    with connection.cursor() as cursor:
        for start in range(0, len(subjects), _SUBJECTS_PER_INSERT):
            batch = subjects[start : start + _SUBJECTS_PER_INSERT]
            cursor.execute(
                head + ", ".join(["(%s, %s)"] * len(batch)), [v for pair in batch for v in pair]
            )
    return events


def record_list(
    *,
    user: Any,
    model: str,
    what: str,
    shown: list[tuple[int, int | None]],
    municipality_id: int | None,
    note: dict[str, Any] | None = None,
    channel: str | None = None,
) -> AuditEvent:
    """One event for one list read: the ids it showed, and a subject row per resident."""
    return record(
        user=user,
        model=model,
        channel=channel,
        entry=Entry(
            action=AuditAction.LIST,
            object_id=None,
            object_repr=f"{what}（{len(shown)}件）",
            municipality_id=municipality_id,
            changes={"list": what, "ids": [pk for pk, _ in shown], **(note or {})},
            person_ids=tuple(pid for _, pid in shown if pid is not None),
        ),
    )
