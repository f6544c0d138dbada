"""Reads for the district assignment: the municipality's districts with their older people,
the staff who may own a district, and who owns each now."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Sum

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.models import Role, User
from chiiki.areas.models import District, Municipality, PopulationRecord
from chiiki.areas.selectors import municipality_get_for_user
from chiiki.core.text import normalize_display
from chiiki.indicators import assignment as engine
from chiiki.surveys.models import DistrictOwner

OLDER = 65  # 高齢者: the bands from 65–69 up
# Who follows up a district (the survey visits' owners): the same roles as surveys' page.
OWNER_ROLES = (Role.SUPPORT_CENTER, Role.MUNICIPAL, Role.ADMINISTRATOR)


@dataclass(frozen=True)
class AssignmentData:
    municipality: Municipality
    date: dt.date | None  # of the population table the counts come from
    districts: list[engine.District]
    stored: dict[str, District]  # name (normalised) → the stored district


def assignment_data(*, user: User) -> AssignmentData:
    """The user's municipality's districts in its order, each with those aged 65+ on the
    latest date of the population tables (0 where the table has no row). Population figures
    are public statistics: every district of the municipality, whatever the user's areas.
    Three queries."""
    municipality = municipality_get_for_user(user=user, cap=Cap.INDICATORS_VIEW)
    rows = PopulationRecord.objects.filter(municipality=municipality, district__isnull=False)
    date = rows.order_by("-date").values_list("date", flat=True).first()
    aged: dict[int, int] = {}
    if date is not None:
        aged = dict(
            rows.filter(date=date, age_from__gte=OLDER)
            .values_list("district_id")
            .annotate(n=Sum("count"))
            .values_list("district_id", "n")
        )
    stored = list(
        District.objects.filter(municipality=municipality)
        .select_related("life_area")
        .order_by("life_area__order", "life_area__code", "order", "code")
    )
    # A district is named by its name; two of the same name are told apart by their codes.
    twice = {n for n, k in Counter(normalize_display(d.name) for d in stored).items() if k > 1}
    names = {
        d.pk: f"{normalize_display(d.name)}（{d.code}）"
        if normalize_display(d.name) in twice
        else normalize_display(d.name)
        for d in stored
    }
    return AssignmentData(
        municipality=municipality,
        date=date,
        districts=[
            engine.District(names[d.pk], normalize_display(d.life_area.name), aged.get(d.pk, 0))
            for d in stored
        ],
        stored={names[d.pk]: d for d in stored},
    )


def assignment_staff(*, user: User) -> list[User]:
    """The municipality's active staff who may own a district (for those who may save)."""
    return list(
        access.visible(
            user,
            Cap.INDICATORS_EDIT,
            User.objects.filter(is_active=True, role__in=OWNER_ROLES).order_by("username"),
            "地区担当を登録する権限がありません",
        )
    )


def district_owners(*, municipality: Municipality) -> dict[int, int]:
    """District id → its owner's user id, now."""
    return dict(
        DistrictOwner.objects.filter(district__municipality=municipality).values_list(
            "district_id", "staff_id"
        )
    )
