"""Reads of the support team's visits and the seminars: the coverage of the municipalities
by fiscal year (年度), the guide's seminar table, and the attendance by municipality."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum
from django.http import Http404

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.areas.models import Municipality, Prefecture
from chiiki.core.wareki import fiscal_year, format_fiscal_year
from chiiki.prefecture.models import Seminar, SeminarAttendance, TeamVisit


def _municipalities(prefecture: Prefecture) -> list[Municipality]:
    return list(Municipality.objects.filter(prefecture=prefecture).order_by("code"))


def year_label(year: int) -> str:
    return format_fiscal_year(year)


# --- coverage ------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearCoverage:
    year: int
    municipalities: int
    visited: int
    visits: int

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def complete(self) -> bool:
        return self.municipalities > 0 and self.visited == self.municipalities

    @property
    def line(self) -> str:
        """「管内63市町村のうち60市町村を訪問（平成30年度）」, or 「全63市町村を訪問（…）」."""
        if self.complete:
            return f"全{self.municipalities}市町村を訪問（{self.label}）"
        return f"管内{self.municipalities}市町村のうち{self.visited}市町村を訪問（{self.label}）"


@dataclass(frozen=True)
class CoverageRow:
    code: str
    name: str
    visits: tuple[int, ...]  # in the order of Coverage.years


@dataclass
class Coverage:
    prefecture: Prefecture
    years: list[int]
    rows: list[CoverageRow] = field(default_factory=list)
    totals: list[YearCoverage] = field(default_factory=list)

    def year(self, year: int) -> YearCoverage:
        return self.totals[self.years.index(year)]

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """For a download: one row per municipality, a column of visits per year."""
        columns = ["市町村コード", "市町村名", *(f"{year_label(y)}の訪問回数" for y in self.years)]
        rows: list[list[Any]] = [[r.code, r.name, *r.visits] for r in self.rows]
        rows.append(["", "訪問した市町村数", *(t.visited for t in self.totals)])
        rows.append(["", "管内の市町村数", *(t.municipalities for t in self.totals)])
        return columns, rows


def visit_years(prefecture: Prefecture) -> list[int]:
    """The fiscal years in which the team visited someone, oldest first."""
    days = TeamVisit.objects.filter(prefecture=prefecture).values_list("day", flat=True)
    return sorted({fiscal_year(d) for d in days.distinct()})


def team_coverage(*, prefecture: Prefecture, years: Sequence[int] | None = None) -> Coverage:
    """Municipalities × fiscal years with the number of visits, and per year how many of
    the prefecture's municipalities were visited. ``years`` defaults to every year with a
    visit (or none)."""
    chosen = sorted(set(years)) if years is not None else visit_years(prefecture)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    if chosen:
        visits = TeamVisit.objects.filter(
            prefecture=prefecture,
            day__gte=f"{chosen[0]}-04-01",
            day__lt=f"{chosen[-1] + 1}-04-01",
        )
        for municipality_id, day, n in (
            visits.values("municipality_id", "day")
            .annotate(n=Count("pk"))
            .values_list("municipality_id", "day", "n")
        ):
            counts[(municipality_id, fiscal_year(day))] += n
    munis = _municipalities(prefecture)
    coverage = Coverage(prefecture=prefecture, years=chosen)
    for m in munis:
        coverage.rows.append(CoverageRow(m.code, m.name, tuple(counts[(m.pk, y)] for y in chosen)))
    for i, y in enumerate(chosen):
        coverage.totals.append(
            YearCoverage(
                year=y,
                municipalities=len(munis),
                visited=sum(1 for r in coverage.rows if r.visits[i]),
                visits=sum(r.visits[i] for r in coverage.rows),
            )
        )
    return coverage


def team_visit_list(*, prefecture: Prefecture, limit: int = 100) -> list[TeamVisit]:
    """The latest visits, newest first."""
    return list(
        TeamVisit.objects.filter(prefecture=prefecture)
        .select_related("municipality")
        .order_by("-day", "municipality__code", "team")[:limit]
    )


def team_visit_rows(*, prefecture: Prefecture) -> tuple[list[str], list[list[Any]]]:
    """Every visit in the import's columns (a download can be imported again)."""
    columns = ["訪問日", "市町村コード", "市町村名", "チーム", "目的"]
    visits = (
        TeamVisit.objects.filter(prefecture=prefecture)
        .select_related("municipality")
        .order_by("day", "municipality__code", "team")
    )
    return columns, [
        [v.day.isoformat(), v.municipality.code, v.municipality.name, v.team, v.purpose]
        for v in visits
    ]


def team_visit_get_for_user(
    *, user: Any, visit_id: int, cap: Cap = Cap.PREFECTURE_EDIT
) -> TeamVisit:
    found = (
        access.visible(user, cap, TeamVisit.objects.select_related("municipality"))
        .filter(pk=visit_id)
        .first()
    )
    if found is None:
        raise Http404("訪問の記録がありません")
    return found


def municipality_of_prefecture(*, prefecture: Prefecture, municipality_id: int) -> Municipality:
    found = Municipality.objects.filter(prefecture=prefecture, pk=municipality_id).first()
    if found is None:
        raise Http404("この都道府県の市町村ではありません")
    return found


