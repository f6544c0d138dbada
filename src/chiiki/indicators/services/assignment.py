"""Writes for the district assignment: the assignment saved as the districts' owners."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from chiiki.accounts import access, audit
from chiiki.accounts.access import Cap
from chiiki.accounts.models import AuditAction
from chiiki.areas.models import District, Municipality
from chiiki.indicators.selectors.assignment import OWNER_ROLES
from chiiki.surveys.models import DistrictOwner
from chiiki.surveys.services import district_owner_set

if TYPE_CHECKING:
    from chiiki.accounts.models import User


def district_owners_assign(
    *, user: User, municipality: Municipality, owners: dict[int, User]
) -> int:
    """Make each district's owner (地区担当, the one the survey visits use) the staff member
    given for it: district id → user. Every district must be the municipality's and every
    user one of its active staff who may own a district. One audit event on the
    municipality names what changed; returns how many districts changed owner."""
    access.require(user, Cap.INDICATORS_EDIT, "地区担当を登録する権限がありません")
    if user.municipality_id != municipality.pk:
        raise access.PermissionDenied("この市町村の地区担当は登録できません")
    districts = {
        d.pk: d for d in District.objects.filter(municipality=municipality, pk__in=list(owners))
    }
    if set(owners) - set(districts):
        raise ValidationError("この市町村にない地区が含まれています")
    for staff in owners.values():
        if (
            staff.municipality_id != municipality.pk
            or not staff.is_active
            or staff.role not in OWNER_ROLES
        ):
            raise ValidationError(f"{staff} はこの市町村の地区担当にできる職員ではありません")
    with transaction.atomic():
        before = dict(
            DistrictOwner.objects.select_for_update()
            .filter(district_id__in=list(owners))
            .values_list("district_id", "staff__username")
        )
        changes: dict[str, list[str | None]] = {}
        for pk in sorted(owners, key=lambda pk: (districts[pk].order, districts[pk].code)):
            staff = owners[pk]
            if before.get(pk) == staff.username:
                continue
            district_owner_set(district=districts[pk], staff=staff)
            changes[districts[pk].name] = [before.get(pk), staff.username]
        if changes:
            audit.record(
                user=user,
                model=Municipality._meta.label_lower,
                entry=audit.Entry(
                    action=AuditAction.UPDATE,
                    object_id=municipality.pk,
                    object_repr=str(municipality),
                    municipality_id=municipality.pk,
                    changes={"district_owners": changes},
                ),
            )
    return len(changes)
