"""Open Referral HSDS 3.0 exchange: plain records, to and from HSDS JSON, validation.

Pure: no Django. ``ServiceRecord`` is the directory's own shape of one service with
everything nested; the export turns records into full HSDS service objects (as the
``/services/{id}`` endpoint returns them) in a page object, and the import reads such a
page, or a bare array of services, back into records — refusing, with the record and
field named, anything that does not validate or cannot be.

What HSDS 3.0 has no field for travels as attributes with taxonomy terms of our own
(``chiiki-category``, ``chiiki-feature``, ``chiiki-schedule-kind`` …), which any HSDS
reader can ignore: categories, the 総合事業 type, the provider kind, 送迎あり, capacity,
whether the service closes on public holidays, and which schedules are events or closures.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from chiiki.resources import calendar, taxonomy

SCHEMA_DIR = Path(__file__).parent / "hsds_schema"
SCHEMA_BASE = "https://chiiki.invalid/hsds/3.0/"
HSDS_VERSION = "3.0"
TIMEZONE_JST = 9
DISTRICT_EXTENT = "chiiki_district"
FEATURE_TAXONOMY = "chiiki-feature"
KIND_TAXONOMY = "chiiki-schedule-kind"
FEATURES = {
    "pickup": "送迎あり",
    "capacity": "定員",
    "holidays": "祝日の開所",
    "year_end": "年末年始（12/29〜1/3）休業",
}
KINDS = {"open": "開所", "event": "催し", "closed": "休業"}


# --- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhoneRecord:
    uuid: str
    number: str
    type: str = "voice"
    description: str = ""


@dataclass(frozen=True)
class ContactRecord:
    uuid: str
    name: str = ""
    title: str = ""
    department: str = ""
    email: str = ""
    phones: tuple[PhoneRecord, ...] = ()


@dataclass(frozen=True)
class CostRecord:
    uuid: str
    option: str = ""
    amount: int | None = None
    amount_description: str = ""


@dataclass(frozen=True)
class AreaRecord:
    uuid: str
    name: str
    district_code: str = ""
    description: str = ""


@dataclass(frozen=True)
class LocationRecord:
    uuid: str
    at_uuid: str  # the service_at_location
    name: str
    description: str = ""
    address_1: str = ""
    city: str = ""
    state_province: str = ""
    postal_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    district_code: str = ""


@dataclass(frozen=True)
class ScheduleRecord:
    uuid: str
    kind: str = "open"
    freq: str = ""
    interval: int = 1
    byday: str = ""
    bymonthday: str = ""
    dtstart: dt.date | None = None
    until: dt.date | None = None
    count: int | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None
    description: str = ""
    notes: str = ""


@dataclass(frozen=True)
class OrganizationRecord:
    uuid: str
    name: str
    description: str = ""
    provider_kind: str = "jumin"
    email: str = ""
    website: str = ""


@dataclass(frozen=True)
class ServiceRecord:
    uuid: str
    name: str
    organization: OrganizationRecord
    alternate_name: str = ""
    description: str = ""
    status: str = "active"
    url: str = ""
    email: str = ""
    district_code: str = ""
    categories: tuple[str, ...] = ()
    sogo_type: str = ""
    capacity: int | None = None
    eligibility_description: str = ""
    fees_description: str = ""
    pickup: bool = False
    pickup_note: str = ""
    closed_on_holidays: bool = True
    closed_year_end: bool = False
    locations: tuple[LocationRecord, ...] = ()
    schedules: tuple[ScheduleRecord, ...] = ()
    contacts: tuple[ContactRecord, ...] = ()
    phones: tuple[PhoneRecord, ...] = ()
    cost_options: tuple[CostRecord, ...] = ()
    areas: tuple[AreaRecord, ...] = ()
    last_modified: str = ""

    @property
    def free(self) -> bool:
        return bool(self.cost_options) and all(not c.amount for c in self.cost_options)


def derived_id(*parts: object) -> str:
    """A stable id for something that has no id of its own (an attribute, a term)."""
    return str(uuid.uuid5(taxonomy.NAMESPACE, "/".join(str(p) for p in parts)))


# --- timetable ----------------------------------------------------------------------------


def _split(text: str) -> tuple[str, ...]:
    return tuple(p.strip().upper() for p in (text or "").split(",") if p.strip())


def schedule_rule(s: Any) -> calendar.Rule:
    """The engine rule of a schedule row or record (anything with the HSDS attributes)."""
    monthdays: list[int] = []
    for part in _split(s.bymonthday):
        try:
            monthdays.append(int(part))
        except ValueError:
            raise calendar.ScheduleError("bymonthday", f"「{part}」は日付の数字です") from None
    if s.kind == "closed":
        first = s.valid_from or s.dtstart
        return calendar.Rule(None, dtstart=first)
    return calendar.Rule(
        freq=s.freq or None,
        byday=_split(s.byday),
        bymonthday=tuple(monthdays),
        interval=s.interval or 1,
        dtstart=s.dtstart,
        until=s.until,
        count=s.count,
        valid_from=s.valid_from,
        valid_to=s.valid_to,
    )


def timetable(
    schedules: list[Any] | tuple[Any, ...], *, closed_on_holidays: bool, closed_year_end: bool
) -> calendar.Timetable:
    """Build the engine's timetable from schedule rows or records; raises ScheduleError."""
    openings: list[calendar.Opening] = []
    events: list[calendar.Event] = []
    closures: list[calendar.Closure] = []
    for s in schedules:
        if s.kind == "closed":
            first = s.valid_from or s.dtstart
            if first is None:
                raise calendar.ScheduleError("valid_from", "休業の始まりの日付が必要です")
            closures.append(calendar.Closure(first, s.valid_to or first, s.description or "休業"))
            continue
        rule = schedule_rule(s)
        if s.kind == "event":
            events.append(
                calendar.Event(rule, s.description or "催し", start=s.opens_at, end=s.closes_at)
            )
            continue
        if s.opens_at is None or s.closes_at is None:
            raise calendar.ScheduleError(
                "opens_at" if s.opens_at is None else "closes_at",
                "開所時間には開始と終了の時刻が必要です",
            )
        openings.append(calendar.Opening(rule, calendar.Hours(s.opens_at, s.closes_at)))
    return calendar.Timetable(
        openings=tuple(openings),
        events=tuple(events),
        closures=tuple(closures),
        closed_on_holidays=closed_on_holidays,
        closed_year_end=closed_year_end,
    )


