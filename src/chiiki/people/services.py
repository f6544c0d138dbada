"""Writes for people. Every change is in the audit trail with what changed."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from chiiki.accounts import access, audit
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction, User
from chiiki.areas.models import AddressArea, District, Municipality
from chiiki.areas.population import CellError
from chiiki.core.tabular import Progress, Table
from chiiki.core.text import fold, fold_joined, normalize_display, to_katakana
from chiiki.people import register, search_index
from chiiki.people.models import (
    INSURED_NUMBER_REFUSED,
    KEY_LENGTH,
    Person,
    RegisterColumnMapping,
    Volunteer,
)

SAVING = "保存中"

# The fields staff may change, in the order the person form shows them.
EDITABLE_FIELDS = (
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "sex",
    "birth_date",
    "district",
    "address",
    "phone",
    "lives_alone",
    "care_level",
    "insured_number",
)


SEARCH_COLUMNS = (
    "search_text",
    "name_key",
    "given_key",
    "kana_key",
    "given_kana_key",
    "inner_text",
)


def search_columns(
    family_name: str,
    given_name: str,
    family_kana: str,
    given_kana: str,
    folding: Callable[[str], str] = fold,
) -> dict[str, str]:
    """The search columns of a person's names (width, kana and case folded): the folded
    text, the four keys the database's NamePrefix rows are made of (each cut to the
    column's length), and the inner text (each name without its first character, for
    terms of three characters or more inside a name)."""
    family, given, fk, gk = (folding(v) for v in (family_name, given_name, family_kana, given_kana))
    full = fold_joined(family_name, given_name, folding)
    full_kana = fold_joined(family_kana, given_kana, folding)
    return {
        "search_text": " ".join((full, full_kana, family, given, fk, gk)),
        "name_key": full[:KEY_LENGTH],
        "given_key": given[:KEY_LENGTH],
        "kana_key": full_kana[:KEY_LENGTH],
        "given_kana_key": gk[:KEY_LENGTH],
        # Only a rest of three characters or more can hold a term the trigrams find.
        "inner_text": " ".join(t[1:] for t in (family, given, fk, gk) if len(t) > 3),
    }


def _set_search(person: Person, folding: Callable[[str], str] = fold) -> None:
    """Set every search column from the names; every writer of names calls this (the
    database keeps the indexes and the NamePrefix rows from these columns)."""
    columns = search_columns(
        person.family_name, person.given_name, person.family_kana, person.given_kana, folding
    )
    for name, value in columns.items():
        setattr(person, name, value)


def _normalise(person: Person) -> None:
    for name in ("family_name", "given_name", "address"):
        setattr(person, name, normalize_display(getattr(person, name)))
    person.family_kana = to_katakana(person.family_kana)
    person.given_kana = to_katakana(person.given_kana)
    person.phone = normalize_display(person.phone)
    if person.insured_number is not None:
        person.insured_number = normalize_display(person.insured_number) or None
    _set_search(person)


def _validate(person: Person) -> None:
    """``full_clean``, with a clash of insured numbers put on its field as the one refusal.

    The uniqueness check spans the municipality (the number is unique there), but its answer
    is the same wherever the other record is and names no one: a support-center nurse must
    not learn that a number exists outside her areas.
    """
    try:
        person.full_clean()
    except ValidationError as exc:
        errors = exc.message_dict
    else:
        return
    general = errors.pop(NON_FIELD_ERRORS, [])
    if INSURED_NUMBER_REFUSED in general:
        general.remove(INSURED_NUMBER_REFUSED)
        errors.setdefault("insured_number", []).append(INSURED_NUMBER_REFUSED)
    if general:
        errors[NON_FIELD_ERRORS] = general
    raise ValidationError(errors)


def _save(person: Person) -> None:
    """Save; a clash that slipped in after validation (two counters at once) gets the same
    answer as one found before."""
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        if "insured_number" not in str(exc):
            raise
        raise ValidationError({"insured_number": INSURED_NUMBER_REFUSED}) from exc


def _value(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, District):
        return v.name
    return v


@transaction.atomic
def person_create(*, user: User | None, district: District, **fields: Any) -> Person:
    """Register a person in one of the user's districts (``user`` None: the system, for
    imports and the demo); the creation is audited with every field's value."""
    if user is not None:
        access.require_reach(user, Cap.PEOPLE_EDIT, district, "担当外の地区には登録できません")
    person = Person(district=district, municipality_id=district.municipality_id, **fields)
    _normalise(person)
    _validate(person)
    _save(person)
    access.audit_write(
        user,
        AuditAction.CREATE,
        person,
        changes={f: [None, _value(getattr(person, f))] for f in EDITABLE_FIELDS},
    )
    return person


