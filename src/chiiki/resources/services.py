"""Writes to the resource directory: import (HSDS or demo records), search text, sheets,
and the directory by hand (organizations, services, places, schedules), each change audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils.timezone import now as timezone_now

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction
from chiiki.areas.models import District, Municipality
from chiiki.core.text import fold
from chiiki.resources import hsds, selectors, taxonomy
from chiiki.resources.models import (
    Contact,
    CostOption,
    DistrictProfile,
    Location,
    Organization,
    Phone,
    Schedule,
    SearchChars,
    Service,
    ServiceArea,
    ServiceAtLocation,
)


def search_text_of(
    *,
    name: str,
    alternate_name: str,
    description: str,
    organization: str,
    categories: list[str],
    places: list[str],
) -> tuple[str, str]:
    """The folded search column and folded name. Fields are joined by "|" so that a match
    never straddles two of them (fold drops spaces)."""
    cats = taxonomy.categories()
    names = [t.name for c in categories if (t := cats.get(c))]
    parts = [name, alternate_name, description, organization, *names, *places]
    return "|".join(fold(p) for p in parts if p), fold(name)


FIELD_BREAK = "zsepz"  # a token no one-character query can match: fields never run together


def chars_of(text: str) -> str:
    """'体操|さろん' -> '体 操 zsepz さ ろ ん' (one token per character)."""
    return f" {FIELD_BREAK} ".join(" ".join(part) for part in text.split("|") if part)


def service_reindex(*, service: Service) -> None:
    places: list[str] = []
    for at in service.at_locations.select_related("location"):
        places += [at.location.name, at.location.address_1]
    if service.district_id:
        places.append(service.district.name if service.district else "")
    service.search_text, service.name_folded = search_text_of(
        name=service.name,
        alternate_name=service.alternate_name,
        description=service.description,
        organization=service.organization.name,
        categories=service.categories,
        places=places,
    )
    Service.objects.filter(pk=service.pk).update(
        search_text=service.search_text, name_folded=service.name_folded
    )
    SearchChars.objects.update_or_create(
        service=service,
        defaults={
            "name_chars": chars_of(service.name_folded),
            "text_chars": chars_of(service.search_text),
        },
    )


def _own(taken: set[tuple[str, str]], model: Any, value: str, service_id: str) -> str:
    """The row's HSDS id, or, when this service already holds that id (a record may list a
    schedule or phone twice; each of our rows is one row of one service), an id derived
    from both. Only this service's rows count (``taken``: the ids stored for it in this
    import, its older rows having been deleted first): whether another service or another
    municipality uses the id never shows in what is stored."""
    key = (model.__name__, value)
    if key in taken:
        value = hsds.derived_id(model.__name__.lower(), service_id, value)
    taken.add((model.__name__, value))
    return value


_ENTITY = {
    "Organization": "organization.",
    "Schedule": "schedules.",
    "Contact": "contacts.",
    "Phone": "phones.",
    "CostOption": "cost_options.",
    "ServiceArea": "service_areas.",
    "Location": "service_at_locations.location.",
    "ServiceAtLocation": "service_at_locations.",
}


def _saved(
    obj: Any, *, exclude: list[str] | None = None, known: bool = False, own_id: bool = False
) -> Any:
    """Validate with the model's rules (Japanese messages tied to fields) and save.

    ``known``: the object's relations were set from rows of this same transaction, so
    their existence is not asked of the database again (one query per relation per row
    on an import of thousands). ``own_id``: the row's id was given by ``_own``, unique
    within its service by construction, so the constraints on it are not queried either.
    Every other field and constraint is still checked."""
    skip = set(exclude or [])
    relations = {
        f.name
        for f in obj._meta.concrete_fields
        if known and f.is_relation and f.is_cached(obj) and getattr(obj, f.name) is not None
    }
    # Model.full_clean's steps, in its order, the relations aside.
    errors: dict[str, Any] = {}
    try:
        try:
            obj.clean_fields(exclude=skip | relations)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            obj.clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            unasked = {"uuid"} if own_id else set()
            obj.validate_constraints(exclude=skip | unasked | (set(errors) - {NON_FIELD_ERRORS}))
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
    except ValidationError as exc:
        # Name the HSDS field, e.g. "service_areas.name", not only the column.
        prefix = _ENTITY.get(type(obj).__name__, "")
        raise ValidationError({prefix + k: v for k, v in exc.message_dict.items()}) from exc
    obj.save()
    return obj


def _stored(obj: Any) -> Any:
    """An imported row of one service, its id from ``_own`` and its relations rows of the
    same import."""
    return _saved(obj, known=True, own_id=True)


class DirectoryImportError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors[:50]))


@transaction.atomic
def directory_import(*, municipality: Municipality, records: list[hsds.ServiceRecord]) -> int:
    """Store services (and their organizations, places, schedules …) by HSDS id.

    Ids are the municipality's own: a record is looked up by (municipality, id), so an id
    that another municipality also holds is simply this municipality's record, and an
    import never reads or changes another municipality's rows.

    Idempotent: a second import of the same records changes nothing; a record whose id is
    known replaces that service's schedules, contacts, phones, costs and areas. All or
    nothing: any fault rolls the whole import back and is reported with its record.
    """
    districts = {d.code: d for d in District.objects.filter(municipality=municipality)}
    errors: list[str] = []
    for i, r in enumerate(records):
        for code in {r.district_code, *(a.district_code for a in r.areas)} - {""}:
            if code not in districts:
                errors.append(
                    f"{i + 1}件目のサービス「{r.name}」（id {r.uuid}）の service_areas.extent: "
                    f"地区コード「{code}」は{municipality.name}に登録されていません"
                )
    if errors:
        raise DirectoryImportError(errors)
    # A record equal to what is stored is left alone, so that importing the same file twice
    # changes nothing at all (not even last_modified or the rows of its schedules).
    from chiiki.resources.selectors import service_records

    known_ids = list(
        Service.objects.filter(
            municipality=municipality, uuid__in=[r.uuid for r in records]
        ).values_list("pk", flat=True)
    )
    stored = {
        rec.uuid: rec
        for rec in service_records(municipality_ids=[municipality.pk], service_ids=known_ids)
    }
    current = 0
    try:
        for current in range(len(records)):
            if stored.get(records[current].uuid) == records[current]:
                continue
            _import_one(municipality, records[current], districts)
    except ValidationError as exc:
        i, record = current, records[current]
        raise DirectoryImportError(
            [
                f"{i + 1}件目のサービス「{record.name}」（id {record.uuid}）の {f}: {'、'.join(m)}"
                for f, m in exc.message_dict.items()
            ]
        ) from exc
    except IntegrityError as exc:
        record = records[current]
        raise DirectoryImportError(
            [
                f"{current + 1}件目のサービス「{record.name}」（id {record.uuid}）: 保存できません（{exc}）"
            ]
        ) from exc
    return len(records)


_SERVICE_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "status",
    "url",
    "email",
    "sogo_type",
    "capacity",
    "eligibility_description",
    "fees_description",
    "pickup",
    "pickup_note",
    "closed_on_holidays",
    "closed_year_end",
)
_LOCATION_FIELDS = ("name", "description", "address_1", "city", "state_province", "postal_code")


def _import_one(municipality: Municipality, r: hsds.ServiceRecord, districts: dict) -> Service:
    org = _organization_store(municipality, r.organization)
    service = Service.objects.filter(municipality=municipality, uuid=r.uuid).first() or Service(
        uuid=r.uuid, municipality=municipality
    )
    for name in _SERVICE_FIELDS:
        setattr(service, name, getattr(r, name))
    service.organization = org
    service.district = districts.get(r.district_code)
    service.category_codes = "|" + "|".join(r.categories) + "|" if r.categories else ""
    service.free = r.free
    fresh = service.pk is None
    _saved(service, exclude=["search_text", "name_folded"], known=True)
    for related in (
        ()
        if fresh
        else (
            service.schedules,
            service.contacts,
            service.phones,
            service.cost_options,
            service.service_areas,
            service.at_locations,
        )
    ):
        related.all().delete()
    taken: set[tuple[str, str]] = set()
    _schedules_store(service, r, taken)
    _contacts_store(service, r, taken)
    _costs_and_areas_store(service, r, districts, taken)
    _locations_store(municipality, service, r, org, districts)
    service_reindex(service=service)
    return service


def _organization_store(municipality: Municipality, o: hsds.OrganizationRecord) -> Organization:
    org = Organization.objects.filter(
        municipality=municipality, uuid=o.uuid
    ).first() or Organization(uuid=o.uuid, municipality=municipality)
    org.name, org.description, org.provider_kind = o.name, o.description, o.provider_kind
    org.email, org.website = o.email, o.website
    return _saved(org, known=True)


def _schedules_store(service: Service, r: hsds.ServiceRecord, taken: set) -> None:
    for n, s in enumerate(r.schedules):
        _stored(
            Schedule(
                uuid=_own(taken, Schedule, s.uuid, r.uuid),
                service=service,
                kind=s.kind,
                freq=s.freq,
                interval=s.interval,
                byday=s.byday,
                bymonthday=s.bymonthday,
                dtstart=s.dtstart,
                until=s.until,
                count=s.count,
                valid_from=s.valid_from,
                valid_to=s.valid_to,
                opens_at=s.opens_at,
                closes_at=s.closes_at,
                description=s.description,
                notes=s.notes,
                order=n,
            )
        )


def _contacts_store(service: Service, r: hsds.ServiceRecord, taken: set) -> None:
    """Contacts and phones, the service's own and each contact's."""
    contact_phones: list[tuple[Contact, hsds.PhoneRecord]] = []
    for c in r.contacts:
        contact = _stored(
            Contact(
                uuid=_own(taken, Contact, c.uuid, r.uuid),
                service=service,
                name=c.name,
                title=c.title,
                department=c.department,
                email=c.email,
            )
        )
        for p in c.phones:
            contact_phones.append((contact, p))
    # HSDS may list one phone under the service and under its contact: one row, two links.
    phones: dict[str, Phone] = {}
    for p in r.phones:
        phones[p.uuid] = _stored(
            Phone(
                uuid=_own(taken, Phone, p.uuid, r.uuid),
                service=service,
                number=p.number,
                type=p.type,
                description=p.description,
            )
        )
    for contact, p in contact_phones:
        if p.uuid in phones:
            phones[p.uuid].contact = contact
            _stored(phones[p.uuid])
            continue
        phones[p.uuid] = _stored(
            Phone(
                uuid=_own(taken, Phone, p.uuid, r.uuid),
                contact=contact,
                number=p.number,
                type=p.type,
                description=p.description,
            )
        )


def _costs_and_areas_store(
    service: Service, r: hsds.ServiceRecord, districts: dict, taken: set
) -> None:
    for cost in r.cost_options:
        _stored(
            CostOption(
                uuid=_own(taken, CostOption, cost.uuid, r.uuid),
                service=service,
                option=cost.option,
                amount=cost.amount,
                amount_description=cost.amount_description,
            )
        )
    for a in r.areas:
        _stored(
            ServiceArea(
                uuid=_own(taken, ServiceArea, a.uuid, r.uuid),
                service=service,
                district=districts.get(a.district_code),
                name=a.name,
                description=a.description,
            )
        )


def _locations_store(
    municipality: Municipality,
    service: Service,
    r: hsds.ServiceRecord,
    org: Organization,
    districts: dict,
) -> None:
    for loc in r.locations:
        location = Location.objects.filter(
            municipality=municipality, uuid=loc.uuid
        ).first() or Location(uuid=loc.uuid, municipality=municipality)
        for name in _LOCATION_FIELDS:
            setattr(location, name, getattr(loc, name))
        location.latitude, location.longitude = loc.latitude, loc.longitude
        location.organization = org
        location.district = districts.get(loc.district_code)
        _saved(location, known=True)
        _saved(ServiceAtLocation(uuid=loc.at_uuid, service=service, location=location), known=True)


@transaction.atomic
def district_profile_update(
    *, user: Any, district: District, good_points: str, problems: str
) -> DistrictProfile:
    """The coordinator writes the sheet's good points and problems for one district."""
    access.require_reach(
        user, Cap.RESOURCE_SHEET_EDIT, district, "この地区の資源シートを編集する権限がありません"
    )
    return district_profile_store(
        district=district, good_points=good_points, problems=problems, user=user
    )


