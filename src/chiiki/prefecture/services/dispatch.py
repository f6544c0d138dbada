"""The dispatch log's writes: a file's import (all or nothing, idempotent), a hand entry, a
deletion, and the demo's log of the guide's 平成29年度.

A user given is checked for ``Cap.PREFECTURE_EDIT`` on the prefecture written to; the
command passes ``user=None`` (the operator, who names the prefecture)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from chiiki.accounts import access, audit
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction
from chiiki.areas.models import Municipality, Prefecture
from chiiki.core.tabular import Table
from chiiki.imports.runners import cell
from chiiki.prefecture import dispatch_file, dispatch_summary
from chiiki.prefecture.dispatch_file import Key
from chiiki.prefecture.models import Dispatch, WorkKind

MODEL = Dispatch._meta.label_lower


class DispatchNotFound(LookupError):
    """No dispatch of that id in the prefecture (another prefecture's is not found either)."""


@dataclass
class DispatchImportResult:
    prefecture: str
    source: str = ""
    ok: bool = True
    rows: int = 0  # the file's data rows that were read
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dispatches: int = 0  # the file's 件数 added up
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "prefecture": self.prefecture,
            "source": self.source,
            "ok": self.ok,
            "rows": self.rows,
            "dispatches": self.dispatches,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "error_count": self.error_count,
        }

    def message(self) -> str:
        return (
            f"専門職の派遣 {self.dispatches:,} 件（{self.rows:,} 行）を取り込みました: "
            f"新規 {self.created:,}、更新 {self.updated:,}、変更なし {self.unchanged:,}"
        )


def _check(user: Any, prefecture: Prefecture) -> None:
    if user is None:
        return
    access.require(user, Cap.PREFECTURE_EDIT)
    if access.who(user).prefecture_id != prefecture.pk:
        raise PermissionDenied("ほかの都道府県の記録は変更できません")