@transaction.atomic
def person_update(*, user: User, person: Person, **fields: Any) -> Person:
    """Change a person's record; the audit trail keeps each field's old and new value."""
    access.require_reach(user, Cap.PEOPLE_EDIT, person, "この人の記録を変更する権限がありません")
    if "district" in fields:
        access.require_reach(
            user, Cap.PEOPLE_EDIT, fields["district"], "担当外の地区には移せません"
        )
    before = {f: _value(getattr(person, f)) for f in EDITABLE_FIELDS}
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name} は変更できない項目です")
        setattr(person, name, value)
    if "district" in fields:
        person.municipality_id = person.district.municipality_id
    _normalise(person)
    _validate(person)
    after = {f: _value(getattr(person, f)) for f in EDITABLE_FIELDS}
    changes = {f: [before[f], after[f]] for f in EDITABLE_FIELDS if before[f] != after[f]}
    if changes:
        _save(person)
        access.audit_write(user, AuditAction.UPDATE, person, changes=changes)
    return person


def volunteer_register(*, person: Person, registered_on: dt.date, notes: str = "") -> Volunteer:
    volunteer = Volunteer.objects.filter(person=person).first() or Volunteer(person=person)
    volunteer.registered_on, volunteer.notes, volunteer.active = registered_on, notes, True
    volunteer.full_clean(exclude=["person"], validate_unique=False)
    volunteer.save()
    return volunteer


def person_search_text_rebuild() -> int:
    """Recompute the folded search columns (after a change to the folding rules); on SQLite
    the triggers keep the trigram index in step."""
    done, last = 0, 0
    folded = lru_cache(maxsize=65536)(fold)
    with transaction.atomic():
        while people := list(Person.objects.filter(pk__gt=last).order_by("pk")[:_BATCH]):
            for p in people:
                _set_search(p, folded)
            Person.objects.bulk_update(people, SEARCH_COLUMNS, batch_size=_BATCH)
            done, last = done + len(people), people[-1].pk
    return done


@transaction.atomic
def person_bulk_create(
    *, people: list[Person], user: User | None = None, channel: str = audit.Channel.IMPORT
) -> list[Person]:
    """Create many people at once (an import, the demo): validated, normalised and audited.

    Field validation runs per record; uniqueness is left to the database constraint, which
    rolls the whole batch back on a clash.
    """
    for person in people:
        _normalise(person)
        person.full_clean(
            exclude=["municipality", "district"], validate_unique=False, validate_constraints=False
        )
    created = Person.objects.bulk_create(people, batch_size=2000)
    audit.record_many(
        user=user,
        model="people.person",
        channel=channel,
        entries=(
            audit.Entry(AuditAction.CREATE, p.pk, str(p), p.municipality_id, person_ids=(p.pk,))
            for p in created
        ),
    )
    return created


# --- residents from the register extract (住民記録) ---------------------------------------


@dataclass(frozen=True)
class RegisterImportResult:
    """What a register import did. ``created``, ``updated`` and ``unchanged`` count the
    file's rows; ``moved_out`` the people of the municipality it newly left out."""

    municipality: str
    name: str
    rows: int
    created: int
    updated: int
    unchanged: int
    moved_out: int
    preview: bool = False

    def as_json(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "moved_out": self.moved_out,
        }

    def message(self) -> str:
        if self.preview:
            return (
                f"{self.name}（{self.municipality}）: 住民記録 {self.rows}行を確かめました。"
                f"取り込むと 追加 {self.created}人、更新 {self.updated}人、変更なし "
                f"{self.unchanged}人、転出等 {self.moved_out}人 になります（まだ保存していません）"
            )
        return (
            f"{self.name}（{self.municipality}）: 住民記録 {self.rows}行を読み込みました"
            f"（追加 {self.created}、更新 {self.updated}、変更なし {self.unchanged}、"
            f"転出等 {self.moved_out}）"
        )