def district_profile_store(
    *, district: District, good_points: str, problems: str, user: Any = None
) -> DistrictProfile:
    """Store a district's good points and problems (the caller has checked the right to)."""
    profile = DistrictProfile.objects.filter(district=district).first() or DistrictProfile(
        district=district
    )
    profile.good_points, profile.problems, profile.updated_by = good_points, problems, user
    return _saved(profile)


# --- the directory by hand ----------------------------------------------------------------
#
# Each write checks ``Cap.RESOURCES_EDIT`` through the door (the record as it is and, for a
# new or moved one, as it will be), validates with the model's ``full_clean`` (Japanese
# messages tied to fields), keeps the search columns of the services it touches, and writes
# one audit event with each changed field's old and new value.

SERVICE_REFUSED = "この地域資源を変更する権限がありません"
SERVICE_NEW_REFUSED = "担当の地区の地域資源だけを登録・変更できます（地区のないものは市町村の職員）"
ORGANIZATION_REFUSED = "この提供団体を変更する権限がありません"
LOCATION_REFUSED = "この場所を変更する権限がありません"

ORGANIZATION_FIELDS = ("name", "provider_kind", "description", "email", "website")
SERVICE_FIELDS = (
    "organization",
    "district",
    "name",
    "alternate_name",
    "description",
    "categories",
    "sogo_type",
    "status",
    "capacity",
    "eligibility_description",
    "fee_amount",
    "fees_description",
    "pickup",
    "pickup_note",
    "phone",
    "url",
    "email",
    "closed_on_holidays",
    "closed_year_end",
)
# Not plain columns: the coded categories, the fee (one cost option 「1回」) and the phone
# (the service's own first one).
_SERVICE_ROWS = ("categories", "fee_amount", "phone")
LOCATION_FIELDS = (
    "name",
    "district",
    "address_1",
    "city",
    "state_province",
    "postal_code",
    "description",
)
SCHEDULE_FIELDS = (
    "kind",
    "freq",
    "interval",
    "byday",
    "bymonthday",
    "dtstart",
    "until",
    "count",
    "valid_from",
    "valid_to",
    "opens_at",
    "closes_at",
    "description",
    "notes",
)
FEE_OPTION = selectors.FEE_OPTION


