"""The prefecture's municipalities side by side, on the indicators the municipalities keep.

A fixed number of queries whatever the number of municipalities: each figure is read for
the whole prefecture at once, grouped by municipality (population 2, the insurer's report
1, participation 8, spread 7, surveys 1 and their cached results, the grant 2). Aggregates
only: no row names a person, and the survey's small cells stay hidden as on its own page.

The overview's figures are kept per process for ``KEPT_FOR`` seconds under a fingerprint
of the tables that imports write (counts, last ids and last import times): a new file
shows at once; a change typed by hand on a municipality's page shows within a minute.
Distinct participants over a year are the costly part (every named attendance of the
prefecture is read), and the table is read far more often than its sources change.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.areas.models import Municipality, PopulationRecord, Prefecture
from chiiki.areas.population import PopulationSummary, percent, summarize
from chiiki.core import wareki
from chiiki.core.params import ParamError
from chiiki.councils.models import Body
from chiiki.indicators.models import (
    Attendance,
    AttendanceCount,
    GrantAnswer,
    GrantAssessment,
    InsuranceYear,
)
from chiiki.indicators.selectors.participation import participation_by_municipality
from chiiki.indicators.selectors.spread import coverage_by_municipality
from chiiki.mutualaid.models import Service as AidService
from chiiki.prefecture import compare as engine
from chiiki.prefecture.selectors.common import prefecture_of
from chiiki.resources.models import Service as ResourceService
from chiiki.surveys.models import Survey
from chiiki.surveys.selectors import survey_results

OVERVIEW = (
    engine.Column("population", "総人口", "人", "人口", places=0),
    engine.Column("aged_65", "65歳以上", "人", "人口", places=0),
    engine.Column("aging", "高齢化率", "%", "人口", note="65歳以上人口÷総人口"),
    engine.Column("late_aging", "75歳以上の割合", "%", "人口", note="75歳以上人口÷総人口"),
    engine.Column(
        "certification",
        "認定率",
        "%",
        "介護保険",
        note="第1号被保険者の要介護（要支援）認定者÷第1号被保険者（介護保険事業状況報告）",
    ),
    engine.Column(
        "participation",
        "通いの場の参加率",
        "%",
        "通いの場",
        note="通いの場に参加した65歳以上の実人数÷65歳以上人口（年度）",
    ),
    engine.Column("council", "協議体", "%", "広がり", note="第2層・第3層の協議体がある地区の割合"),
    engine.Column("mutualaid", "助け合い", "%", "広がり", note="住民の助け合いがある地区の割合"),
    engine.Column(
        "kayoi", "毎週の通いの場", "%", "広がり", note="毎週開く通いの場がある地区の割合"
    ),
    engine.Column(
        "grant",
        "自己評価",
        "%",
        "交付金",
        note="保険者機能強化推進交付金の自己評価で「はい」と答えた指標の割合（共有した市町村のみ）",
    ),
)
VIEWS = {"overview": "概況", "survey": "ニーズ調査のリスク"}


@dataclass
class Comparison:
    prefecture: Prefecture
    on: dt.date
    view: str
    columns: list[engine.Column]
    rows: list[engine.Row]
    medians: dict[str, Decimal | None]
    sort: str | None
    descending: bool
    participation_year: int | None
    survey_names: dict[str, str] = field(default_factory=dict)  # code → survey (fiscal year)
    notes: list[str] = field(default_factory=list)

    def column(self, key: str) -> engine.Column | None:
        return next((c for c in self.columns if c.key == key), None)

    @property
    def groups(self) -> list[tuple[str, int]]:
        """The header's groups: (label, columns under it), in order."""
        out: list[tuple[str, int]] = []
        for c in self.columns:
            if out and out[-1][0] == c.group:
                out[-1] = (c.group, out[-1][1] + 1)
            else:
                out.append((c.group, 1))
        return out

    def tiles(self, key: str) -> list[engine.Tile]:
        return engine.tiles(self.rows, key)

    def summary(self, key: str) -> str:
        """The tile grid's column in a sentence, for the page and for a screen reader."""
        column = self.column(key)
        if column is None:
            return ""
        ends = engine.extremes(self.rows, key)
        have = sum(1 for r in self.rows if r.value(key) is not None)
        if ends is None:
            return f"{column.label}の数値がある市町村は{have}です。"
        hi, lo = ends
        return (
            f"{column.label}は{hi.name}が{hi.cells[key].shown}で最も高く、"
            f"{lo.name}が{lo.cells[key].shown}で最も低い。"
            f"数値のある{have}市町村の中央値は{self.median_text(key)}です。"
        )

    @property
    def median_texts(self) -> dict[str, str]:
        return {c.key: self.median_text(c.key) for c in self.columns}

    def median_text(self, key: str) -> str:
        column = self.column(key)
        value = self.medians.get(key)
        if column is None or value is None:
            return "—"
        return engine.shown(value, column)