# The fields a register extract sets; phone and lives_alone only when the file gives them.
_REGISTER_FIELDS = (
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "sex",
    "birth_date",
    "address",
    "district_id",
)
_BATCH = 2000


def register_mapping_for(*, municipality: Municipality) -> dict[str, str]:
    """The municipality's own headers for the register's columns (our key -> header)."""
    found = RegisterColumnMapping.objects.filter(municipality=municipality).first()
    return dict(found.mapping) if found else {}


def _register_mapping_save(municipality: Municipality, mapping: dict[str, str]) -> None:
    """Remember the headers a successful import used that are not the documented ones."""
    own = {
        k: header
        for k, header in mapping.items()
        if register.key(header) != register.key(register.LABELS[k])
    }
    merged = {**register_mapping_for(municipality=municipality), **own}
    if merged:
        RegisterColumnMapping.objects.update_or_create(
            municipality=municipality, defaults={"mapping": merged}
        )


def register_import(
    *,
    municipality: Municipality,
    table: Table,
    on: dt.date | None = None,
    progress: Progress | None = None,
    user: User | None = None,
    mapping: dict[str, str] | None = None,
    preview: bool = False,
) -> RegisterImportResult:
    """Create or update the municipality's residents from a full register extract.

    All or nothing, and the same file twice changes nothing. A person with a 宛名番号 the
    file does not have is marked moved out on ``on`` (default today), never deleted; a later
    file that has them clears it. People registered by hand (no 宛名番号) are left alone.
    One audit event, on the municipality, with the counts and the people created, changed
    or moved out.

    ``mapping`` (our key -> the file's header) is tried before the municipality's saved
    headers and the aliases, and is remembered when the import succeeds. ``preview``
    checks every row and counts what would change, and writes nothing.
    """
    today = timezone.localdate()
    areas = dict(
        AddressArea.objects.filter(municipality=municipality).values_list("name", "district_id")
    )
    if not areas:
        raise register.RegisterFileError(
            [
                CellError(
                    1,
                    "住所",
                    "",
                    f"{municipality}の町丁目・大字が登録されていません。住所から地区を決めるため、"
                    "先に地区の構成を取り込んでください（chiiki areas import）",
                )
            ]
        )
    matcher = register.AddressMatcher(
        municipality.name, municipality.prefecture.name if municipality.prefecture else "", areas
    )
    saved = {**register_mapping_for(municipality=municipality), **(mapping or {})}
    used = register.map_headers(table.headers, saved)
    residents = register.parse_table(table, matcher, today, progress, saved)
    if progress is not None:
        progress(SAVING, len(residents), len(residents))
    with transaction.atomic():
        result = _register_write(municipality, residents, on or today, user, preview)
        if not preview:
            _register_mapping_save(municipality, used)
    return result


def _register_write(
    m: Municipality,
    residents: list[register.Resident],
    on: dt.date,
    user: User | None,
    preview: bool,
) -> RegisterImportResult:
    existing = {
        p.register_number: p
        for p in Person.objects.filter(municipality=m, register_number__isnull=False)
    }
    now = timezone.now()
    to_create, to_update = _register_changes(m, residents, existing, now)
    moved = [p.pk for p in existing.values() if p.moved_out_on is None]
    counts: dict[str, Any] = {
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": len(residents) - len(to_create) - len(to_update),
        "moved_out": len(moved),
    }
    if preview:
        return RegisterImportResult(
            municipality=m.code, name=str(m), rows=len(residents), preview=True, **counts
        )

    # The engine has checked every value against the fields' limits (lengths, the phone's
    # characters, the birth date's range), so the models' validators are not run again row
    # by row (they would take a third of the time); the database's constraints remain.
    with search_index.bulk_insert(connection, m.pk):
        created = _insert_people(m, to_create, now)
    Person.objects.bulk_update(
        to_update,
        [
            *(f.removesuffix("_id") for f in _REGISTER_FIELDS),
            "phone",
            "lives_alone",
            "moved_out_on",
            *SEARCH_COLUMNS,
            "updated_at",
        ],
        batch_size=_BATCH,
    )
    for start in range(0, len(moved), _BATCH):
        Person.objects.filter(pk__in=moved[start : start + _BATCH]).update(
            moved_out_on=on, updated_at=now
        )
    if to_create or to_update or moved:
        audit.record(
            user=user,
            model=Municipality._meta.label_lower,
            entry=audit.Entry(
                action=AuditAction.CREATE if to_create else AuditAction.UPDATE,
                object_id=m.pk,
                object_repr=str(m),
                municipality_id=m.pk,
                changes={"register_import": {"rows": len(residents), **counts}},
                person_ids=(*created, *(p.pk for p in to_update), *moved),
            ),
        )
    return RegisterImportResult(municipality=m.code, name=str(m), rows=len(residents), **counts)