def _shown(value: Any) -> Any:
    """A value as the audit trail keeps it (JSON)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple):
        return list(value)
    return value


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {f: [before[f], after[f]] for f in after if before.get(f) != after[f]}


def _created(after: dict[str, Any]) -> dict[str, list[Any]]:
    return {f: [None, v] for f, v in after.items() if v not in (None, "", [], False)}


def _checked(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    """full_clean; a message on a column the form shows under another name is moved there."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        renamed = {"category_codes": "categories", "byday": "weekdays"}
        errors = {renamed.get(k, k): v for k, v in exc.message_dict.items()}
        raise ValidationError(errors) from exc


def _refuse_other_municipality(obj: Any, field: str, label: str) -> None:
    """A district (or organization) of another municipality is refused as if unknown."""
    value = getattr(obj, field)
    if value is not None and value.municipality_id != obj.municipality_id:
        raise ValidationError({field: f"{label}を選んでください"})


def _municipality_of(user: Any) -> int:
    access.require(user, Cap.RESOURCES_EDIT)
    municipality_id: int | None = access.who(user).municipality_id
    if municipality_id is None:
        raise access.PermissionDenied(SERVICE_NEW_REFUSED)
    return municipality_id


# organizations


def _organization_values(org: Organization) -> dict[str, Any]:
    return {f: _shown(getattr(org, f)) for f in ORGANIZATION_FIELDS}