def _cell(
    value: Decimal | int | None, places: int = 1, unit: str = "", detail: str = ""
) -> engine.Cell:
    if value is None:
        return engine.Cell(None, "—", detail)
    d = Decimal(value)
    text = f"{d:,.0f}" if places == 0 else f"{d:.{places}f}"
    return engine.Cell(d, text + unit, detail)


# --- the figures, each for the whole prefecture ----------------------------------------------


def population_by_municipality(ids: list[int], on: dt.date) -> dict[int, PopulationSummary]:
    """Each municipality's latest population table on or before ``on``, summed from its
    districts' cells when it has any, else from its municipality-level cells."""
    cells = PopulationRecord.objects.filter(municipality_id__in=ids, date__lte=on)
    days = dict(
        cells.order_by()
        .values_list("municipality_id")
        .annotate(d=Max("date"))
        .values_list("municipality_id", "d")
    )
    if not days:
        return {}
    which = Q()
    for m, day in days.items():
        which |= Q(municipality_id=m, date=day)
    found: dict[tuple[int, bool], list[tuple[int, int]]] = defaultdict(list)
    for m, district_id, age_from, n in (
        cells.filter(which)
        .order_by()
        .values_list("municipality_id", "district_id", "age_from")
        .annotate(n=Sum("count"))
    ):
        found[m, district_id is None].append((age_from, n))
    return {
        m: summarize(day, found.get((m, False)) or found.get((m, True), []))
        for m, day in days.items()
    }


def latest_insurance(ids: list[int]) -> dict[int, InsuranceYear]:
    """Each municipality's latest fiscal year of the insurer's report."""
    latest: dict[int, InsuranceYear] = {}
    for y in InsuranceYear.objects.filter(municipality_id__in=ids).order_by("fiscal_year"):
        latest[y.municipality_id] = y
    return latest


def participation_year(ids: list[int]) -> int | None:
    """The latest fiscal year with any attendance in the prefecture: one year for all, so
    that the rates compare."""
    days = [
        model.objects.filter(municipality_id__in=ids).aggregate(d=Max("day"))["d"]
        for model in (Attendance, AttendanceCount)
    ]
    known = [d for d in days if d is not None]
    return wareki.fiscal_year(max(known)) if known else None


def _grant(ids: list[int]) -> dict[int, tuple[int, dict[str, int]]]:
    """Each municipality's latest shared self-assessment: its fiscal year and the counts of
    its answers (はい・一部・いいえ). Never a note or a piece of evidence. (``ids`` are the
    prefecture's municipalities, as the door gave them.)"""
    shared = GrantAssessment.objects.filter(
        municipality_id__in=ids, shared_with_prefecture=True
    ).order_by("fiscal_year")
    latest = {a.municipality_id: a for a in shared}
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for assessment_id, answer, n in (
        GrantAnswer.objects.filter(assessment_id__in=[a.pk for a in latest.values()])
        .order_by()
        .values_list("assessment_id", "answer")
        .annotate(n=Count("id"))
    ):
        counts[assessment_id][answer] = n
    return {m: (a.fiscal_year, counts.get(a.pk, {})) for m, a in latest.items()}


def _surveys(user: Any, ids: list[int]) -> dict[int, Survey]:
    latest: dict[int, Survey] = {}
    for s in access.visible(
        user, Cap.SURVEY_RESULTS, Survey.objects.filter(municipality_id__in=ids)
    ).order_by("fiscal_year", "id"):
        latest[s.municipality_id] = s
    return latest