def _owner(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def dispatch_import(
    *, user: Any, prefecture: Prefecture, table: Table, source: str = ""
) -> DispatchImportResult:
    """Check the whole file, then set each key's count to the file's; keys not in it stay.

    The same file twice changes nothing (and writes no second audit event)."""
    _check(user, prefecture)
    result = DispatchImportResult(prefecture=prefecture.code, source=source[:255])
    towns = dict(Municipality.objects.filter(prefecture=prefecture).values_list("code", "pk"))
    try:
        entries = dispatch_file.read(
            table, prefecture=prefecture.code, known=towns, today=timezone.localdate()
        )
    except dispatch_file.DispatchFileError as exc:
        result.ok = False
        result.errors = [cell(e) for e in exc.errors]
        result.error_count = exc.count
        return result
    result.rows = sum(len(e.rows) for e in entries)
    result.dispatches = sum(e.count for e in entries)
    with transaction.atomic():
        stored = _stored(prefecture, entries, towns)
        codes = {pk: code for code, pk in towns.items()}
        by_key = {
            Key(d.day, codes[d.municipality_id], d.sender, d.work, d.profession): d for d in stored
        }
        new: list[Dispatch] = []
        changed: list[Dispatch] = []
        for entry in entries:
            found = by_key.get(entry.key)
            if found is None:
                new.append(_new(prefecture, entry, towns, user, result.source))
            elif found.count != entry.count:
                found.count, found.source = entry.count, result.source
                changed.append(found)
            else:
                result.unchanged += 1
        for d in new:
            d.full_clean(validate_unique=False, validate_constraints=False)
        Dispatch.objects.bulk_create(new, batch_size=1000)
        Dispatch.objects.bulk_update(changed, ["count", "source"], batch_size=1000)
        result.created, result.updated = len(new), len(changed)
        if new or changed:
            audit.record(
                user=user,
                model=MODEL,
                entry=audit.Entry(
                    action=AuditAction.CREATE if new else AuditAction.UPDATE,
                    object_id=prefecture.pk,
                    object_repr=f"{prefecture} 専門職の派遣の取り込み {result.source}".strip(),
                    changes={
                        "dispatch_import": {
                            "source": result.source,
                            "rows": result.rows,
                            "dispatches": result.dispatches,
                            "created": result.created,
                            "updated": result.updated,
                            "unchanged": result.unchanged,
                        }
                    },
                ),
            )
    return result


def _stored(
    prefecture: Prefecture, entries: list[dispatch_file.Entry], towns: dict[str, int]
) -> list[Dispatch]:
    """The stored records the file's keys could be, locked until the import commits."""
    days = sorted({e.key.day for e in entries})
    return list(
        Dispatch.objects.select_for_update().filter(
            prefecture=prefecture,
            day__gte=days[0],
            day__lte=days[-1],
            municipality_id__in={towns[e.key.municipality] for e in entries},
        )
    )


def _new(
    prefecture: Prefecture,
    entry: dispatch_file.Entry,
    towns: dict[str, int],
    user: Any,
    source: str,
) -> Dispatch:
    k = entry.key
    return Dispatch(
        prefecture=prefecture,
        municipality_id=towns[k.municipality],
        day=k.day,
        sender=k.sender,
        work=k.work,
        profession=k.profession,
        count=entry.count,
        source=source,
        created_by=_owner(user),
    )


def dispatch_add(
    *,
    user: Any,
    prefecture: Prefecture,
    day: dt.date,
    municipality: Municipality,
    sender: str,
    work: str,
    profession: str,
    count: int = 1,
) -> Dispatch:
    """Record ``count`` dispatches by hand; an existing key's count grows by it."""
    _check(user, prefecture)
    if municipality.prefecture_id != prefecture.pk:
        raise PermissionDenied(f"{municipality}は{prefecture}の市町村ではありません")
    if work not in WorkKind.values:
        raise ValueError("事業区分は " + "・".join(WorkKind.labels) + " のどれかです")
    today = timezone.localdate()
    fields = {
        "day": dispatch_file.parse_day(day.isoformat(), today),
        "sender": dispatch_file.parse_text(sender, "派遣元", dispatch_file.SENDER_MAX),
        "work": work,
        "profession": dispatch_file.parse_text(profession, "職種", dispatch_file.PROFESSION_MAX),
    }
    count = dispatch_file.COUNT.check(count, "件数")
    with transaction.atomic():
        found = (
            Dispatch.objects.select_for_update()
            .filter(prefecture=prefecture, municipality=municipality, **fields)
            .first()
        )
        before = found.count if found else 0
        if found is None:
            found = Dispatch(
                prefecture=prefecture,
                municipality=municipality,
                count=count,
                created_by=_owner(user),
                **fields,
            )
        else:
            # A key's count is bounded as a whole, not only what one entry adds to it.
            found.count = dispatch_file.COUNT.check(found.count + count, "件数の合計")
        found.full_clean(validate_constraints=False, validate_unique=False)
        found.save()
        access.audit_write(
            user,
            AuditAction.CREATE if before == 0 else AuditAction.UPDATE,
            found,
            changes={"count": [before, found.count]},
        )
    return found


def dispatch_delete(*, user: Any, dispatch_id: int, prefecture: Prefecture | None = None) -> None:
    """Delete one record; scoped by the user's prefecture (and by ``prefecture`` when given)."""
    if user is not None:
        access.require(user, Cap.PREFECTURE_EDIT)
        qs = access.visible(user, Cap.PREFECTURE_EDIT, Dispatch.objects.all())
    else:
        qs = Dispatch.objects.all()
    if prefecture is not None:
        qs = qs.filter(prefecture=prefecture)
    with transaction.atomic():
        found = qs.select_for_update().filter(pk=dispatch_id).first()
        if found is None:
            raise DispatchNotFound(f"派遣の記録 {dispatch_id} はありません")
        access.audit_write(
            user,
            AuditAction.DELETE,
            found,
            changes={
                "day": found.day.isoformat(),
                "sender": found.sender,
                "work": found.work,
                "profession": found.profession,
                "count": found.count,
            },
        )
        found.delete()


def demo_log(
    prefecture: Prefecture, municipalities: Sequence[Municipality], seed: int = 2017
) -> int:
    """Write the guide's 平成29年度 log for ``municipalities`` (the demo): one record per
    dispatch-day, adding up exactly to the guide's 熊本県 table. Returns the records made.

    Deterministic from the seed; replaces the prefecture's FY2017 records, so it can run
    twice."""
    by_code = {m.code: m for m in municipalities}
    rows = dispatch_summary.demo_rows(sorted(by_code), seed)
    year = dispatch_summary.GUIDE_YEAR
    with transaction.atomic():
        Dispatch.objects.filter(
            prefecture=prefecture, day__gte=dt.date(year, 4, 1), day__lte=dt.date(year + 1, 3, 31)
        ).delete()
        made = Dispatch.objects.bulk_create(
            [
                Dispatch(
                    prefecture=prefecture,
                    municipality=by_code[r.municipality],
                    day=r.day,
                    sender=r.sender,
                    work=r.work,
                    profession=r.profession,
                    count=r.count,
                    source="demo",
                )
                for r in rows
            ],
            batch_size=1000,
        )
    return len(made)
