"""The participation rate of gathering places (通いの場への参加率): the arithmetic. Pure.

The national KPI (厚生労働省「介護予防・日常生活支援総合事業（地域支援事業）の実施状況に関
する調査」) is 参加者実人数 (distinct participants) of those aged 65 and over, over the
population aged 65 and over (高齢者人口, from the resident register). Here:

1. The year is the fiscal year (年度, April to March).
2. A participant is a resident with at least one named attendance at a gathering place in
   the year; each is counted once, in the district they live in.
3. Age is taken on the fiscal year's last day (3月31日): the survey asks, where it can, for
   the state in March, and the population table of the year is its latest one. A resident
   who turns 65 during the year counts, in the numerator and in the register's
   denominator alike.
4. The population aged 65+ is the latest population table dated within the year; where it
   has no cells for a district (or there is none), the resident register's count of people
   aged 65+ on that day who had not moved out by then, and the row says so.
5. Sheets that give only a headcount add to the attendances (延べ参加者数) but to no
   distinct participant: who came is not known.

The national survey counts the participants of one month (可能ならば3月); a count over the
whole year is higher. The rate is a percentage to one decimal place, rounded half up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from chiiki.areas.population import percent
from chiiki.core import wareki

AGED = 65
TABLE, REGISTER, NONE = "population", "register", "none"
SOURCE_LABELS = {TABLE: "人口データ", REGISTER: "住民記録", NONE: "なし"}


def year_span(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a fiscal year (2025 → 2025-04-01, 2026-03-31)."""
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def reference_day(fiscal_year: int) -> dt.date:
    """The day ages are taken on: the fiscal year's last day."""
    return year_span(fiscal_year)[1]


def born_by(fiscal_year: int) -> dt.date:
    """The latest birth date of someone aged 65 or over on the reference day."""
    day = reference_day(fiscal_year)
    return day.replace(year=day.year - AGED)  # March 31 exists in every year


def rate(participants: int, population: int) -> Decimal | None:
    """Participants over population, in percent to one decimal (None without population)."""
    return percent(participants, population)


@dataclass(frozen=True)
class DistrictFigures:
    """What the database gave for one district (or for places in no district: id None)."""

    id: int | None
    name: str
    life_area: str
    participants_65: int = 0
    participants: int = 0
    table_65: int | None = None  # the population table's 65+ (None: no cells)
    register_65: int = 0
    named_attendances: int = 0
    counted_attendances: int = 0
    counted_65: int | None = None  # 65+ of the headcounts that gave it
    places: int = 0


@dataclass(frozen=True)
class Row:
    district_id: int | None
    district: str
    life_area: str
    participants_65: int
    participants: int
    population_65: int
    population_source: str
    rate: Decimal | None
    attendances: int  # named and counted
    counted_attendances: int  # of which from headcount sheets
    counted_65: int | None
    places: int

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.population_source]

    def as_json(self) -> dict[str, object]:
        return {
            "district": self.district,
            "life_area": self.life_area,
            "participants_65": self.participants_65,
            "participants": self.participants,
            "population_65": self.population_65,
            "population_source": self.population_source,
            "rate": float(self.rate) if self.rate is not None else None,
            "attendances": self.attendances,
            "counted_attendances": self.counted_attendances,
            "counted_65": self.counted_65,
            "places": self.places,
        }


@dataclass(frozen=True)
class Table:
    fiscal_year: int
    start: dt.date
    end: dt.date
    population_date: dt.date | None
    rows: list[Row]
    total: Row
    notes: list[str] = field(default_factory=list)

    @property
    def year_label(self) -> str:
        return f"{wareki.format_fiscal_year(self.fiscal_year)}（{self.fiscal_year}年度）"

    def summary(self) -> str:
        """The table in a sentence or two, for the page and for a screen reader."""
        t = self.total
        if not t.attendances:
            return f"{self.year_label}の通いの場の出席の記録はありません。"
        head = (
            f"{self.year_label}、通いの場に参加した65歳以上の人は{t.participants_65:,}人で、"
            f"65歳以上人口{t.population_65:,}人の"
            + (f"{t.rate}%" if t.rate is not None else "（人口が不明のため率は出せません）")
            + f"です（延べ参加者数{t.attendances:,}人）。"
        )
        ranked = [r for r in self.rows if r.rate is not None and r.district_id is not None]
        if len(ranked) >= 2:
            hi = max(ranked, key=lambda r: (r.rate, r.participants_65))
            lo = min(ranked, key=lambda r: (r.rate, -r.participants_65))
            head += f"地区別では{hi.district}が{hi.rate}%で最も高く、{lo.district}が{lo.rate}%で最も低い。"
        return head


def _row(f: DistrictFigures, population: int, source: str) -> Row:
    return Row(
        district_id=f.id,
        district=f.name,
        life_area=f.life_area,
        participants_65=f.participants_65,
        participants=f.participants,
        population_65=population,
        population_source=source,
        rate=rate(f.participants_65, population) if source != NONE else None,
        attendances=f.named_attendances + f.counted_attendances,
        counted_attendances=f.counted_attendances,
        counted_65=f.counted_65,
        places=f.places,
    )


