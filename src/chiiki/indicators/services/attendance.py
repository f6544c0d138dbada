"""Attendance sheets of gathering places into the records (``chiiki indicators attendance
import`` and the participation page): the service.

:mod:`chiiki.indicators.attendance_sheet` checks the file; :func:`attendance_import` reads
what the file names (places, residents, the days already stored) in a few batched queries,
then writes every row in one transaction. All or nothing, and the same file twice changes
nothing: a named attendance is kept once per place, person and day; a headcount once per
place and day (a later file with another count for that day corrects it).

A person named at a place where they have no registration yet is registered there from
their first day in the file; an existing registration is never changed by an import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from chiiki.accounts import access, audit
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction
from chiiki.areas.models import Municipality
from chiiki.core.tabular import Table
from chiiki.core.text import fold, fold_joined
from chiiki.imports.runners import cell
from chiiki.indicators import attendance_sheet as sheet_rules
from chiiki.indicators.models import Attendance, AttendanceCount, PlaceRegistration
from chiiki.people.models import Person
from chiiki.resources.models import Service

KAYOI = "kayoi"
_BATCH = 2000
REFUSED = "通いの場の出席簿を取り込む権限がありません"


@dataclass
class AttendanceImportResult:
    """What an import did. ``created``, ``updated`` and ``unchanged`` count the file's rows;
    ``errors`` are the file's faults (nothing was stored when there are)."""

    municipality: str
    name: str
    layout: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    registrations_created: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count

    def as_json(self) -> dict[str, Any]:
        return {
            "municipality": self.municipality,
            "layout": self.layout,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "registrations_created": self.registrations_created,
            "errors": self.errors,
        }

    def message(self) -> str:
        what = sheet_rules.LAYOUT_LABELS.get(self.layout, "")
        text = (
            f"{self.name}（{self.municipality}）: 通いの場の出席簿（{what}）{self.rows:,}行を"
            f"読み込みました（追加 {self.created:,}、更新 {self.updated:,}、"
            f"変更なし {self.unchanged:,}"
        )
        if self.registrations_created:
            text += f"、参加者の登録 {self.registrations_created:,}"
        return text + "）"


def kayoi_places(municipality: Municipality) -> Iterable[Service]:
    """The municipality's gathering places: directory services of the category kayoi."""
    return Service.objects.filter(
        municipality=municipality, category_codes__contains=f"|{KAYOI}|"
    ).order_by("name", "id")


def _chunks(values: Sequence[Any], size: int = _BATCH) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _resident(p: Person) -> sheet_rules.Resident:
    return sheet_rules.Resident(
        id=p.pk,
        name=fold_joined(p.family_name, p.given_name),
        kana=fold_joined(p.family_kana, p.given_kana),
        birth_date=p.birth_date,
        moved_out_on=p.moved_out_on,
    )


_PERSON_FIELDS = ("id", "family_name", "given_name", "family_kana", "given_kana")


def vocabulary(
    municipality: Municipality, sheet: sheet_rules.Sheet, today: dt.date
) -> sheet_rules.Vocabulary:
    """What the file's cells may name, read for its values only."""
    places: dict[str, list[int]] = {}
    place_ids: dict[str, int] = {}
    not_places: dict[str, str] = {}
    for pk, uid, name, folded, codes in Service.objects.filter(
        municipality=municipality
    ).values_list("pk", "uuid", "name", "name_folded", "category_codes"):
        if f"|{KAYOI}|" in codes:
            places.setdefault(folded or fold(name), []).append(pk)
            place_ids[str(uid)] = pk
        else:
            not_places[str(uid)] = name
            not_places.setdefault(folded or fold(name), name)
    numbers = sheet.numbers()
    by_number: dict[str, sheet_rules.Resident] = {}
    # Only this municipality's register is read: another municipality's resident is an
    # unknown person here, so that a sheet cannot probe who lives elsewhere.
    people = Person.objects.filter(municipality=municipality).only(
        *_PERSON_FIELDS, "register_number", "birth_date", "moved_out_on"
    )
    for chunk in _chunks(numbers):
        for p in people.filter(register_number__in=chunk):
            by_number[p.register_number or ""] = _resident(p)
    wanted = {(ln.name, ln.birth) for ln in sheet.lines if ln.birth and not ln.number}
    by_name_birth: dict[tuple[str, dt.date], list[sheet_rules.Resident]] = {}
    for chunk in _chunks(sheet.births(), 500):
        for p in people.filter(birth_date__in=chunk):
            r = _resident(p)
            for key in {(r.name, r.birth_date), (r.kana, r.birth_date)} & wanted:
                by_name_birth.setdefault(key, []).append(r)
    named_days, counted_days = _stored_days(municipality, sheet)
    return sheet_rules.Vocabulary(
        today=today,
        places={k: tuple(v) for k, v in places.items()},
        place_ids=place_ids,
        not_places=not_places,
        by_number=by_number,
        by_name_birth={k: tuple(v) for k, v in by_name_birth.items()},
        named_days=named_days,
        counted_days=counted_days,
    )


def _stored_days(
    municipality: Municipality, sheet: sheet_rules.Sheet
) -> tuple[frozenset[tuple[int, dt.date]], frozenset[tuple[int, dt.date]]]:
    """The (place, day) already stored with names, and with a headcount, in the file's span."""
    span = sheet.days()
    if span is None:
        return frozenset(), frozenset()
    named = Attendance.objects.filter(municipality=municipality, day__range=span)
    counted = AttendanceCount.objects.filter(municipality=municipality, day__range=span)
    return (
        frozenset(named.order_by().values_list("place_id", "day").distinct()),
        frozenset(counted.order_by().values_list("place_id", "day")),
    )