# --- export -------------------------------------------------------------------------------


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    """HSDS types its fields as plain strings and numbers: leave empty ones out."""
    return {k: v for k, v in d.items() if v not in (None, "")}


def _term(tax: str, code: str, name: str, description: str = "") -> dict[str, Any]:
    return _clean(
        {
            "id": derived_id("taxonomy-term", tax, code),
            "code": code,
            "name": name,
            "description": description or name,
            "taxonomy": tax,
            "taxonomy_id": derived_id("taxonomy", tax),
            "language": "ja",
        }
    )


def _vocab_attribute(link_id: str, entity: str, t: taxonomy.Term) -> dict[str, Any]:
    term = {
        "id": str(t.uuid),
        "code": t.code,
        "name": t.name,
        "description": t.description,
        "taxonomy": taxonomy.TAXONOMY_PREFIX + t.taxonomy,
        "taxonomy_id": str(taxonomy.load()[t.taxonomy].uuid),
        "language": "ja",
    }
    return {
        "id": derived_id("attribute", link_id, t.taxonomy, t.code),
        "link_id": link_id,
        "link_type": entity,
        "link_entity": entity,
        "taxonomy_term_id": term["id"],
        "value": t.code,
        "taxonomy_term": term,
    }


def _attribute(link_id: str, entity: str, tax: str, code: str, name: str, value: str) -> dict:
    term = _term(tax, code, name)
    return {
        "id": derived_id("attribute", link_id, tax, code),
        "link_id": link_id,
        "link_type": entity,
        "link_entity": entity,
        "taxonomy_term_id": term["id"],
        "value": value,
        "taxonomy_term": term,
    }


