"""Writes for people. Every change is in the audit trail with what changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from chiiki.accounts import access, audit
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction, User
from chiiki.areas.models import District
from chiiki.core.text import fold, normalize_display, to_katakana
from chiiki.people.models import INSURED_NUMBER_REFUSED, Person, Volunteer

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


def _search_text(person: Person) -> str:
    return " ".join(
        fold(v)
        for v in (
            person.family_name + person.given_name,
            person.family_kana + person.given_kana,
            person.family_name,
            person.given_name,
            person.family_kana,
            person.given_kana,
        )
    )


def _normalise(person: Person) -> None:
    for name in ("family_name", "given_name", "address"):
        setattr(person, name, normalize_display(getattr(person, name)))
    person.family_kana = to_katakana(person.family_kana)
    person.given_kana = to_katakana(person.given_kana)
    person.phone = normalize_display(person.phone)
    if person.insured_number is not None:
        person.insured_number = normalize_display(person.insured_number) or None
    person.search_text = _search_text(person)


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
    """Recompute the folded search column (after a change to the folding rules)."""
    people = list(Person.objects.all())
    for p in people:
        p.search_text = _search_text(p)
    Person.objects.bulk_update(people, ["search_text"], batch_size=2000)
    return len(people)


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