@transaction.atomic
def organization_create(*, user: Any, **fields: Any) -> Organization:
    org = Organization(municipality_id=_municipality_of(user), **_only(fields, ORGANIZATION_FIELDS))
    _checked(org)
    org.save()
    access.audit_write(user, AuditAction.CREATE, org, changes=_created(_organization_values(org)))
    return org


@transaction.atomic
def organization_update(*, user: Any, organization: Organization, **fields: Any) -> Organization:
    if not selectors.organization_editable(user=user, organization=organization):
        raise access.PermissionDenied(ORGANIZATION_REFUSED)
    before = _organization_values(organization)
    for name, value in _only(fields, ORGANIZATION_FIELDS).items():
        setattr(organization, name, value)
    _checked(organization)
    changes = _diff(before, _organization_values(organization))
    if changes:
        organization.save()
        access.audit_write(user, AuditAction.UPDATE, organization, changes=changes)
        if "name" in changes:  # the organization's name is in each service's search text
            for service in organization.services.select_related("organization", "district"):
                service_reindex(service=service)
    return organization


def _only(fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"{', '.join(sorted(unknown))} は変更できない項目です")
    return fields


# services


def _service_values(service: Service) -> dict[str, Any]:
    values = {
        f: _shown(getattr(service, f))
        for f in SERVICE_FIELDS
        if f not in _SERVICE_ROWS and f != "organization"
    }
    values["organization"] = str(service.organization) if service.organization_id else None
    values["categories"] = service.categories
    if service.pk:
        values["fee_amount"] = selectors.service_fee(service)
        values["phone"] = selectors.service_phone(service)
    return values


