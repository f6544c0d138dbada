"""The insurer's yearly figures into chiiki: one transaction, all or nothing, idempotent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from chiiki.accounts import audit
from chiiki.accounts.models import AuditAction
from chiiki.areas.models import Municipality
from chiiki.core.tabular import Table
from chiiki.imports.runners import cell
from chiiki.indicators import insurance_file
from chiiki.indicators.models import CenterProfile, InsuranceYear


@dataclass
class InsuranceImportResult:
    municipality: str
    ok: bool = True
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    years: list[int] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "municipality": self.municipality,
            "ok": self.ok,
            "years": self.years,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "error_count": self.error_count,
        }

    def message(self) -> str:
        span = f"{self.years[0]}〜{self.years[-1]}年度" if self.years else ""
        return (
            f"介護保険事業状況報告 {span}を取り込みました: 新規 {self.created} 年度、"
            f"更新 {self.updated} 年度、変更なし {self.unchanged} 年度"
        )


def insurance_import(
    *, user: Any, municipality: Municipality, table: Table
) -> InsuranceImportResult:
    """Check the whole file, then create or update each year; a year not in the file stays."""
    result = InsuranceImportResult(municipality=municipality.code)
    try:
        rows = insurance_file.read(table)
    except insurance_file.InsuranceFileError as exc:
        result.ok = False
        result.errors = [cell(e) for e in exc.errors]
        result.error_count = exc.count
        return result
    result.years = [r.fiscal_year for r in rows]
    with transaction.atomic():
        stored = {
            y.fiscal_year: y
            for y in InsuranceYear.objects.select_for_update().filter(
                municipality=municipality, fiscal_year__in=result.years
            )
        }
        changed: dict[int, dict[str, Any]] = {}
        for row in rows:
            values = row.as_fields()
            year = stored.get(row.fiscal_year)
            if year is None:
                InsuranceYear.objects.create(
                    municipality=municipality,
                    fiscal_year=row.fiscal_year,
                    imported_by=user if getattr(user, "is_authenticated", False) else None,
                    **values,
                )
                result.created += 1
                changed[row.fiscal_year] = values
                continue
            diff = {k: v for k, v in values.items() if getattr(year, k) != v}
            if not diff:
                result.unchanged += 1
                continue
            for k, v in diff.items():
                setattr(year, k, v)
            year.save()
            result.updated += 1
            changed[row.fiscal_year] = diff
        if changed:
            audit.record(
                user=user,
                model=InsuranceYear._meta.label_lower,
                entry=audit.Entry(
                    action=AuditAction.CREATE if result.created else AuditAction.UPDATE,
                    object_id=municipality.pk,
                    object_repr=f"{municipality} 介護保険事業状況報告",
                    municipality_id=municipality.pk,
                    changes={"insurance_years_import": {str(k): v for k, v in changed.items()}},
                ),
            )
    return result


def center_profile_set(
    *, user: Any, municipality: Municipality, direct: int, commissioned: int, note: str
) -> CenterProfile:
    """Record how many 地域包括支援センター the municipality runs itself and commissions."""
    with transaction.atomic():
        profile, created = CenterProfile.objects.get_or_create(
            municipality=municipality, defaults={"direct": direct, "commissioned": commissioned}
        )
        before = {
            "direct": profile.direct,
            "commissioned": profile.commissioned,
            "note": profile.note,
        }
        profile.direct, profile.commissioned, profile.note = direct, commissioned, note
        profile.full_clean()
        profile.save()
        after = {"direct": direct, "commissioned": commissioned, "note": note}
        if created or before != after:
            audit.record(
                user=user,
                model=CenterProfile._meta.label_lower,
                entry=audit.Entry(
                    action=AuditAction.CREATE if created else AuditAction.UPDATE,
                    object_id=profile.pk,
                    object_repr=str(profile),
                    municipality_id=municipality.pk,
                    changes={
                        k: [before[k], after[k]] for k in after if created or before[k] != after[k]
                    },
                ),
            )
    return profile
