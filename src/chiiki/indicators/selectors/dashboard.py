"""The dashboards: the municipality's, a life area's or a district's figures, each section a
table (and, where it helps, a chart) made from the records the other apps keep.

Every query here is an aggregate (counts and sums by area, year or level); no resident is
read one by one, so a city of 430,000 costs the same handful of statements as a village.
Where a figure does not exist for an area (the insurer's report is kept for the whole
municipality only), the section says so instead of showing a number from elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from chiiki.areas.models import District, LifeArea, Municipality, PopulationRecord
from chiiki.areas.population import percent
from chiiki.casemeetings.models import Case, Outcome
from chiiki.core import wareki
from chiiki.councils.models import IssueStatus, RegionalIssue
from chiiki.indicators.models import Attendance, AttendanceCount, InsuranceYear
from chiiki.indicators.selectors.participation import participation_by_district
from chiiki.mutualaid.models import HelpRequest, Status, VolunteerProfile
from chiiki.people.models import CareLevel, Person
from chiiki.resources.models import Service as ResourceService
from chiiki.surveys.models import Survey
from chiiki.surveys.selectors import survey_results

MUNICIPALITY = "m"
CERTIFIED_LEVELS = [c for c in CareLevel if c not in (CareLevel.NONE, CareLevel.PROGRAM_ELIGIBLE)]


@dataclass(frozen=True)
class Area:
    """The area a dashboard is for: the municipality (``district_ids`` None), a life area or
    a district. ``key`` is what the page's selector sends: ``m``, ``l12``, ``d345``."""

    key: str
    kind: str  # municipality | life_area | district
    name: str
    district_ids: tuple[int, ...] | None = None
    group: str = ""  # the area's own name, as the survey results label their groups

    @property
    def whole(self) -> bool:
        return self.district_ids is None


def areas_of(municipality: Municipality) -> list[Area]:
    """The municipality, then each life area followed by its districts, in the tree's order."""
    districts = list(
        District.objects.filter(municipality=municipality)
        .select_related("life_area")
        .order_by("life_area__order", "life_area__code", "order", "code")
    )
    out = [Area(MUNICIPALITY, "municipality", str(municipality))]
    by_area: dict[int, list[District]] = defaultdict(list)
    lives: dict[int, LifeArea] = {}
    for d in districts:
        by_area[d.life_area_id].append(d)
        lives[d.life_area_id] = d.life_area
    for la_id, ds in by_area.items():
        name = lives[la_id].name
        out.append(Area(f"l{la_id}", "life_area", name, tuple(d.pk for d in ds), name))
        out.extend(Area(f"d{d.pk}", "district", f"{name} / {d.name}", (d.pk,), d.name) for d in ds)
    return out


@dataclass
class Section:
    """One block of the dashboard: its table (columns and rows of cells), the chart drawn
    from it, a sentence that says what it shows, and what the figures come from."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    summary: str = ""
    source: str = ""
    chart: dict[str, Any] | None = None
    missing: str = ""  # why there is no table, when there is none

    @property
    def shown_rows(self) -> list[list[str]]:
        """The rows as the page shows them: 12,345 for counts, — for what is not there."""
        return [[_shown(c) for c in r] for r in self.rows]

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "columns": self.columns,
            "rows": [[_plain(c) for c in r] for r in self.rows],
            "summary": self.summary,
            "source": self.source,
            "missing": self.missing,
        }


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "○" if value else "—"
    if isinstance(value, int):
        return str(value) if 1900 <= value <= 2100 else f"{value:,}"
    return str(value)


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _figure(
    x: list[Any], traces: list[tuple[str, list[Any]]], *, kind: str, y_title: str
) -> dict[str, Any]:
    return {
        "data": [
            {"type": kind, "name": name, "x": x, "y": [_plain(v) for v in ys]}
            | ({"mode": "lines+markers"} if kind == "scatter" else {})
            for name, ys in traces
        ],
        "layout": {
            "height": 320,
            "barmode": "stack",
            "font": {"family": "Noto Sans CJK JP, sans-serif"},
            # Plain grouped digits on the axis (12,000), never Plotly's SI suffixes (12k, 6B).
            "yaxis": {"title": {"text": y_title}, "rangemode": "tozero", "tickformat": ",~r"},
            # Years and labels are categories: a numeric axis would put ticks at 2,016.5.
            "xaxis": {
                "type": "date"
                if x and isinstance(x[0], str) and x[0][:4].isdigit() and "-" in x[0]
                else "category"
            },
            "margin": {"t": 20, "r": 10, "b": 40, "l": 60},
            "legend": {"orientation": "h"},
        },
    }


def aged_from(day: dt.date, age: int) -> dt.date:
    """The last birth date of someone who is ``age`` on ``day`` (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - age)
    except ValueError:
        return day.replace(year=day.year - age, day=28)


