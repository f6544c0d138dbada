"""Writes for care certifications (要介護認定): the insurer's file into each person's history."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from chiiki.accounts import access, audit
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction
from chiiki.areas.models import Municipality
from chiiki.areas.population import CellError
from chiiki.core.tabular import Progress, Table
from chiiki.people import care_file
from chiiki.people.care_file import CareFileError, Certification
from chiiki.people.models import CareCertification, Person

SAVING = "保存中"
_BATCH = 2000
NOT_IN_REGISTER = (
    "この宛名番号の人はこの市町村の住民記録にいません（先に住民記録を取り込んでください。"
    "chiiki people import）"
)
# The importer works for the whole municipality: the answer may say that the number is taken,
# never by whom.
NUMBER_TAKEN = (
    "この被保険者番号は市町村内の別の人に登録されています（宛名番号と被保険者番号の組を"
    "確かめてください）"
)


@dataclass(frozen=True)
class CareImportResult:
    """What a certification import did. ``periods_added``, ``periods_updated`` and
    ``unchanged`` count the file's rows; ``people_updated`` the people whose current level or
    insured number changed."""

    municipality: str
    name: str
    rows: int
    periods_added: int
    periods_updated: int
    unchanged: int
    people_updated: int

    def as_json(self) -> dict[str, int]:
        return {
            "periods_added": self.periods_added,
            "periods_updated": self.periods_updated,
            "unchanged": self.unchanged,
            "people_updated": self.people_updated,
        }

    def message(self) -> str:
        return (
            f"{self.name}（{self.municipality}）: 要介護認定 {self.rows}行を読み込みました"
            f"（認定期間の追加 {self.periods_added}、訂正 {self.periods_updated}、"
            f"変更なし {self.unchanged}。要介護度・被保険者番号が変わった人 {self.people_updated}）"
        )


def care_import(
    *,
    municipality: Municipality,
    table: Table,
    user: Any = None,
    progress: Progress | None = None,
    source: str = "",
    today: dt.date | None = None,
) -> CareImportResult:
    """Add the file's certification periods to the histories of the municipality's people.

    ``user`` None is the system (the command run on the server); a user needs
    ``CARE_IMPORT`` in this municipality. Each row's person is found by 宛名番号 in the
    municipality (people marked moved out too). All or nothing, and the same file twice
    changes nothing. A period is new (a row appended to the history) or, with a start already
    stored, a correction. Each person's ``care_level`` becomes the level of the period that
    covers ``today`` (default today), else of the latest, and ``insured_number`` the file's.
    One audit event, on the municipality, with the counts and the people it changed.
    """
    if user is not None:
        access.require_reach(
            user, Cap.CARE_IMPORT, municipality, "この市町村の要介護認定を取り込む権限がありません"
        )
    parsed = care_file.parse_table(table, progress)
    people = {
        str(p.register_number): p  # never None here: filtered
        for p in Person.objects.filter(
            municipality=municipality, register_number__isnull=False
        ).only("id", "register_number", "care_level", "insured_number", "updated_at")
    }
    _check_people(municipality, parsed, people)
    if progress is not None:
        progress(SAVING, len(parsed.certifications), len(parsed.certifications))
    with transaction.atomic():
        return _care_write(
            municipality, parsed.certifications, people, source, today or timezone.localdate()
        )


def _check_people(m: Municipality, parsed: care_file.CareFile, people: dict[str, Person]) -> None:
    """Refuse a 宛名番号 the municipality does not have, and an insured number that another
    person would still hold after the import (a swap of two people's numbers is allowed)."""
    faults: list[CellError] = []
    final = {
        pk: str(number)
        for pk, number in Person.objects.filter(
            municipality=m, insured_number__isnull=False
        ).values_list("pk", "insured_number")
    }
    for c in parsed.certifications:
        person = people.get(c.register_number)
        if person is not None:
            final[person.pk] = c.insured_number
    holders: defaultdict[str, int] = defaultdict(int)
    for number in final.values():
        holders[number] += 1
    for c in parsed.certifications:
        if c.register_number not in people:
            faults.append(
                CellError(
                    c.row, parsed.columns["register_number"], c.register_number, NOT_IN_REGISTER
                )
            )
        elif holders[c.insured_number] > 1:
            faults.append(
                CellError(
                    c.row,
                    parsed.columns["insured_number"],
                    c.insured_number,
                    NUMBER_TAKEN,
                )
            )
    if faults:
        raise CareFileError(faults)


def _care_write(
    m: Municipality,
    rows: list[Certification],
    people: dict[str, Person],
    source: str,
    today: dt.date,
) -> CareImportResult:
    now = timezone.now()
    history: defaultdict[int, dict[dt.date, CareCertification]] = defaultdict(dict)
    for stored in CareCertification.objects.filter(person__municipality=m):
        history[stored.person_id][stored.valid_from] = stored
    to_create: list[CareCertification] = []
    to_update: list[CareCertification] = []
    for c in rows:
        pk = people[c.register_number].pk
        values = {
            "care_level": c.care_level,
            "valid_to": c.valid_to,
            "insured_number": c.insured_number,
        }
        period = history[pk].get(c.valid_from)
        if period is None:
            period = CareCertification(
                person_id=pk, valid_from=c.valid_from, source=source, imported_at=now, **values
            )
            history[pk][c.valid_from] = period
            to_create.append(period)
        elif any(getattr(period, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(period, f, v)
            period.source, period.imported_at = source, now
            to_update.append(period)
    changed = _people_changes(rows, people, history, today, now)

    # The engine has checked every value (levels, numbers, the periods' ranges and order), so
    # the models' validators are not run again row by row; the database's constraints remain.
    CareCertification.objects.bulk_create(to_create, batch_size=_BATCH)
    CareCertification.objects.bulk_update(
        to_update,
        ["care_level", "valid_to", "insured_number", "source", "imported_at"],
        batch_size=_BATCH,
    )
    _save_people(changed)
    counts = {
        "periods_added": len(to_create),
        "periods_updated": len(to_update),
        "unchanged": len(rows) - len(to_create) - len(to_update),
        "people_updated": len(changed),
    }
    touched = dict.fromkeys(
        [*(p.person_id for p in to_create), *(p.person_id for p in to_update), *changed]
    )
    if touched:
        audit.record(
            user=None,
            model=Municipality._meta.label_lower,
            entry=audit.Entry(
                action=AuditAction.CREATE if to_create else AuditAction.UPDATE,
                object_id=m.pk,
                object_repr=str(m),
                municipality_id=m.pk,
                changes={"care_import": {"rows": len(rows), **counts, "file": source}},
                person_ids=tuple(touched),
            ),
        )
    return CareImportResult(municipality=m.code, name=str(m), rows=len(rows), **counts)


def _people_changes(
    rows: list[Certification],
    people: dict[str, Person],
    history: dict[int, dict[dt.date, CareCertification]],
    today: dt.date,
    now: dt.datetime,
) -> dict[int, tuple[Person, str | None]]:
    """The people of the file whose current level or insured number changes, each with the
    insured number they had (to clear it first, see :func:`_save_people`)."""
    changed: dict[int, tuple[Person, str | None]] = {}
    for c in rows:
        person = people[c.register_number]
        periods = history[person.pk].values()
        level = care_file.current_level(
            ((p.valid_from, p.valid_to, p.care_level) for p in periods), today
        )
        assert level is not None  # the person has at least this row's period
        if (person.care_level, person.insured_number) == (level, c.insured_number):
            continue
        changed[person.pk] = (person, person.insured_number)
        person.care_level, person.insured_number, person.updated_at = level, c.insured_number, now
    return changed


def _save_people(changed: dict[int, tuple[Person, str | None]]) -> None:
    """Store the new levels and numbers. Numbers that change are cleared first, so that two
    people who swap numbers never clash with the unique constraint halfway."""
    moving = [pk for pk, (p, old) in changed.items() if old is not None and old != p.insured_number]
    for start in range(0, len(moving), _BATCH):
        Person.objects.filter(pk__in=moving[start : start + _BATCH]).update(insured_number=None)
    Person.objects.bulk_update(
        [p for p, _ in changed.values()],
        ["care_level", "insured_number", "updated_at"],
        batch_size=_BATCH,
    )


def care_levels_refresh(*, municipality: Municipality, today: dt.date) -> dict[str, int]:
    """Set each certified person's current level from their periods as of ``today``: a
    period that has begun or ended since the last import changes the level the lists and
    the survey targets use. One audit event naming the people changed; run daily."""
    periods: dict[int, list[tuple[dt.date, dt.date, str]]] = defaultdict(list)
    for person_id, start, end, level in CareCertification.objects.filter(
        person__municipality=municipality
    ).values_list("person_id", "valid_from", "valid_to", "care_level"):
        periods[person_id].append((start, end, level))
    changed: list[Person] = []
    now = timezone.now()
    with transaction.atomic():
        people = Person.objects.filter(pk__in=list(periods)).only("id", "care_level")
        for person in people.select_for_update():
            current = care_file.current_level(periods[person.pk], today)
            if current is not None and current != person.care_level:
                person.care_level, person.updated_at = current, now
                changed.append(person)
        Person.objects.bulk_update(changed, ["care_level", "updated_at"], batch_size=2000)
        if changed:
            audit.record(
                user=None,
                model=Municipality._meta.label_lower,
                entry=audit.Entry(
                    action=AuditAction.UPDATE,
                    object_id=municipality.pk,
                    object_repr=str(municipality),
                    municipality_id=municipality.pk,
                    changes={
                        "care_levels_refresh": {"on": today.isoformat(), "people": len(changed)}
                    },
                    person_ids=tuple(p.pk for p in changed),
                ),
            )
    return {"people": len(periods), "changed": len(changed)}
