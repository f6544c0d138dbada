"""Writes for areas: the municipality's structure and its population tables."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction
from chiiki.areas import area_tree, population
from chiiki.areas.area_tree import AreaFileError, Tree
from chiiki.areas.models import (
    AddressArea,
    District,
    LifeArea,
    Municipality,
    PopulationRecord,
    Prefecture,
)
from chiiki.areas.population import CellError
from chiiki.core.tabular import Progress, Table

SAVING = "保存中"


@transaction.atomic
def municipality_create(
    *, code: str, name: str, prefecture_code: str, prefecture_name: str, kana: str = ""
) -> Municipality:
    prefecture, _ = Prefecture.objects.get_or_create(
        code=prefecture_code, defaults={"name": prefecture_name}
    )
    municipality = Municipality(code=code.strip(), name=name, kana=kana, prefecture=prefecture)
    municipality.full_clean()
    municipality.save()
    return municipality


def life_area_create(
    *, municipality: Municipality, code: str, name: str, order: int = 0
) -> LifeArea:
    life_area = LifeArea(municipality=municipality, code=code, name=name, order=order)
    life_area.full_clean()
    life_area.save()
    return life_area


def district_create(
    *, life_area: LifeArea, code: str, name: str, kana: str = "", order: int = 0
) -> District:
    district = District(
        life_area=life_area,
        municipality=life_area.municipality,
        code=code,
        name=name,
        kana=kana,
        order=order,
    )
    district.full_clean()
    district.save()
    return district


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    updated: int
    unchanged: int

    def message(self) -> str:
        return f"{self.rows}行を読み込みました（追加 {self.created}、更新 {self.updated}、変更なし {self.unchanged}）"


def _area_keys(municipality: Municipality) -> dict[str, District | None]:
    """Names and codes a population file may use for an area: a district, or the municipality."""
    keys: dict[str, District | None] = {}
    for district in municipality.districts.all():
        keys[unicodedata.normalize("NFKC", district.name)] = district
        keys[unicodedata.normalize("NFKC", district.code)] = district
    for key in (municipality.name, str(municipality), municipality.code):
        keys[unicodedata.normalize("NFKC", key)] = None
    return keys


def population_import(
    *,
    municipality: Municipality,
    table: Table,
    user: Any = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import population cells: all or nothing, and the same file twice changes nothing.

    Every row is validated before anything is written; a cell that exists is updated only
    if its count differs. Validation runs outside the transaction, so that its progress
    can be written and seen by others (SQLite has one writer, and the write holds it).
    """
    if user is not None:  # None: the system (the CLI run on the server, the demo)
        access.require_reach(user, Cap.POPULATION_IMPORT, municipality)
    keys = _area_keys(municipality)
    cells = population.parse_table(table, keys.keys(), progress)
    if progress is not None:
        progress(SAVING, len(cells), len(cells))
    with transaction.atomic():
        return _population_write(municipality, keys, cells)