# --- population --------------------------------------------------------------------------


def population_section(municipality: Municipality, area: Area) -> Section:
    cells = PopulationRecord.objects.filter(municipality=municipality)
    if area.whole:
        has_districts = cells.filter(district__isnull=False).exists()
        cells = cells.filter(district__isnull=not has_districts)
    else:
        cells = cells.filter(district_id__in=area.district_ids)
    totals = {
        row["date"]: [row["total"], row["a65"] or 0, row["a75"] or 0]
        for row in cells.values("date")
        .annotate(
            total=Sum("count"),
            a65=Sum("count", filter=Q(age_from__gte=65)),
            a75=Sum("count", filter=Q(age_from__gte=75)),
        )
        .order_by("date")
    }
    section = Section(
        "population",
        "人口と高齢化率",
        ["基準日", "総人口", "65歳以上", "75歳以上", "高齢化率(%)", "75歳以上の割合(%)"],
        source="人口データ（住民基本台帳の年齢別人口の取り込み）",
    )
    if not totals:
        section.missing = "人口データがまだ取り込まれていません（人口データの画面から取り込みます）"
        return section
    for day in sorted(totals):
        total, a65, a75 = totals[day]
        section.rows.append(
            [day.isoformat(), total, a65, a75, percent(a65, total), percent(a75, total)]
        )
    first, last = section.rows[0], section.rows[-1]
    section.summary = (
        f"{area.name}の高齢化率は{last[0]}時点で{last[4]}%"
        + (f"（{first[0]}の{first[4]}%から）" if len(section.rows) > 1 else "")
        + f"。65歳以上は{last[2]:,}人、75歳以上は{last[3]:,}人です。"
    )
    section.chart = _figure(
        [r[0] for r in section.rows],
        [
            ("高齢化率", [r[4] for r in section.rows]),
            ("75歳以上の割合", [r[5] for r in section.rows]),
        ],
        kind="scatter",
        y_title="%",
    )
    return section


# --- certification and costs (the insurer's report, and the register by area) ---------------


def _years(municipality: Municipality) -> list[InsuranceYear]:
    return list(InsuranceYear.objects.filter(municipality=municipality).order_by("fiscal_year"))


def certification_section(municipality: Municipality, area: Area) -> Section:
    levels = [c.label for c in CERTIFIED_LEVELS]
    if area.whole:
        section = Section(
            "certification",
            "要介護（要支援）認定者数と認定率",
            ["年度", "第1号被保険者数", *levels, "認定者数", "認定率(%)"],
            source="介護保険事業状況報告（年報）の取り込み。第1号被保険者の認定者",
        )
        years = _years(municipality)
        if not years:
            section.missing = "介護保険事業状況報告の数値がまだ取り込まれていません"
            return section
        for y in years:
            section.rows.append(
                [
                    y.fiscal_year,
                    y.insured_65,
                    *y.certified,
                    y.certified_total,
                    percent(y.certified_total, y.insured_65),
                ]
            )
        last = section.rows[-1]
        section.summary = (
            f"{last[0]}年度の認定率は{last[-1]}%（認定者{last[-2]:,}人／第1号被保険者{last[1]:,}人）"
            + (
                f"、{section.rows[0][0]}年度は{section.rows[0][-1]}%"
                if len(section.rows) > 1
                else ""
            )
            + "です。"
        )
        section.chart = _figure(
            [r[0] for r in section.rows],
            [(label, [r[2 + i] for r in section.rows]) for i, label in enumerate(levels)],
            kind="bar",
            y_title="人",
        )
        return section
    return _certification_from_register(municipality, area, levels)


