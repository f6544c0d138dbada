"""Reads for the projection: the municipality's latest population table by sex and band, and
its own certification rates by age band from the people records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.areas.models import Municipality, PopulationRecord
from chiiki.indicators import projection as engine
from chiiki.people.models import CareLevel, Person

if TYPE_CHECKING:
    from chiiki.accounts.models import User

# 要支援1〜要介護5: the certified. 事業対象者 (checklist only) is not a certification.
CERTIFIED_LEVELS = [
    CareLevel.SUPPORT_1,
    CareLevel.SUPPORT_2,
    CareLevel.CARE_1,
    CareLevel.CARE_2,
    CareLevel.CARE_3,
    CareLevel.CARE_4,
    CareLevel.CARE_5,
]


@dataclass(frozen=True)
class BaseTable:
    """The population the projection starts from."""

    date: dt.date
    pyramid: engine.Pyramid
    from_districts: bool  # summed over the districts (else the municipality's own rows)
    missing: list[int]  # bands with no cell for either sex


def latest_population(*, municipality: Municipality) -> BaseTable | None:
    """The latest date's table for the whole municipality: the districts' cells summed when
    there are any, else the cells kept for the municipality alone. None without a table.
    At most three queries."""
    rows = PopulationRecord.objects.filter(municipality=municipality)
    date = rows.order_by("-date").values_list("date", flat=True).first()
    if date is None:
        return None
    on_date = rows.filter(date=date)
    from_districts = True
    cells = list(
        on_date.filter(district__isnull=False).values("sex", "age_from").annotate(n=Sum("count"))
    )
    if not cells:
        from_districts = False
        cells = list(
            on_date.filter(district__isnull=True).values("sex", "age_from").annotate(n=Sum("count"))
        )
    present = {c["age_from"] for c in cells}
    return BaseTable(
        date=date,
        pyramid=engine.Pyramid.from_counts((c["sex"], c["age_from"], c["n"]) for c in cells),
        from_districts=from_districts,
        missing=[b for b in engine.BANDS if b not in present],
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class RegisterRates:
    """Certified people in the people records by certification band, over the table's people."""

    certified: dict[int, int]
    population: dict[int, float]

    @property
    def rates(self) -> dict[int, float] | None:
        """None when a band has no population or more certified than people."""
        if any(not self.population[b] for b in engine.CERT_BANDS):
            return None
        rates = {b: self.certified[b] / self.population[b] for b in engine.CERT_BANDS}
        return rates if all(r <= 1 for r in rates.values()) else None

    @property
    def total(self) -> int:
        return sum(self.certified.values())


def register_rates(
    *, user: User | None, municipality: Municipality, base: BaseTable
) -> RegisterRates:
    """The municipality's own rates by band: people living there now (転出等 left out) with
    要支援1〜要介護5, aged on the table's date. One query, counts only: no one is shown.
    ``user`` None: the command run on the server."""
    people: QuerySet[Person] = Person.objects.current()
    if user is not None:
        people = access.visible(user, Cap.INDICATORS_VIEW, people)
    people = people.filter(municipality=municipality, care_level__in=CERTIFIED_LEVELS)
    counts: dict[str, Count] = {}
    for band in engine.CERT_BANDS:
        # Aged band..band+4 on the date: born after (date − band − 5 years), on or before
        # (date − band years); 85歳以上 has no lower birth date.
        q = Q(birth_date__lte=_years_before(base.date, band))
        if band != engine.CERT_TOP:
            q &= Q(birth_date__gt=_years_before(base.date, band + engine.BAND))
        counts[f"b{band}"] = Count("pk", filter=q)
    found = people.aggregate(**counts)
    pop = base.pyramid
    return RegisterRates(
        certified={b: int(found[f"b{b}"] or 0) for b in engine.CERT_BANDS},
        population={
            b: pop.aged(engine.CERT_TOP) if b == engine.CERT_TOP else pop.band_total(b)
            for b in engine.CERT_BANDS
        },
    )