def _service_apply(service: Service, fields: dict[str, Any]) -> None:
    for name, value in _only(fields, SERVICE_FIELDS).items():
        if name == "categories":
            chosen = list(dict.fromkeys(value))
            service.category_codes = "|" + "|".join(chosen) + "|" if chosen else ""
        elif name == "fee_amount":
            # 無料 is what HSDS says with cost options whose amounts are all zero.
            service.free = value == 0
        elif name not in _SERVICE_ROWS:
            setattr(service, name, value)
    if service.organization_id is not None:
        _refuse_other_municipality(service, "organization", "提供団体")
    _refuse_other_municipality(service, "district", "地区")


def _service_rows_store(service: Service, fields: dict[str, Any]) -> None:
    if "fee_amount" in fields:
        service.cost_options.all().delete()
        if fields["fee_amount"] is not None:
            cost = CostOption(service=service, option=FEE_OPTION, amount=fields["fee_amount"])
            try:
                cost.full_clean(validate_unique=False)
            except ValidationError as exc:
                raise ValidationError({"fee_amount": exc.messages}) from exc
            cost.save()
    if "phone" in fields:
        number = (fields["phone"] or "").strip()
        first = service.phones.order_by("id").first()
        if not number and first is not None:
            first.delete()
        elif number:
            phone = first or Phone(service=service)
            phone.number = number
            try:
                phone.full_clean(validate_unique=False)
            except ValidationError as exc:
                raise ValidationError({"phone": exc.messages}) from exc
            phone.save()


@transaction.atomic
def service_create(*, user: Any, organization: Organization, **fields: Any) -> Service:
    """A service typed in by hand, in one of the user's districts (or, for municipal staff,
    in none); it is found by the search and is in the HSDS export at once."""
    service = Service(municipality_id=_municipality_of(user), organization=organization)
    _service_apply(service, fields)
    _checked(service, exclude=["search_text", "name_folded"])
    access.require_would_reach(user, Cap.RESOURCES_EDIT, service, SERVICE_NEW_REFUSED)
    service.save()
    _service_rows_store(service, fields)
    service_reindex(service=service)
    access.audit_write(
        user, AuditAction.CREATE, service, changes=_created(_service_values(service))
    )
    return service


@transaction.atomic
def service_update(*, user: Any, service: Service, **fields: Any) -> Service:
    """Change what a service says; ``fee_amount`` and ``phone`` only when given. A service is
    never deleted (regional issues and case plans refer to it): its ``status`` ends it."""
    access.require_reach(user, Cap.RESOURCES_EDIT, service, SERVICE_REFUSED)
    before = _service_values(service)
    _service_apply(service, fields)
    _checked(service, exclude=["search_text", "name_folded"])
    access.require_would_reach(user, Cap.RESOURCES_EDIT, service, SERVICE_NEW_REFUSED)
    after = _service_values(service)
    if "fee_amount" in fields:
        after["fee_amount"] = fields["fee_amount"]
    if "phone" in fields:
        after["phone"] = (fields["phone"] or "").strip()
    changes = _diff(before, after)
    if changes:
        service.save()
        _service_rows_store(service, fields)
        service_reindex(service=service)
        access.audit_write(user, AuditAction.UPDATE, service, changes=changes)
    return service


# places


def _location_values(location: Location) -> dict[str, Any]:
    return {f: _shown(getattr(location, f)) for f in LOCATION_FIELDS}


def _reindex_at(location: Location) -> None:
    for at in location.at_services.select_related("service__organization", "service__district"):
        service_reindex(service=at.service)


@transaction.atomic
def location_create(*, user: Any, service: Service | None = None, **fields: Any) -> Location:
    """A place, in one of the user's districts; linked to ``service`` when one is given."""
    location = Location(municipality_id=_municipality_of(user), **_only(fields, LOCATION_FIELDS))
    _refuse_other_municipality(location, "district", "地区")
    _checked(location)
    access.require_would_reach(user, Cap.RESOURCES_EDIT, location, LOCATION_REFUSED)
    location.save()
    access.audit_write(
        user, AuditAction.CREATE, location, changes=_created(_location_values(location))
    )
    if service is not None:
        service_location_add(user=user, service=service, location=location)
    return location