def _certification_from_register(
    municipality: Municipality, area: Area, levels: list[str]
) -> Section:
    """A life area's or district's rate: the report has none, so the register's current
    residents aged 65+ and the care levels imported from the insurer's file are counted."""
    section = Section(
        "certification",
        "要介護（要支援）認定者数と認定率（住民記録から・現在）",
        ["", "65歳以上の住民", *levels, "認定者数", "認定率(%)"],
        source="住民記録の取り込みと要介護認定の取り込み（転出者を除く現在の65歳以上）",
    )
    today = timezone.localdate()
    born_by = aged_from(today, 65)
    counts = dict(
        Person.objects.current()
        .filter(
            municipality=municipality, district_id__in=area.district_ids, birth_date__lte=born_by
        )
        .values_list("care_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    aged = sum(counts.values())
    if not aged:
        section.missing = "この地域の65歳以上の住民がまだ登録されていません（住民記録の取り込み）"
        return section
    by_level = [counts.get(c.value, 0) for c in CERTIFIED_LEVELS]
    certified = sum(by_level)
    section.rows.append([today.isoformat(), aged, *by_level, certified, percent(certified, aged)])
    section.summary = (
        f"{area.name}の65歳以上の住民{aged:,}人のうち、認定を受けている人は{certified:,}人"
        f"（{percent(certified, aged)}%）です。圏域・地区別の数は介護保険事業状況報告にないため、"
        "住民記録から数えています。"
    )
    return section


def costs_section(municipality: Municipality, area: Area) -> Section:
    section = Section(
        "costs",
        "介護給付費と第1号保険料",
        ["年度", "給付費(円)", "第1号被保険者1人あたり(円)", "第1号保険料(月額・円)"],
        source="介護保険事業状況報告（年報）の取り込み",
    )
    if not area.whole:
        section.missing = "給付費は市町村全体の数値です（圏域・地区別の数値は報告にありません）"
        return section
    years = _years(municipality)
    if not years:
        section.missing = "介護保険事業状況報告の数値がまだ取り込まれていません"
        return section
    for y in years:
        per_head = round(y.benefit_cost / y.insured_65) if y.insured_65 else None
        section.rows.append([y.fiscal_year, y.benefit_cost, per_head, y.premium_monthly])
    first, last = section.rows[0], section.rows[-1]
    section.summary = f"{last[0]}年度の給付費は{last[1] / 100_000_000:,.1f}億円" + (
        f"で、{first[0]}年度の{first[1] / 100_000_000:,.1f}億円の{last[1] / first[1]:.2f}倍です。"
        if len(section.rows) > 1 and first[1]
        else "です。"
    )
    section.chart = _figure(
        [r[0] for r in section.rows],
        [("給付費", [r[1] for r in section.rows])],
        kind="bar",
        y_title="円",
    )
    return section


# --- gathering places, volunteers and mutual aid ----------------------------------------


def places_section(municipality: Municipality, area: Area) -> Section:
    """The gathering places now, and the national KPI by fiscal year: distinct participants
    aged 65+ over the population aged 65+ (see chiiki.indicators.participation)."""
    places = ResourceService.objects.filter(
        municipality=municipality, category_codes__contains="|kayoi|", status="active"
    )
    if not area.whole:
        places = places.filter(district_id__in=area.district_ids)
    weekly = places.filter(schedules__freq="WEEKLY", schedules__interval=1).distinct().count()
    count = places.count()
    section = Section(
        "places",
        "通いの場と参加率",
        ["年度", "参加した65歳以上（実人数）", "65歳以上人口", "参加率(%)", "延べ参加者数"],
        source="地域資源の「通いの場・サロン」（公開中）とその日程、通いの場の出席の取り込み",
    )
    for year in _attendance_years(municipality):
        table = participation_by_district(municipality=municipality, fiscal_year=year)
        rows = (
            [table.total]
            if area.whole
            else [r for r in table.rows if r.district_id in set(area.district_ids or ())]
        )
        joined = sum(r.participants_65 for r in rows)
        population = sum(r.population_65 for r in rows)
        visits = sum(r.attendances for r in rows)
        section.rows.append([year, joined, population, percent(joined, population), visits])
    places_text = (
        f"{area.name}には通いの場が{count:,}か所あり、うち{weekly:,}か所が毎週開かれています。"
    )
    if not section.rows:
        section.missing = "通いの場の出席がまだ取り込まれていないため、参加率は出せません"
        section.summary = places_text
        return section
    last = section.rows[-1]
    section.summary = places_text + (
        f"{last[0]}年度に参加した65歳以上の人は{last[1]:,}人で、65歳以上人口の{last[3]}%です"
        "（国の指標: 通いの場に参加する高齢者の割合）。"
        if last[3] is not None
        else ""
    )
    section.chart = _figure(
        [r[0] for r in section.rows],
        [("参加率", [r[3] for r in section.rows])],
        kind="bar",
        y_title="%",
    )
    return section


def _attendance_years(municipality: Municipality) -> list[int]:
    days: list[dt.date] = []
    for model in (Attendance, AttendanceCount):
        found = (
            model.objects.filter(municipality=municipality)
            .order_by()
            .aggregate(low=Min("day"), high=Max("day"))
        )
        days += [d for d in found.values() if d is not None]
    if not days:
        return []
    return list(range(wareki.fiscal_year(min(days)), wareki.fiscal_year(max(days)) + 1))


def mutualaid_section(municipality: Municipality, area: Area) -> Section:
    profiles = VolunteerProfile.objects.filter(service__municipality=municipality)
    jobs = HelpRequest.objects.filter(service__municipality=municipality, status=Status.DONE)
    if not area.whole:
        profiles = profiles.filter(districts__in=area.district_ids)
        jobs = jobs.filter(district_id__in=area.district_ids)
    volunteers = profiles.values("volunteer_id").distinct().count()
    by_year: dict[int, int] = defaultdict(int)
    for row in (
        jobs.exclude(done_on=None)
        .values("done_on__year", "done_on__month")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_year[row["done_on__year"] - (row["done_on__month"] < 4)] += row["n"]
    section = Section(
        "mutualaid",
        "助け合い（ボランティアと活動）",
        ["年度", "完了した活動（件）"],
        rows=[[y, by_year[y]] for y in sorted(by_year)],
        source="助け合いの依頼（完了）とボランティアの登録",
    )
    section.summary = f"{area.name}で活動するボランティアは{volunteers:,}人" + (
        f"、{max(by_year)}年度に完了した活動は{by_year[max(by_year)]:,}件です。"
        if by_year
        else "です。"
    )
    if not by_year:
        section.missing = "完了した助け合いの活動はまだありません"
    else:
        section.chart = _figure(
            [r[0] for r in section.rows],
            [("完了した活動", [r[1] for r in section.rows])],
            kind="bar",
            y_title="件",
        )
    return section


# --- regional issues and case meetings -------------------------------------------------------


def issues_section(municipality: Municipality, area: Area) -> Section:
    issues = RegionalIssue.objects.filter(municipality=municipality)
    cases = Case.objects.filter(municipality=municipality)
    if not area.whole:
        issues = issues.filter(
            Q(district_id__in=area.district_ids)
            | Q(district=None, life_area__districts__in=area.district_ids)
        ).distinct()
        cases = cases.filter(district_id__in=area.district_ids)
    status = dict(issues.values_list("status").annotate(n=Count("id")).order_by())
    outcome = dict(cases.values_list("outcome").annotate(n=Count("id")).order_by())
    rows = [["地域課題", s.label, status.get(s.value, 0)] for s in IssueStatus]
    # A case without a result yet is still being followed: it counts as 継続中.
    outcome[Outcome.ONGOING] = outcome.get(Outcome.ONGOING, 0) + outcome.pop("", 0)
    rows += [["地域ケア会議の事例", o.label, outcome.get(o.value, 0)] for o in Outcome]
    closed = sum(outcome.get(o, 0) for o in (Outcome.MET, Outcome.PARTLY, Outcome.NOT_MET))
    met = outcome.get(Outcome.MET, 0) + outcome.get(Outcome.PARTLY, 0)
    section = Section(
        "issues",
        "地域課題の状況と地域ケア会議の結果",
        ["区分", "状況", "件数"],
        rows=rows,
        source="協議体の地域課題台帳と、地域ケア会議の事例",
    )
    section.summary = (
        f"地域課題は{sum(status.values()):,}件（うち解決{status.get(IssueStatus.RESOLVED, 0):,}件）。"
        f"地域ケア会議で終結した事例{closed:,}件のうち、目標を達成・一部達成したのは{met:,}件です。"
    )
    return section


# --- the needs survey's risks ------------------------------------------------------------------


def survey_section(user: Any, municipality: Municipality, area: Area) -> Section:
    """The latest survey's risk rates for the area, with their 95% intervals (cells under the
    survey's suppression threshold stay hidden, as on the survey's own page)."""
    section = Section(
        "survey",
        "ニーズ調査のリスク該当率",
        ["リスク", "回答者", "該当者", "該当率(%)", "95%信頼区間 下限", "上限"],
    )
    survey = (
        Survey.objects.filter(municipality=municipality).order_by("-fiscal_year", "-id").first()
    )
    if survey is None:
        section.missing = "ニーズ調査がまだ取り込まれていません"
        return section
    section.source = f"{survey.name}（{survey.fiscal_year}年度）の回答と判定"
    by = "district" if area.kind == "district" else "life_area"
    table = survey_results(user=user, survey=survey, by=by)
    for risk, label in table.risks:
        cell = table.total.get(risk) if area.whole else table.cells.get((area.group, risk))
        if cell is None or cell.get("suppressed"):
            section.rows.append([label, cell["respondents"] if cell else 0, "—", "—", "—", "—"])
            continue
        section.rows.append(
            [
                label,
                cell["respondents"],
                cell["positive"],
                _pct(cell["rate"]),
                _pct(cell["ci_low"]),
                _pct(cell["ci_high"]),
            ]
        )
    shown = [r for r in section.rows if r[3] != "—"]
    if not shown:
        section.missing = "この地域の回答者が少ないため、該当率を表示しません"
        section.rows = []
        return section
    top = max(shown, key=lambda r: r[3])
    section.summary = (
        f"{area.name}で該当率がいちばん高いリスクは「{top[0]}」の{top[3]}%"
        f"（95%信頼区間 {top[4]}〜{top[5]}%）です。"
    )
    section.chart = _figure(
        [r[0] for r in shown], [("該当率", [r[3] for r in shown])], kind="bar", y_title="%"
    )
    return section


def _pct(value: Any) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(str(value)) * 100).quantize(Decimal("0.1"))


SECTIONS = (
    population_section,
    certification_section,
    costs_section,
    places_section,
    mutualaid_section,
    issues_section,
)


def dashboard(user: Any, municipality: Municipality, area: Area) -> list[Section]:
    out = [build(municipality, area) for build in SECTIONS]
    out.insert(5, survey_section(user, municipality, area))
    return out