def municipality_choices(*, prefecture: Prefecture) -> list[Municipality]:
    return _municipalities(prefecture)


# --- seminars ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeminarRow:
    """One line of the guide's table: 年度 | セミナー名 | 対象者 (a session's name in front:
    「午前：…」)."""

    seminar: Seminar
    year: int
    first_of_year: bool
    rows_in_year: int
    municipalities: int
    attendees: int

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    def _with_session(self, text: str) -> str:
        return f"{self.seminar.session}：{text}" if self.seminar.session else text

    @property
    def title(self) -> str:
        return self._with_session(self.seminar.title)

    @property
    def audience(self) -> str:
        return self._with_session(self.seminar.audience)


def seminar_table(*, prefecture: Prefecture) -> list[SeminarRow]:
    """The prefecture's seminars grouped by 年度, oldest first, as the guide prints them."""
    seminars = list(
        Seminar.objects.filter(prefecture=prefecture)
        .annotate(n_munis=Count("attendance"))
        .order_by("day", "session", "pk")
    )
    totals = dict(
        SeminarAttendance.objects.filter(seminar__prefecture=prefecture)
        .values("seminar_id")
        .annotate(n=Sum("attendees"))
        .values_list("seminar_id", "n")
    )
    per_year: dict[int, int] = defaultdict(int)
    for s in seminars:
        per_year[fiscal_year(s.day)] += 1
    rows: list[SeminarRow] = []
    seen: set[int] = set()
    for s in seminars:
        y = fiscal_year(s.day)
        rows.append(
            SeminarRow(
                seminar=s,
                year=y,
                first_of_year=y not in seen,
                rows_in_year=per_year[y],
                municipalities=getattr(s, "n_munis", 0),
                attendees=totals.get(s.pk) or 0,
            )
        )
        seen.add(y)
    return rows


def seminar_get_for_user(*, user: Any, seminar_id: int, cap: Cap = Cap.PREFECTURE_VIEW) -> Seminar:
    """A seminar of the user's prefecture; 404 for another prefecture's."""
    found = access.visible(user, cap, Seminar.objects.all()).filter(pk=seminar_id).first()
    if found is None:
        raise Http404("セミナーがありません")
    return found


@dataclass(frozen=True)
class GridCell:
    municipality: Municipality
    attendees: int


def seminar_attendance_grid(*, seminar: Seminar) -> list[GridCell]:
    """Every municipality of the seminar's prefecture with its count (0 when none came)."""
    counts = dict(
        SeminarAttendance.objects.filter(seminar=seminar).values_list(
            "municipality_id", "attendees"
        )
    )
    return [
        GridCell(m, counts.get(m.pk, 0))
        for m in Municipality.objects.filter(prefecture_id=seminar.prefecture_id).order_by("code")
    ]


@dataclass
class AttendanceMatrix:
    """Municipalities × seminars: the attendees of each, with the totals both ways and the
    number of municipalities that took part in each seminar and in any."""

    seminars: list[SeminarRow]
    rows: list[tuple[Municipality, list[int], int]]
    column_totals: list[int]
    column_municipalities: list[int]
    total: int
    participating: int
    municipalities: int

    def table(self) -> tuple[list[str], list[list[Any]]]:
        columns = [
            "市町村コード",
            "市町村名",
            *(f"{s.year_label} {s.title}" for s in self.seminars),
            "合計",
        ]
        rows: list[list[Any]] = [[m.code, m.name, *cells, t] for m, cells, t in self.rows]
        rows.append(["", "参加者数の合計", *self.column_totals, self.total])
        rows.append(["", "参加した市町村数", *self.column_municipalities, self.participating])
        return columns, rows


def attendance_matrix(*, prefecture: Prefecture) -> AttendanceMatrix:
    seminars = seminar_table(prefecture=prefecture)
    index = {r.seminar.pk: i for i, r in enumerate(seminars)}
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * len(seminars))
    for municipality_id, seminar_id, n in SeminarAttendance.objects.filter(
        seminar__prefecture=prefecture
    ).values_list("municipality_id", "seminar_id", "attendees"):
        counts[municipality_id][index[seminar_id]] = n
    munis = _municipalities(prefecture)
    rows = [(m, counts[m.pk], sum(counts[m.pk])) for m in munis]
    return AttendanceMatrix(
        seminars=seminars,
        rows=rows,
        column_totals=[sum(r[1][i] for r in rows) for i in range(len(seminars))],
        column_municipalities=[sum(1 for r in rows if r[1][i]) for i in range(len(seminars))],
        total=sum(r[2] for r in rows),
        participating=sum(1 for r in rows if r[2]),
        municipalities=len(munis),
    )


def seminar_rows_for_download(*, prefecture: Prefecture) -> tuple[list[str], list[list[Any]]]:
    columns = ["年度", "開催日", "部", "セミナー名", "対象者", "参加市町村数", "参加者数"]
    return columns, [
        [
            r.year_label,
            r.seminar.day.isoformat(),
            r.seminar.session,
            r.seminar.title,
            r.seminar.audience,
            r.municipalities,
            r.attendees,
        ]
        for r in seminar_table(prefecture=prefecture)
    ]