@transaction.atomic
def location_update(*, user: Any, location: Location, **fields: Any) -> Location:
    access.require_reach(user, Cap.RESOURCES_EDIT, location, LOCATION_REFUSED)
    before = _location_values(location)
    for name, value in _only(fields, LOCATION_FIELDS).items():
        setattr(location, name, value)
    _refuse_other_municipality(location, "district", "地区")
    _checked(location)
    access.require_would_reach(user, Cap.RESOURCES_EDIT, location, LOCATION_REFUSED)
    changes = _diff(before, _location_values(location))
    if changes:
        location.save()
        access.audit_write(user, AuditAction.UPDATE, location, changes=changes)
        _reindex_at(location)
    return location


@transaction.atomic
def service_location_add(*, user: Any, service: Service, location: Location) -> ServiceAtLocation:
    """Where the service takes place (idempotent: a place already linked stays one link)."""
    access.require_reach(user, Cap.RESOURCES_EDIT, service, SERVICE_REFUSED)
    if location.municipality_id != service.municipality_id:
        raise ValidationError({"location": "場所を選んでください"})
    at, created = ServiceAtLocation.objects.get_or_create(service=service, location=location)
    if created:
        access.audit_write(
            user, AuditAction.CREATE, at, changes={"location": [None, location.name]}
        )
        service_reindex(service=service)
    return at


@transaction.atomic
def service_location_remove(*, user: Any, at: ServiceAtLocation) -> None:
    """The service no longer takes place there; the place stays in the directory."""
    access.require_reach(user, Cap.RESOURCES_EDIT, at.service, SERVICE_REFUSED)
    access.audit_write(user, AuditAction.DELETE, at, changes={"location": [at.location.name, None]})
    service = at.service
    at.delete()
    service_reindex(service=service)


# schedules


def _schedule_values(schedule: Schedule) -> dict[str, Any]:
    return {f: _shown(getattr(schedule, f)) for f in SCHEDULE_FIELDS}


def _touch(service: Service) -> None:
    Service.objects.filter(pk=service.pk).update(last_modified=timezone_now())


def _schedule_checked(schedule: Schedule) -> Schedule:
    """Validate a schedule (stored or not) as a write would: the model's bounds, then the
    calendar engine (a rule it cannot expand names its field)."""
    _checked(schedule, exclude=["service"])
    return schedule


@transaction.atomic
def schedule_create(*, user: Any, service: Service, **fields: Any) -> Schedule:
    """Opening hours, an event or a closure (休み) of one service."""
    access.require_reach(user, Cap.RESOURCES_EDIT, service, SERVICE_REFUSED)
    last = service.schedules.aggregate(n=Max("order"))["n"]
    schedule = Schedule(
        service=service, order=0 if last is None else last + 1, **_only(fields, SCHEDULE_FIELDS)
    )
    _schedule_checked(schedule)
    schedule.save()
    _touch(service)
    access.audit_write(
        user, AuditAction.CREATE, schedule, changes=_created(_schedule_values(schedule))
    )
    return schedule


@transaction.atomic
def schedule_update(*, user: Any, schedule: Schedule, **fields: Any) -> Schedule:
    access.require_reach(user, Cap.RESOURCES_EDIT, schedule, SERVICE_REFUSED)
    before = _schedule_values(schedule)
    for name, value in _only(fields, SCHEDULE_FIELDS).items():
        setattr(schedule, name, value)
    _schedule_checked(schedule)
    changes = _diff(before, _schedule_values(schedule))
    if changes:
        schedule.save()
        _touch(schedule.service)
        access.audit_write(user, AuditAction.UPDATE, schedule, changes=changes)
    return schedule


@transaction.atomic
def schedule_delete(*, user: Any, schedule: Schedule) -> None:
    """Remove a schedule (a closure that was called off, hours that ended)."""
    access.require_reach(user, Cap.RESOURCES_EDIT, schedule, SERVICE_REFUSED)
    # Recorded first: the event names the municipality through the row, which must exist.
    access.audit_write(
        user,
        AuditAction.DELETE,
        schedule,
        changes={k: [v, None] for k, (_, v) in _created(_schedule_values(schedule)).items()},
    )
    _touch(schedule.service)
    schedule.delete()


def errors_by_field(exc: ValidationError) -> dict[str, list[str]]:
    """A service's refusal as {form field: messages} (NON_FIELD_ERRORS for the rest)."""
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}
