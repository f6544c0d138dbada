"""Writes to the resource directory: import (HSDS or demo records), search text, sheets."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.areas.models import District, Municipality
from chiiki.core.text import fold
from chiiki.resources import hsds, taxonomy
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


def _own(model: Any, value: str, service: Service, service_id: str) -> str:
    """The row's HSDS id, or, when this service already holds that id (a record may list a
    schedule or phone twice; each of our rows is one row of one service), an id derived
    from both. Only this service's rows are looked at: whether another service or another
    municipality uses the id never shows in what is stored."""
    mine = Q(service=service)
    if model is Phone:
        mine |= Q(contact__service=service)
    if model.objects.filter(mine, uuid=value).exists():
        return hsds.derived_id(model.__name__.lower(), service_id, value)
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


def _saved(obj: Any, *, exclude: list[str] | None = None) -> Any:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        # Name the HSDS field, e.g. "service_areas.name", not only the column.
        prefix = _ENTITY.get(type(obj).__name__, "")
        raise ValidationError({prefix + k: v for k, v in exc.message_dict.items()}) from exc
    obj.save()
    return obj


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
    _saved(service, exclude=["search_text", "name_folded"])
    for related in (
        service.schedules,
        service.contacts,
        service.phones,
        service.cost_options,
        service.service_areas,
        service.at_locations,
    ):
        related.all().delete()
    _schedules_store(service, r)
    _contacts_store(service, r)
    _costs_and_areas_store(service, r, districts)
    _locations_store(municipality, service, r, org, districts)
    service_reindex(service=service)
    return service


def _organization_store(municipality: Municipality, o: hsds.OrganizationRecord) -> Organization:
    org = Organization.objects.filter(
        municipality=municipality, uuid=o.uuid
    ).first() or Organization(uuid=o.uuid, municipality=municipality)
    org.name, org.description, org.provider_kind = o.name, o.description, o.provider_kind
    org.email, org.website = o.email, o.website
    return _saved(org)


def _schedules_store(service: Service, r: hsds.ServiceRecord) -> None:
    for n, s in enumerate(r.schedules):
        _saved(
            Schedule(
                uuid=_own(Schedule, s.uuid, service, r.uuid),
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


def _contacts_store(service: Service, r: hsds.ServiceRecord) -> None:
    """Contacts and phones, the service's own and each contact's."""
    contact_phones: list[tuple[Contact, hsds.PhoneRecord]] = []
    for c in r.contacts:
        contact = _saved(
            Contact(
                uuid=_own(Contact, c.uuid, service, r.uuid),
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
        phones[p.uuid] = _saved(
            Phone(
                uuid=_own(Phone, p.uuid, service, r.uuid),
                service=service,
                number=p.number,
                type=p.type,
                description=p.description,
            )
        )
    for contact, p in contact_phones:
        if p.uuid in phones:
            phones[p.uuid].contact = contact
            _saved(phones[p.uuid])
            continue
        phones[p.uuid] = _saved(
            Phone(
                uuid=_own(Phone, p.uuid, service, r.uuid),
                contact=contact,
                number=p.number,
                type=p.type,
                description=p.description,
            )
        )


def _costs_and_areas_store(service: Service, r: hsds.ServiceRecord, districts: dict) -> None:
    for cost in r.cost_options:
        _saved(
            CostOption(
                uuid=_own(CostOption, cost.uuid, service, r.uuid),
                service=service,
                option=cost.option,
                amount=cost.amount,
                amount_description=cost.amount_description,
            )
        )
    for a in r.areas:
        _saved(
            ServiceArea(
                uuid=_own(ServiceArea, a.uuid, service, r.uuid),
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
        _saved(location)
        _saved(ServiceAtLocation(uuid=loc.at_uuid, service=service, location=location))


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