# --- the table ---------------------------------------------------------------------------------


def _overview_cells(
    m: Municipality,
    pop: PopulationSummary | None,
    insurance: InsuranceYear | None,
    rate: Any,
    spread: dict[str, tuple[int, int]],
    grant: tuple[int, dict[str, int]] | None,
) -> dict[str, engine.Cell]:
    cells: dict[str, engine.Cell] = {}
    day = (
        wareki.display(wareki.YearMonth(pop.date.year, pop.date.month)) if pop and pop.date else ""
    )
    cells["population"] = _cell(pop.total if pop else None, 0, "", day)
    cells["aged_65"] = _cell(pop.aged_65 if pop else None, 0)
    cells["aging"] = _cell(pop.aging_rate if pop else None, 1, "%")
    cells["late_aging"] = _cell(pop.late_aging_rate if pop else None, 1, "%")
    if insurance is not None:
        cells["certification"] = _cell(
            percent(insurance.certified_total, insurance.insured_65),
            1,
            "%",
            f"{insurance.fiscal_year}年度",
        )
    else:
        cells["certification"] = _cell(None)
    if rate is not None and not rate.attendances:
        cells["participation"] = engine.Cell(None, "—", "出席の記録なし")
    elif rate is not None and rate.participants == 0:
        # Headcount sheets only: attendances without names count no distinct participant.
        cells["participation"] = engine.Cell(None, "—", f"延べ{rate.attendances:,}人（名簿なし）")
    else:
        cells["participation"] = _cell(
            rate.rate if rate is not None else None,
            1,
            "%",
            f"{rate.participants_65:,}人" if rate is not None and rate.rate is not None else "",
        )
    for key in ("council", "mutualaid", "kayoi"):
        have, of = spread.get(key, (0, 0))
        cells[key] = _cell(percent(have, of), 1, "%", f"{have}/{of}地区" if of else "地区なし")
    if grant is not None:
        year, answers = grant
        answered = sum(answers.values())
        cells["grant"] = _cell(
            percent(answers.get("yes", 0), answered),
            1,
            "%",
            f"{year}年度 はい{answers.get('yes', 0)}・一部{answers.get('partly', 0)}"
            f"・いいえ{answers.get('no', 0)}",
        )
    else:
        cells["grant"] = engine.Cell(None, "未共有")
    return cells


def _risk_cells(
    user: Any, surveys: dict[int, Survey], ms: list[Municipality]
) -> tuple[list[engine.Column], dict[int, dict[str, engine.Cell]], dict[str, str]]:
    columns: dict[str, engine.Column] = {}
    cells: dict[int, dict[str, engine.Cell]] = defaultdict(dict)
    names: dict[str, str] = {}
    for m in ms:
        survey = surveys.get(m.pk)
        if survey is None:
            continue
        names[m.code] = f"{survey.name}（{survey.fiscal_year}年度）"
        table = survey_results(user=user, survey=survey, by="life_area")
        for risk, label in table.risks:
            columns.setdefault(risk, engine.Column(risk, label, "%", "ニーズ調査のリスク該当率"))
            total = table.total.get(risk)
            if total is None:
                continue
            if total.get("suppressed") or total.get("rate") is None:
                cells[m.pk][risk] = engine.Cell(None, suppressed=True)
                continue
            low, high = (Decimal(str(total[k])) * 100 for k in ("ci_low", "ci_high"))
            cells[m.pk][risk] = _cell(
                Decimal(str(total["rate"])) * 100,
                1,
                "%",
                f"95%CI {low:.1f}〜{high:.1f}",
            )
    return list(columns.values()), cells, names


KEPT_FOR = 60.0  # seconds
_KEPT: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()
_KEEP_AT_MOST = 16


def forget() -> None:
    """Drop the kept figures (for tests, and after a change that must show at once)."""
    _KEPT.clear()