def _phone(p: PhoneRecord, **links: str) -> dict[str, Any]:
    return _clean(
        {"id": p.uuid, **links, "number": p.number, "type": p.type, "description": p.description}
    )


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _schedule(s: ScheduleRecord, service_id: str) -> dict[str, Any]:
    data = _clean(
        {
            "id": s.uuid,
            "service_id": service_id,
            "freq": s.freq,
            "interval": s.interval if s.freq else None,
            "byday": s.byday,
            "bymonthday": s.bymonthday,
            "dtstart": _day(s.dtstart),
            "until": _day(s.until),
            "count": s.count,
            "valid_from": _day(s.valid_from),
            "valid_to": _day(s.valid_to),
            "opens_at": calendar.hhmm(s.opens_at),
            "closes_at": calendar.hhmm(s.closes_at),
            "timezone": TIMEZONE_JST,
            "wkst": "MO" if s.freq else None,
            "description": s.description,
            "notes": s.notes,
        }
    )
    data["attributes"] = [
        _attribute(s.uuid, "schedule", KIND_TAXONOMY, s.kind, KINDS[s.kind], s.kind)
    ]
    return data


def organization_to_hsds(o: OrganizationRecord) -> dict[str, Any]:
    data = _clean(
        {
            "id": o.uuid,
            "name": o.name,
            "description": o.description or o.name,
            "email": o.email,
            "website": o.website,
        }
    )
    kind = taxonomy.provider_kinds().get(o.provider_kind)
    data["attributes"] = [_vocab_attribute(o.uuid, "organization", kind)] if kind else []
    return data


def _service_at_location(loc: LocationRecord, sid: str, org_id: str) -> dict[str, Any]:
    return {
        "id": loc.at_uuid,
        "service_id": sid,
        "location_id": loc.uuid,
        "location": {
            **_clean(
                {
                    "id": loc.uuid,
                    "location_type": "physical",
                    "organization_id": org_id,
                    "name": loc.name,
                    "description": loc.description,
                    "latitude": loc.latitude,
                    "longitude": loc.longitude,
                    "external_identifier": loc.district_code,
                    "external_identifier_type": DISTRICT_EXTENT if loc.district_code else None,
                }
            ),
            "addresses": [
                {
                    "id": derived_id("address", loc.uuid),
                    "location_id": loc.uuid,
                    "address_1": loc.address_1 or loc.name,
                    "city": loc.city or "-",
                    "state_province": loc.state_province or "-",
                    "postal_code": loc.postal_code or "-",
                    "country": "JP",
                    "address_type": "physical",
                }
            ],
        },
    }


def _contact(c: ContactRecord, sid: str) -> dict[str, Any]:
    return {
        **_clean(
            {
                "id": c.uuid,
                "service_id": sid,
                "name": c.name,
                "title": c.title,
                "department": c.department,
                "email": c.email,
            }
        ),
        "phones": [_phone(p, contact_id=c.uuid) for p in c.phones],
    }


def _cost_option(c: CostRecord, sid: str) -> dict[str, Any]:
    return _clean(
        {
            "id": c.uuid,
            "service_id": sid,
            "option": c.option,
            "currency": "JPY",
            "amount": c.amount,
            "amount_description": c.amount_description,
        }
    )


def _service_area(a: AreaRecord, sid: str) -> dict[str, Any]:
    return _clean(
        {
            "id": a.uuid,
            "service_id": sid,
            "name": a.name,
            "description": a.description,
            "extent": a.district_code,
            "extent_type": DISTRICT_EXTENT if a.district_code else None,
        }
    )


def _feature(sid: str, code: str, value: str) -> dict[str, Any]:
    return _attribute(sid, "service", FEATURE_TAXONOMY, code, FEATURES[code], value)


