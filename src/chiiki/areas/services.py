"""Writes for areas: the municipality's structure and its population tables."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.areas import population
from chiiki.areas.models import District, LifeArea, Municipality, PopulationRecord, Prefecture
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