def _refuse_unless_allowed(user: Any, municipality: Municipality) -> None:
    """A user imports into their own municipality with the capability; the system (the
    command run on the server, ``user`` None) into the one it names."""
    if user is None:
        return
    access.require(user, Cap.INDICATORS_EDIT, REFUSED)
    if access.who(user).municipality_id != municipality.pk:
        raise access.PermissionDenied(REFUSED)


def attendance_import(
    *,
    user: Any,
    municipality: Municipality,
    table: Table,
    source: str = "",
    today: dt.date | None = None,
) -> AttendanceImportResult:
    """Import an attendance sheet: every fault reported (row, column, value, what was
    expected), nothing written unless every row is good; one audit event naming the
    residents whose attendance it stored."""
    _refuse_unless_allowed(user, municipality)
    result = AttendanceImportResult(municipality=municipality.code, name=str(municipality))
    today = today or timezone.localdate()
    sheet = sheet_rules.read(table, today)
    result.layout = sheet.layout
    with transaction.atomic():  # what is stored is read, checked against and written at once
        try:
            vocab = vocabulary(municipality, sheet, today)
            rows = sheet_rules.resolve(sheet, vocab)
        except sheet_rules.AttendanceFileError as exc:
            result.errors = [cell(f) for f in exc.errors]
            result.error_count = exc.count
            return result
        result.rows = len(rows)
        writer = _Writer(municipality, result, source[:255])
        if sheet.layout == sheet_rules.COUNTS:
            writer.counts([r for r in rows if isinstance(r, sheet_rules.DayCount)])
        else:
            writer.persons([r for r in rows if isinstance(r, sheet_rules.PersonDay)])
        writer.audit(user)
    return result


class _Writer:
    def __init__(self, m: Municipality, result: AttendanceImportResult, source: str) -> None:
        self.m, self.result, self.source = m, result, source
        self.now = timezone.now()
        self.people: list[int] = []

    def persons(self, rows: list[sheet_rules.PersonDay]) -> None:
        if not rows:
            return
        days = (min(r.day for r in rows), max(r.day for r in rows))
        place_ids = sorted({r.place_id for r in rows})
        stored = set(
            Attendance.objects.filter(
                municipality=self.m, day__range=days, place_id__in=place_ids
            ).values_list("place_id", "person_id", "day")
        )
        new = [r for r in rows if (r.place_id, r.person_id, r.day) not in stored]
        Attendance.objects.bulk_create(
            [
                Attendance(
                    municipality=self.m,
                    place_id=r.place_id,
                    person_id=r.person_id,
                    day=r.day,
                    source=self.source,
                    imported_at=self.now,
                )
                for r in new
            ],
            batch_size=_BATCH,
        )
        self.result.created, self.result.unchanged = len(new), len(rows) - len(new)
        self.people = sorted({r.person_id for r in new})
        self._register(rows)

    def _register(self, rows: list[sheet_rules.PersonDay]) -> None:
        first: dict[tuple[int, int], dt.date] = {}
        for r in rows:
            key = (r.place_id, r.person_id)
            first[key] = min(first.get(key, r.day), r.day)
        registered: set[tuple[int, int]] = set()
        people = sorted({p for _, p in first})
        for chunk in _chunks(people):
            registered.update(
                PlaceRegistration.objects.filter(
                    place_id__in=sorted({pl for pl, _ in first}), person_id__in=chunk
                ).values_list("place_id", "person_id")
            )
        new = [
            PlaceRegistration(
                municipality=self.m,
                place_id=place,
                person_id=person,
                registered_from=day,
                created_at=self.now,
            )
            for (place, person), day in sorted(first.items())
            if (place, person) not in registered
        ]
        PlaceRegistration.objects.bulk_create(new, batch_size=_BATCH)
        self.result.registrations_created = len(new)
        self.people = sorted({*self.people, *(r.person_id for r in new)})

    def counts(self, rows: list[sheet_rules.DayCount]) -> None:
        if not rows:
            return
        days = (min(r.day for r in rows), max(r.day for r in rows))
        stored = {
            (c.place_id, c.day): c
            for c in AttendanceCount.objects.filter(
                municipality=self.m,
                day__range=days,
                place_id__in=sorted({r.place_id for r in rows}),
            )
        }
        new, changed = [], []
        for r in rows:
            found = stored.get((r.place_id, r.day))
            if found is None:
                new.append(
                    AttendanceCount(
                        municipality=self.m,
                        place_id=r.place_id,
                        day=r.day,
                        participants=r.participants,
                        participants_65=r.participants_65,
                        source=self.source,
                        imported_at=self.now,
                    )
                )
            elif (found.participants, found.participants_65) != (
                r.participants,
                r.participants_65,
            ):
                found.participants, found.participants_65 = r.participants, r.participants_65
                found.source, found.imported_at = self.source, self.now
                changed.append(found)
        AttendanceCount.objects.bulk_create(new, batch_size=_BATCH)
        AttendanceCount.objects.bulk_update(
            changed, ["participants", "participants_65", "source", "imported_at"], batch_size=500
        )
        done = self.result
        done.created, done.updated = len(new), len(changed)
        done.unchanged = len(rows) - done.created - done.updated

    def audit(self, user: Any) -> None:
        r = self.result
        if not (r.created or r.updated or r.registrations_created):
            return
        audit.record(
            user=user,
            model=Municipality._meta.label_lower,
            entry=audit.Entry(
                action=AuditAction.CREATE if r.created else AuditAction.UPDATE,
                object_id=self.m.pk,
                object_repr=str(self.m),
                municipality_id=self.m.pk,
                changes={
                    "attendance_import": {
                        "source": self.source,
                        **{k: v for k, v in r.as_json().items() if isinstance(v, int | str)},
                    }
                },
                person_ids=tuple(self.people),
            ),
        )