def _service_attributes(r: ServiceRecord) -> list[dict[str, Any]]:
    """What HSDS has no field for: categories, 総合事業 type, pickup, capacity, holidays."""
    sid = r.uuid
    attributes: list[dict[str, Any]] = []
    cats = taxonomy.categories()
    for code in r.categories:
        term = cats.get(code)
        if term:
            attributes.append(_vocab_attribute(sid, "service", term))
    if r.sogo_type and (term := taxonomy.sogo_types().get(r.sogo_type)):
        attributes.append(_vocab_attribute(sid, "service", term))
    if r.pickup:
        attributes.append(_feature(sid, "pickup", r.pickup_note or "true"))
    if r.capacity is not None:
        attributes.append(_feature(sid, "capacity", str(r.capacity)))
    attributes.append(_feature(sid, "holidays", "closed" if r.closed_on_holidays else "open"))
    if r.closed_year_end:
        attributes.append(_feature(sid, "year_end", "closed"))
    return attributes


def service_to_hsds(r: ServiceRecord) -> dict[str, Any]:
    """One full HSDS service object, with its organization, schedules, locations … nested."""
    sid = r.uuid
    data = _clean(
        {
            "id": sid,
            "organization_id": r.organization.uuid,
            "name": r.name,
            "alternate_name": r.alternate_name,
            "description": r.description,
            "url": r.url,
            "email": r.email,
            "status": r.status,
            "fees_description": r.fees_description,
            "eligibility_description": r.eligibility_description,
            "last_modified": r.last_modified,
        }
    )
    data["organization"] = organization_to_hsds(r.organization)
    data["service_at_locations"] = [
        _service_at_location(loc, sid, r.organization.uuid) for loc in r.locations
    ]
    data["schedules"] = [_schedule(s, sid) for s in r.schedules]
    data["phones"] = [_phone(p, service_id=sid) for p in r.phones]
    data["contacts"] = [_contact(c, sid) for c in r.contacts]
    data["cost_options"] = [_cost_option(c, sid) for c in r.cost_options]
    data["service_areas"] = [_service_area(a, sid) for a in r.areas]
    data["attributes"] = _service_attributes(r)
    return data