def _sum_65(values: Sequence[int | None]) -> int | None:
    given = [v for v in values if v is not None]
    return sum(given) if given else None


def build(
    *,
    fiscal_year: int,
    districts: Sequence[DistrictFigures],
    population_date: dt.date | None,
    municipality_table_65: int | None,
) -> Table:
    """The rows by district and the municipality's total, with the notes the table needs.

    ``municipality_table_65``: the population table's 65+ for the whole municipality when
    it has only municipality-level cells (else None: the districts' cells add up to it).
    """
    start, end = year_span(fiscal_year)
    rows: list[Row] = []
    fell_back: list[str] = []
    for f in districts:
        if f.id is None:  # places in no district: attendances only
            rows.append(_row(f, 0, NONE))
        elif f.table_65 is not None:
            rows.append(_row(f, f.table_65, TABLE))
        else:
            rows.append(_row(f, f.register_65, REGISTER))
            fell_back.append(f.name)
    in_districts = [r for r in rows if r.district_id is not None]
    if any(f.table_65 is not None for f in districts):  # some districts may be the register's
        population, source = sum(r.population_65 for r in in_districts), TABLE
    elif municipality_table_65 is not None:
        population, source = municipality_table_65, TABLE
    else:
        population, source = sum(f.register_65 for f in districts), REGISTER
    total = _row(
        DistrictFigures(
            id=None,
            name="市町村全体",
            life_area="",
            participants_65=sum(f.participants_65 for f in districts),
            participants=sum(f.participants for f in districts),
            named_attendances=sum(f.named_attendances for f in districts),
            counted_attendances=sum(f.counted_attendances for f in districts),
            counted_65=_sum_65([f.counted_65 for f in districts]),
            places=sum(f.places for f in districts),
        ),
        population,
        source,
    )
    return Table(
        fiscal_year=fiscal_year,
        start=start,
        end=end,
        population_date=population_date,
        rows=rows,
        total=total,
        notes=_notes(fiscal_year, population_date, fell_back, len(in_districts), rows),
    )


def _notes(
    fiscal_year: int,
    population_date: dt.date | None,
    fell_back: list[str],
    district_count: int,
    rows: Sequence[Row],
) -> list[str]:
    day = reference_day(fiscal_year)
    notes = [
        f"参加者は、この年度に名前のある出席が1回以上ある人の実人数です（年齢は{day.isoformat()}時点、"
        "住んでいる地区で数えます）。延べ参加者数は通いの場のある地区で数えます。",
        "人数だけの記録（名前のない出席簿）は延べ参加者数に入り、参加者の実人数には入りません。",
    ]
    if population_date is not None:
        notes.append(f"65歳以上人口は{population_date.isoformat()}時点の人口データです。")
    if fell_back:
        where = "すべての地区" if len(fell_back) == district_count else "、".join(fell_back)
        notes.append(
            f"{where}は、年度内の人口データがないため、住民記録の65歳以上の人数"
            f"（{day.isoformat()}時点で転出等のない人）を使っています。"
        )
    if any(r.district_id is None for r in rows):
        notes.append("地区の定まっていない通いの場の出席は、市町村全体にだけ数えています。")
    notes.append(
        "国の実施状況調査は任意の1か月（可能ならば3月）の参加者実人数を数えます。"
        "ここでは年度を通して数えるため、国の値より高くなります。"
    )
    return notes


def figures_by_district(
    districts: Sequence[tuple[int, str, str]],
    *,
    participants_65: Mapping[int, int],
    participants: Mapping[int, int],
    table_65: Mapping[int, int],
    register_65: Mapping[int, int],
    named: Mapping[int | None, int],
    counted: Mapping[int | None, int],
    counted_65: Mapping[int | None, int],
    places: Mapping[int | None, int],
) -> list[DistrictFigures]:
    """The database's grouped counts as one figure per district, and one for places that
    lie in no district when they have any attendance."""
    found = [
        DistrictFigures(
            id=pk,
            name=name,
            life_area=life_area,
            participants_65=participants_65.get(pk, 0),
            participants=participants.get(pk, 0),
            table_65=table_65.get(pk),
            register_65=register_65.get(pk, 0),
            named_attendances=named.get(pk, 0),
            counted_attendances=counted.get(pk, 0),
            counted_65=counted_65.get(pk),
            places=places.get(pk, 0),
        )
        for pk, name, life_area in districts
    ]
    if named.get(None) or counted.get(None):
        found.append(
            DistrictFigures(
                id=None,
                name="地区なし",
                life_area="",
                named_attendances=named.get(None, 0),
                counted_attendances=counted.get(None, 0),
                counted_65=counted_65.get(None),
                places=places.get(None, 0),
            )
        )
    return found