def _population_write(
    municipality: Municipality, keys: dict[str, District | None], cells: list[population.Cell]
) -> ImportResult:
    existing = {
        (r.district_id, r.date, r.sex, r.age_from): r
        for r in PopulationRecord.objects.filter(
            municipality=municipality, date__in={c.date for c in cells}
        )
    }
    to_create: list[PopulationRecord] = []
    to_update: list[PopulationRecord] = []
    errors: list[population.CellError] = []
    for cell in cells:
        district = keys[cell.area]
        key = (district.pk if district else None, cell.date, cell.sex, cell.age_from)
        record = existing.get(key)
        if record is None:
            record = PopulationRecord(
                municipality=municipality,
                district=district,
                date=cell.date,
                sex=cell.sex,
                age_from=cell.age_from,
                count=cell.count,
            )
            to_create.append(record)
        elif record.count != cell.count:
            record.count = cell.count
            to_update.append(record)
        else:
            continue
        # The engine has checked the cell; the model's validators are the second line and
        # the database's CHECK constraints the last, so no path stores a cell out of range.
        try:
            record.clean_fields(exclude=["municipality", "district"])
        except ValidationError as exc:
            errors += [
                population.CellError(
                    cell.row,
                    str(getattr(PopulationRecord._meta.get_field(field), "verbose_name", field)),
                    str(getattr(record, field)),
                    message,
                )
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
    if errors:
        raise population.PopulationFileError(errors)
    PopulationRecord.objects.bulk_create(to_create, batch_size=2000)
    PopulationRecord.objects.bulk_update(to_update, ["count"], batch_size=2000)
    return ImportResult(
        rows=len(cells),
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(cells) - len(to_create) - len(to_update),
    )


# --- the area tree from a file -----------------------------------------------------------


@dataclass(frozen=True)
class AreaTreeResult:
    """What an area-tree import found and did.

    ``life_areas``, ``districts`` and ``address_areas`` count what the file describes.
    ``created``, ``updated`` and ``unchanged`` count records: the prefecture, the
    municipality, and each life area, district and address area of the file, so that they
    add up to 2 + life_areas + districts + address_areas. A record is updated when its name
    as shown, its order, its parent (the district's life area, the address area's district)
    or, for the municipality, its name or reading differs from the file's.
    """

    municipality: str
    name: str
    life_areas: int
    districts: int
    address_areas: int
    created: int
    updated: int
    unchanged: int

    def as_json(self) -> dict[str, Any]:
        return {
            "municipality": self.municipality,
            "life_areas": self.life_areas,
            "districts": self.districts,
            "address_areas": self.address_areas,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }

    def message(self) -> str:
        return (
            f"{self.name}（{self.municipality}）: 圏域 {self.life_areas}、地区 {self.districts}、"
            f"町丁目 {self.address_areas} を読み込みました"
            f"（追加 {self.created}、更新 {self.updated}、変更なし {self.unchanged}）"
        )


def area_tree_import(
    *,
    table: Table,
    user: Any = None,
    municipality: Municipality | None = None,
    progress: Progress | None = None,
) -> AreaTreeResult:
    """Create or update a municipality's prefecture, life areas, districts and address areas.

    All or nothing, and the same file twice changes nothing. ``user`` None is the system
    (the command run on the server), which may create a new municipality; a user needs
    ``AREAS_IMPORT`` and reaches only their own, existing municipality. ``municipality``
    given, the file must be of it. Nothing is deleted: an area the file leaves out stays.
    """
    if user is not None:
        access.require(user, Cap.AREAS_IMPORT)
    tree = area_tree.parse_table(table, progress)
    existing = Municipality.objects.filter(code=tree.code).first()
    if municipality is not None and tree.code != municipality.code:
        raise AreaFileError(
            [
                _code_cell(
                    tree, f"取り込めるのは{municipality}（{municipality.code}）の地区の構成だけです"
                )
            ]
        )
    if user is not None:
        if existing is None:
            raise AreaFileError(
                [
                    _code_cell(
                        tree,
                        "新しい市町村の登録は、サーバーのコマンド（chiiki areas import）で行います",
                    )
                ]
            )
        access.require_reach(user, Cap.AREAS_IMPORT, existing)
    if progress is not None:
        progress(SAVING, tree.rows, tree.rows)
    with transaction.atomic():
        return _area_tree_write(tree, user)


def _code_cell(tree: Tree, expected: str) -> CellError:
    return CellError(2, tree.code_column, tree.code, expected)


class _Tally:
    def __init__(self) -> None:
        self.created = self.updated = self.unchanged = 0

    def save(self, obj: Any, fields: dict[str, Any]) -> None:
        """Create ``obj`` (no pk yet) or set the fields that differ, and count which."""
        if obj.pk is None:
            self.created += 1
        elif any(getattr(obj, f) != value for f, value in fields.items()):
            self.updated += 1
        else:
            self.unchanged += 1
            return
        for f, value in fields.items():
            setattr(obj, f, value)
        obj.full_clean()
        obj.save()


def _free_code(name: str, taken: set[str]) -> str:
    """A code for a new life area or district: its name, or the name with a number."""
    base = area_tree.key(name)[:20]
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base[: 19 - len(str(n))]}-{n}"
    taken.add(code)
    return code


def _area_tree_write(tree: Tree, user: Any) -> AreaTreeResult:
    tally = _Tally()
    prefecture = Prefecture.objects.filter(code=tree.prefecture_code).first() or Prefecture()
    tally.save(prefecture, {"code": tree.prefecture_code, "name": tree.prefecture_name})
    m = Municipality.objects.filter(code=tree.code).first()
    created = m is None
    m = m or Municipality(code=tree.code)
    tally.save(m, {"prefecture_id": prefecture.pk, "name": tree.name, "kana": m.kana or tree.kana})

    life_areas = {area_tree.key(a.name): a for a in m.life_areas.all()}
    codes = {a.code for a in life_areas.values()}
    for order, name in enumerate(tree.life_areas, start=1):
        la = life_areas.get(area_tree.key(name))
        if la is None:
            la = life_areas[area_tree.key(name)] = LifeArea(
                municipality=m, code=_free_code(name, codes)
            )
        tally.save(la, {"name": name, "order": order})

    districts = {area_tree.key(d.name): d for d in m.districts.all()}
    codes = {d.code for d in districts.values()}
    for order, (name, la_name) in enumerate(tree.districts, start=1):
        d = districts.get(area_tree.key(name))
        if d is None:
            d = districts[area_tree.key(name)] = District(
                municipality=m, code=_free_code(name, codes)
            )
        tally.save(
            d, {"name": name, "order": order, "life_area_id": life_areas[area_tree.key(la_name)].pk}
        )

    addresses = {a.name_key: a for a in m.address_areas.all()}
    for name, d_name in tree.address_areas:
        k = area_tree.key(name)
        a = addresses.get(k) or AddressArea(municipality=m, name_key=k)
        tally.save(a, {"name": name, "district_id": districts[area_tree.key(d_name)].pk})

    if tally.created or tally.updated:
        access.audit_write(
            user,
            AuditAction.CREATE if created else AuditAction.UPDATE,
            m,
            changes={
                "area_tree": {
                    "created": tally.created,
                    "updated": tally.updated,
                    "unchanged": tally.unchanged,
                }
            },
        )
    return AreaTreeResult(
        municipality=tree.code,
        name=str(m),
        life_areas=len(tree.life_areas),
        districts=len(tree.districts),
        address_areas=len(tree.address_areas),
        created=tally.created,
        updated=tally.updated,
        unchanged=tally.unchanged,
    )