def page(items: list[dict[str, Any]], *, total: int, number: int, size: int) -> dict[str, Any]:
    """An HSDS API page object (the ``Page`` schema of the HSDS OpenAPI document)."""
    pages = max(1, -(-total // size)) if size else 1
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(items),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": total == 0,
        "contents": items,
    }


def export_document(records: list[ServiceRecord]) -> dict[str, Any]:
    """The whole directory as one HSDS page of full service objects."""
    items = [service_to_hsds(r) for r in records]
    return page(items, total=len(items), number=1, size=max(1, len(items)))


# --- validation ---------------------------------------------------------------------------


class HsdsError(ValueError):
    """A file that cannot be imported; ``errors`` name the record and field of each fault."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors[:50]))


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = [
        (
            SCHEMA_BASE + path.name,
            Resource.from_contents(
                json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT202012
            ),
        )
        for path in sorted(SCHEMA_DIR.glob("*.json"))
        if path.name != "openapi.json"
    ]
    schema = {
        "$id": SCHEMA_BASE + "chiiki_service_page.json",
        "type": "object",
        "required": ["total_items", "contents"],
        "properties": {
            "total_items": {"type": "integer"},
            "total_pages": {"type": "integer"},
            "page_number": {"type": "integer"},
            "size": {"type": "integer"},
            "first_page": {"type": "boolean"},
            "last_page": {"type": "boolean"},
            "empty": {"type": "boolean"},
            "contents": {"type": "array", "items": {"$ref": "service.json"}},
        },
    }
    return Draft202012Validator(
        schema, registry=Registry().with_resources(resources), format_checker=FormatChecker()
    )


def _where(contents: list[Any], path: list[Any]) -> str:
    """「contents[3]（サービス「…」 id …）の schedules[0].closes_at」"""
    if len(path) >= 2 and path[0] == "contents" and isinstance(path[1], int):
        item = contents[path[1]] if path[1] < len(contents) else {}
        name = item.get("name", "") if isinstance(item, dict) else ""
        ident = item.get("id", "") if isinstance(item, dict) else ""
        rest = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path[2:]).lstrip(".")
        return f"{path[1] + 1}件目のサービス「{name}」（id {ident}）の {rest or '全体'}"
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or "全体"


def validate(document: Any) -> list[str]:
    """Schema errors of an HSDS page (or bare array of services), in Japanese, at most 100."""
    if isinstance(document, list):
        document = {"total_items": len(document), "contents": document}
    if not isinstance(document, dict):
        return ['全体: HSDS のページ（{"total_items", "contents"}）かサービスの配列が必要です']
    found = document.get("contents")
    contents: list[Any] = found if isinstance(found, list) else []
    errors: list[str] = []
    for error in _validator().iter_errors(document):
        errors.append(f"{_where(contents, list(error.absolute_path))}: {error.message}")
        if len(errors) >= 100:
            break
    return errors


# --- import -------------------------------------------------------------------------------


def _time(value: Any, where: str, field_name: str, errors: list[str]) -> dt.time | None:
    if value in (None, ""):
        return None
    try:
        return calendar.parse_time(str(value), field_name)
    except calendar.ScheduleError as exc:
        errors.append(f"{where}.{exc}")
        return None


def _date(value: Any, where: str, field_name: str, errors: list[str]) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return calendar.parse_date(str(value), field_name)
    except calendar.ScheduleError as exc:
        errors.append(f"{where}.{exc}")
        return None


def _attributes(items: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(taxonomy, code, value) of each attribute with a taxonomy term."""
    found: list[tuple[str, str, str]] = []
    for a in items or []:
        term = a.get("taxonomy_term") or {}
        tax = term.get("taxonomy") or ""
        code = term.get("code") or ""
        if not tax and a.get("taxonomy_term_id"):
            known = taxonomy.term_by_uuid(a["taxonomy_term_id"])
            if known:
                tax, code = taxonomy.TAXONOMY_PREFIX + known.taxonomy, known.code
        found.append((tax, code, str(a.get("value") or "")))
    return found


def _organization_from(item: dict[str, Any], where: str, errors: list[str]) -> OrganizationRecord:
    org = item.get("organization") or {}
    kinds = taxonomy.provider_kinds()
    provider = "jumin"
    for tax, code, _value in _attributes(org.get("attributes") or []):
        if tax == taxonomy.TAXONOMY_PREFIX + "provider_kind":
            if kinds.get(code) is None:
                errors.append(
                    f"{where}organization.attributes: 提供主体「{code}」は登録されていません"
                )
            provider = code
    org_id = org.get("id") or item.get("organization_id")
    if not org_id:
        errors.append(f"{where}organization: 提供団体（organization）が必要です")
    return OrganizationRecord(
        uuid=str(org_id or ""),
        name=org.get("name") or "",
        description=org.get("description") or "",
        provider_kind=provider,
        email=org.get("email") or "",
        website=org.get("website") or "",
    )


def _features_from(item: dict[str, Any], where: str, errors: list[str]) -> dict[str, Any]:
    """The record's fields that travel as attributes: categories, 総合事業 type, features."""
    found: dict[str, Any] = {
        "categories": [],
        "sogo_type": "",
        "pickup": False,
        "pickup_note": "",
        "capacity": None,
        "closed_on_holidays": True,
        "closed_year_end": False,
    }
    cats, sogos = taxonomy.categories(), taxonomy.sogo_types()
    for tax, code, value in _attributes(item.get("attributes") or []):
        if tax == cats.hsds_name:
            if cats.get(code) is None:
                errors.append(
                    f"{where}attributes: 種類「{code}」は登録されていません（{'、'.join(t.code for t in cats.terms)}）"
                )
            else:
                found["categories"].append(code)
        elif tax == sogos.hsds_name:
            if sogos.get(code) is None:
                errors.append(f"{where}attributes: 総合事業の類型「{code}」は登録されていません")
            else:
                found["sogo_type"] = code
        elif tax == FEATURE_TAXONOMY:
            if code == "pickup":
                found["pickup"], found["pickup_note"] = True, "" if value == "true" else value
            elif code == "capacity":
                if not value.isdigit():
                    errors.append(f"{where}attributes: 定員「{value}」は0以上の整数です")
                else:
                    found["capacity"] = int(value)
            elif code == "holidays":
                found["closed_on_holidays"] = value != "open"
            elif code == "year_end":
                found["closed_year_end"] = value == "closed"
    found["categories"] = tuple(found["categories"])
    return found


def _schedule_from(s: dict[str, Any], at: str, errors: list[str]) -> ScheduleRecord:
    kind = "open"
    for tax, code, _v in _attributes(s.get("attributes") or []):
        if tax == KIND_TAXONOMY:
            if code not in KINDS:
                errors.append(
                    f"{at}.attributes: 予定の種類「{code}」は open, event, closed のいずれかです"
                )
            kind = code
    before = len(errors)
    schedule = ScheduleRecord(
        uuid=s["id"],
        kind=kind,
        freq=(s.get("freq") or "").upper(),
        interval=int(s.get("interval") or 1),
        byday=s.get("byday") or "",
        bymonthday=s.get("bymonthday") or "",
        dtstart=_date(s.get("dtstart"), at, "dtstart", errors),
        until=_date(s.get("until"), at, "until", errors),
        count=int(s["count"]) if s.get("count") else None,
        valid_from=_date(s.get("valid_from"), at, "valid_from", errors),
        valid_to=_date(s.get("valid_to"), at, "valid_to", errors),
        opens_at=_time(s.get("opens_at"), at, "opens_at", errors),
        closes_at=_time(s.get("closes_at"), at, "closes_at", errors),
        description=s.get("description") or "",
        notes=s.get("notes") or "",
    )
    if len(errors) == before:
        try:
            timetable([schedule], closed_on_holidays=True, closed_year_end=False)
        except calendar.ScheduleError as exc:
            errors.append(f"{at}.{exc}")
    return schedule


def _location_from(sal: dict[str, Any]) -> LocationRecord:
    loc = sal.get("location") or {}
    address = (loc.get("addresses") or [{}])[0]
    return LocationRecord(
        uuid=str(loc.get("id") or sal.get("location_id") or derived_id("location", sal["id"])),
        at_uuid=sal["id"],
        name=loc.get("name") or address.get("address_1") or "",
        description=loc.get("description") or "",
        address_1=address.get("address_1") or "",
        city=(address.get("city") or "").strip("-"),
        state_province=(address.get("state_province") or "").strip("-"),
        postal_code=(address.get("postal_code") or "").strip("-"),
        latitude=loc.get("latitude"),
        longitude=loc.get("longitude"),
        district_code=(loc.get("external_identifier") or "")
        if loc.get("external_identifier_type") == DISTRICT_EXTENT
        else "",
    )


def _area_from(a: dict[str, Any]) -> AreaRecord:
    return AreaRecord(
        uuid=a["id"],
        name=a.get("name") or a.get("extent") or "",
        district_code=(a.get("extent") or "") if a.get("extent_type") == DISTRICT_EXTENT else "",
        description=a.get("description") or "",
    )


def _contact_from(c: dict[str, Any]) -> ContactRecord:
    return ContactRecord(
        uuid=c["id"],
        name=c.get("name") or "",
        title=c.get("title") or "",
        department=c.get("department") or "",
        email=c.get("email") or "",
        phones=tuple(_phone_record(p) for p in c.get("phones") or []),
    )


def _cost_from(c: dict[str, Any]) -> CostRecord:
    return CostRecord(
        uuid=c["id"],
        option=c.get("option") or "",
        amount=int(c["amount"]) if c.get("amount") is not None else None,
        amount_description=c.get("amount_description") or "",
    )


def service_from_hsds(item: dict[str, Any], index: int) -> tuple[ServiceRecord | None, list[str]]:
    """One HSDS service object (already schema-valid) -> a record, or the errors found."""
    errors: list[str] = []
    where = f"{index + 1}件目のサービス「{item.get('name', '')}」（id {item.get('id', '')}）の "
    organization = _organization_from(item, where, errors)
    features = _features_from(item, where, errors)
    schedules = [
        _schedule_from(s, f"{where}schedules[{i}]", errors)
        for i, s in enumerate(item.get("schedules") or [])
    ]
    locations = [_location_from(sal) for sal in item.get("service_at_locations") or []]
    areas = tuple(_area_from(a) for a in item.get("service_areas") or [])
    district = next((a.district_code for a in areas if a.district_code), "") or next(
        (loc.district_code for loc in locations if loc.district_code), ""
    )
    record = ServiceRecord(
        uuid=item["id"],
        name=item.get("name") or "",
        organization=organization,
        alternate_name=item.get("alternate_name") or "",
        description=item.get("description") or "",
        status=item.get("status") or "active",
        url=item.get("url") or "",
        email=item.get("email") or "",
        district_code=district,
        eligibility_description=item.get("eligibility_description") or "",
        fees_description=item.get("fees_description") or "",
        locations=tuple(locations),
        schedules=tuple(schedules),
        contacts=tuple(_contact_from(c) for c in item.get("contacts") or []),
        phones=tuple(_phone_record(p) for p in item.get("phones") or []),
        cost_options=tuple(_cost_from(c) for c in item.get("cost_options") or []),
        areas=areas,
        last_modified=item.get("last_modified") or "",
        **features,
    )
    return (None if errors else record), errors


def _phone_record(p: dict[str, Any]) -> PhoneRecord:
    return PhoneRecord(
        uuid=p["id"],
        number=p["number"],
        type=p.get("type") or "voice",
        description=p.get("description") or "",
    )


def parse_document(document: Any) -> list[ServiceRecord]:
    """Validate an HSDS page (or bare array of services) and read every service.

    All or nothing: raises HsdsError listing every fault, naming record and field.
    """
    errors = validate(document)
    if errors:
        raise HsdsError(errors)
    contents = document if isinstance(document, list) else document["contents"]
    records: list[ServiceRecord] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(contents):
        if item["id"] in seen:
            errors.append(
                f"{index + 1}件目のサービス「{item.get('name', '')}」の id: "
                f"{seen[item['id']] + 1}件目と同じ id {item['id']} です"
            )
            continue
        seen[item["id"]] = index
        record, found = service_from_hsds(item, index)
        errors += found
        if record is not None:
            records.append(record)
    if errors:
        raise HsdsError(errors)
    return records


_JSON_FAULTS = {
    "Expecting value": "値がありません",
    "Expecting ',' delimiter": "「,」がありません",
    "Expecting ':' delimiter": "「:」がありません",
    "Expecting property name enclosed in double quotes": '項目名は " で囲んでください',
    "Unterminated string starting at": '文字列の " が閉じられていません',
    "Invalid control character at": "文字列の中に改行などの制御文字があります",
    "Invalid \\escape": "文字列の中の \\ の使い方が正しくありません",
    "Invalid \\uXXXX escape": "文字列の中の \\u の後は16進4桁です",
    "Extra data": "JSON の終わりの後に余分なデータがあります",
}


def load_bytes(data: bytes) -> Any:
    """Parse the JSON of an HSDS file; a fault names its line and column (character)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HsdsError(
            [f"全体: 文字コードが UTF-8 ではありません（{exc.start + 1:,}バイト目）"]
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        reason = _JSON_FAULTS.get(exc.msg, exc.msg)
        raise HsdsError(
            [f"{exc.lineno}行目 {exc.colno}文字目: JSON として読めません（{reason}）"]
        ) from None
    except RecursionError:
        raise HsdsError(["全体: JSON の入れ子が深すぎます"]) from None


def dump(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


__all__ = [
    "AreaRecord",
    "ContactRecord",
    "CostRecord",
    "HsdsError",
    "LocationRecord",
    "OrganizationRecord",
    "PhoneRecord",
    "ScheduleRecord",
    "ServiceRecord",
    "export_document",
    "parse_document",
    "service_to_hsds",
    "timetable",
    "validate",
]