def _fingerprint(ids: list[int]) -> tuple[Any, ...]:
    """What the tables that imports write say of themselves, for the prefecture: one small
    aggregate each (no table of residents: the register is covered by the time limit)."""
    where = {"municipality_id__in": ids}
    parts: list[Any] = [tuple(ids)]
    for qs, aggregates in (
        (PopulationRecord.objects.filter(**where), {"n": Count("id"), "s": Sum("count")}),
        (InsuranceYear.objects.filter(**where), {"n": Count("id"), "t": Max("imported_at")}),
        (
            Attendance.objects.filter(**where),
            {"n": Count("id"), "i": Max("id"), "t": Max("imported_at")},
        ),
        (
            AttendanceCount.objects.filter(**where),
            {"n": Count("id"), "i": Max("id"), "s": Sum("participants"), "t": Max("imported_at")},
        ),
        (ResourceService.objects.filter(**where), {"n": Count("id"), "t": Max("last_modified")}),
        (Body.objects.filter(**where), {"n": Count("id"), "i": Max("id")}),
        (AidService.objects.filter(**where), {"n": Count("id"), "i": Max("id")}),
        (
            GrantAssessment.objects.filter(**where, shared_with_prefecture=True),
            {"n": Count("id"), "i": Max("id")},
        ),
    ):
        parts.append(tuple(qs.order_by().aggregate(**aggregates).values()))
    return tuple(parts)


def overview_rows(
    ms: list[Municipality], on: dt.date
) -> tuple[list[engine.Row], int | None, dict[int, Any]]:
    """The overview's rows of these municipalities (a prefecture's, as the door or the
    command gave them), the participation year, and each municipality's participation
    total (for open data, which suppresses rates of small counts)."""
    ids = [m.pk for m in ms]
    key = (tuple(ids), on, _fingerprint(ids))
    kept = _KEPT.get(key)
    if kept is not None and time.monotonic() - kept[0] < KEPT_FOR:
        rows, year, totals = kept[1]
        return [engine.Row(r.code, r.name, dict(r.cells)) for r in rows], year, totals
    pop = population_by_municipality(ids, on)
    insurance = latest_insurance(ids)
    year = participation_year(ids)
    rates = participation_by_municipality(municipalities=ms, fiscal_year=year) if year else {}
    spread = coverage_by_municipality(municipality_ids=ids, on=on)
    grant = _grant(ids)
    rows = [
        engine.Row(
            m.code,
            m.name,
            _overview_cells(
                m,
                pop.get(m.pk),
                insurance.get(m.pk),
                rates[m.pk].total if m.pk in rates else None,
                spread.get(m.pk, {}),
                grant.get(m.pk),
            ),
        )
        for m in ms
    ]
    totals = {m: t.total for m, t in rates.items()}
    _KEPT[key] = (time.monotonic(), (rows, year, totals))
    while len(_KEPT) > _KEEP_AT_MOST:
        _KEPT.popitem(last=False)
    return [engine.Row(r.code, r.name, dict(r.cells)) for r in rows], year, totals


def side_by_side(
    *,
    user: Any,
    on: dt.date | None = None,
    view: str = "overview",
    sort: str | None = None,
    descending: bool = False,
) -> Comparison:
    """The prefecture's municipalities on the chosen view's columns, sorted, with the
    prefecture's median of each column and every figure's place against it."""
    prefecture = prefecture_of(user)
    on = on or timezone.localdate()
    ms = list(access.visible(user, Cap.PREFECTURE_VIEW, Municipality.objects.order_by("code")))
    ids = [m.pk for m in ms]
    year: int | None = None
    names: dict[str, str] = {}
    if view == "survey":
        columns, risk_cells, names = _risk_cells(user, _surveys(user, ids), ms)
        rows = [engine.Row(m.code, m.name, dict(risk_cells.get(m.pk, {}))) for m in ms]
    else:
        view = "overview"
        columns = list(OVERVIEW)
        rows, year, _ = overview_rows(ms, on)
    if sort is not None and sort not in {c.key for c in columns}:
        raise ParamError(
            "sort", sort, "表の列を指定してください: " + "、".join(c.key for c in columns)
        )
    middle = engine.medians(rows, columns)
    return Comparison(
        prefecture=prefecture,
        on=on,
        view=view,
        columns=columns,
        rows=engine.ordered(rows, sort, descending),
        medians=middle,
        sort=sort,
        descending=descending,
        participation_year=year,
        survey_names=names,
    )