def _register_changes(
    m: Municipality,
    residents: list[register.Resident],
    existing: dict[str | None, Person],
    now: dt.datetime,
) -> tuple[list[dict[str, Any]], list[Person]]:
    """The new people (as plain rows of their fields' values) and the changed people to
    update; ``existing`` keeps the people the file does not have (to be marked moved out).
    A town's 116,000 new people as model instances took three seconds to make."""
    folded = lru_cache(maxsize=65536)(fold)  # a register repeats its names many times over
    to_create: list[dict[str, Any]] = []
    to_update: list[Person] = []
    for r in residents:
        values: dict[str, Any] = {f: getattr(r, f) for f in _REGISTER_FIELDS}
        person = existing.pop(r.register_number, None)
        if person is None:
            values |= {
                "municipality_id": m.pk,
                "register_number": r.register_number,
                "phone": r.phone or "",
                "lives_alone": bool(r.lives_alone),
            }
            values |= search_columns(
                r.family_name, r.given_name, r.family_kana, r.given_kana, folded
            )
            to_create.append(values)
            continue
        if r.phone is not None:
            values["phone"] = r.phone
        if r.lives_alone is not None:
            values["lives_alone"] = r.lives_alone
        values["moved_out_on"] = None
        if all(getattr(person, f) == v for f, v in values.items()):
            continue
        for f, v in values.items():
            setattr(person, f, v)
        person.updated_at = now
        _set_search(person, folded)
        to_update.append(person)
    return to_create, to_update


def _insert_people(m: Municipality, rows: list[dict[str, Any]], now: dt.datetime) -> list[int]:
    """INSERT the new people (their fields' values by attname) in batches of plain rows,
    and answer their ids in the same order.

    ``bulk_create`` prepares every value through its field one by one, which took most of
    a large import's time; the values here are already checked and of plain types, so
    only the dates need the database's own form (once per distinct date).
    """
    if not rows:
        return []
    fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    dated = {f.attname: f for f in fields if isinstance(f, models.DateField)}  # datetimes too
    # The values a new row takes unless given, in the database's form.
    stamps = {"created_at": now, "updated_at": now}
    defaults: dict[str, Any] = {}
    for f in fields:
        value = stamps[f.attname] if f.attname in stamps else f.get_default()
        defaults[f.attname] = f.get_db_prep_save(value, connection) if f.attname in dated else value
    values_of = operator.itemgetter(*(f.attname for f in fields))
    prepared: dict[tuple[str, Any], Any] = {}  # a register repeats its dates many times over
    given = [n for n in dated if n in rows[0]]  # every row has the same fields

    def row(values: dict[str, Any]) -> tuple[Any, ...]:
        for name in given:  # in place: the rows are spent here
            value = values[name]
            if (name, value) not in prepared:
                prepared[name, value] = dated[name].get_db_prep_save(value, connection)
            values[name] = prepared[name, value]
        return cast("tuple[Any, ...]", values_of(defaults | values))

    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(Person._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _BATCH):
            cursor.executemany(sql, [row(v) for v in rows[start : start + _BATCH]])
    ids = dict(
        Person.objects.filter(municipality=m, register_number__isnull=False).values_list(
            "register_number", "pk"
        )
    )
    return [ids[v["register_number"]] for v in rows]
