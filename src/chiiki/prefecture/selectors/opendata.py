"""The open-data tables of a municipality or a prefecture, built from the other apps' reads.

Every table is an aggregate: counts and rates by district, year, level or municipality,
never a person. Counts of people are suppressed from 1 to 9 with their complements
(:mod:`chiiki.prefecture.opendata`); the survey's risk rates keep the survey app's own
suppression (a group with fewer than 10 respondents is hidden there, with its complements).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Max, Min, Sum
from django.utils import timezone

from chiiki.areas.models import Municipality, Prefecture
from chiiki.areas.population import percent
from chiiki.areas.selectors import municipality_overview
from chiiki.core import wareki
from chiiki.indicators.grant.selectors import municipality_of
from chiiki.indicators.models import Attendance, AttendanceCount, InsuranceYear
from chiiki.indicators.selectors.participation import participation_by_district
from chiiki.people.models import CareLevel
from chiiki.prefecture import opendata as engine
from chiiki.prefecture.models import Dispatch, SeminarAttendance, TeamVisit, WorkKind
from chiiki.prefecture.opendata import TOTAL, Column, Grid, Table
from chiiki.prefecture.selectors import compare
from chiiki.prefecture.selectors.common import municipalities_of, prefecture_of
from chiiki.surveys.models import Survey
from chiiki.surveys.selectors import survey_results, survey_results_for_system

LEVELS = [c for c in CareLevel if c not in (CareLevel.NONE, CareLevel.PROGRAM_ELIGIBLE)]
LEVEL_NAMES = ("support_1", "support_2", "care_1", "care_2", "care_3", "care_4", "care_5")
PEOPLE = {"minimum": 0}
RATE = {"minimum": 0, "maximum": 100}
WHOLE = "市町村全体"
PREFECTURE_TOTAL = "県計"


def _people(name: str, description: str) -> Column:
    return Column(name, f"{name}（人）", "integer", description, "人", PEOPLE)


def _rate(name: str, description: str) -> Column:
    return Column(name, f"{name}（%）", "number", description, "%", RATE)


def _text(name: str, description: str) -> Column:
    return Column(name, name, "string", description)


CODE = _text("全国地方公共団体コード", "JIS X 0402 の6桁（検査数字つき）。県計の行は空欄")
NAME = _text("市区町村名", "市区町村の名前。県全体の行は「県計」")
YEAR = Column("年度", "年度", "year", "年度（4月から翌年3月）を始まりの西暦年で表す")


def _rows_hidden(
    grid: Grid[Any, Any], keys: Sequence[Any], names: dict[Any, str], start: int = 0
) -> set[tuple[int, str]]:
    """The grid's hidden cells as (row index, column name): ``keys`` are the grid's rows in
    the table's order (TOTAL for the total row), ``names`` the columns of the grid's cols."""
    at = {k: start + i for i, k in enumerate(keys)}
    return {(at[r], names[c]) for r, c in grid.hidden() if r in at and c in names}


# --- a municipality's tables --------------------------------------------------------------------


def population_table(municipality: Municipality) -> Table:
    """Population by district at the latest population table: total, 65+ and 75+."""
    overview = municipality_overview(municipality=municipality)
    columns = (
        Column("基準日", "基準日", "date", "人口データの基準日（住民基本台帳）"),
        _text("生活圏域", "日常生活圏域。市町村全体の行は空欄"),
        _text("地区", "地区。市町村全体の行は「市町村全体」"),
        _people("総人口", "基準日の総人口"),
        _people("65歳以上人口", "基準日に65歳以上の人口"),
        _people("75歳以上人口", "基準日に75歳以上の人口"),
        _rate("高齢化率", "65歳以上人口÷総人口（小数第1位で四捨五入）"),
        _rate("75歳以上の割合", "75歳以上人口÷総人口（小数第1位で四捨五入）"),
    )
    figures = ("総人口", "65歳以上人口", "75歳以上人口")
    areas = [
        (la.area.name, d.area.name, d.summary)
        for la in overview.life_areas
        for d in la.districts
        if d.summary.total
    ]
    if overview.date is None:
        areas = []
    keys: list[Any] = list(range(len(areas)))
    counts: dict[tuple[Any, str], int] = {}
    for i, (_, _, s) in enumerate(areas):
        counts.update({(i, "総人口"): s.total, (i, "65歳以上人口"): s.aged_65})
        counts[(i, "75歳以上人口")] = s.aged_75
    grid = Grid(tuple(keys), figures, counts, row_totals=False, col_totals=bool(areas))
    if overview.date is not None:
        areas.append(("", WHOLE, overview.summary))
    rows = [
        (overview.date, la, d, s.total, s.aged_65, s.aged_75, s.aging_rate, s.late_aging_rate)
        for la, d, s in areas
    ]
    hidden = _rows_hidden(grid, [*keys, TOTAL], {c: c for c in figures})
    if len(rows) == 1:  # the municipality's row alone: primary suppression only
        hidden = {(0, f) for f, v in zip(figures, rows[0][3:6], strict=True) if engine.primary(v)}
    hidden |= _rate_cells(hidden, len(rows), {"高齢化率": ("65歳以上人口", "総人口")})
    hidden |= _rate_cells(hidden, len(rows), {"75歳以上の割合": ("75歳以上人口", "総人口")})
    return Table(
        name="population-by-district",
        title="地区別の人口と高齢化率",
        description=f"{municipality}の地区別の人口（最新の基準日）。1〜9人の値と、"
        "合計から逆算できる値は「X」で秘匿しています。",
        columns=columns,
        rows=tuple(rows),
        hidden=frozenset(hidden),
        source="住民基本台帳に基づく人口データ（市町村が取り込んだもの）",
    )


def _rate_cells(
    hidden: set[tuple[int, str]], n: int, rates: dict[str, tuple[str, ...]]
) -> set[tuple[int, str]]:
    """The rate cells to hide: those made from a hidden count (row by row)."""
    return {
        (i, rate)
        for i in range(n)
        for rate, parts in rates.items()
        if engine.rate_hidden(*((i, p) in hidden for p in parts))
    }


def certification_table(municipality: Municipality) -> Table:
    """Certified people of the 第1号被保険者 by care level and fiscal year, with the rate."""
    years = list(InsuranceYear.objects.filter(municipality=municipality).order_by("fiscal_year"))
    labels = [c.label for c in LEVELS]
    columns = (
        YEAR,
        _people("第1号被保険者数", "年度末の第1号被保険者数"),
        *(_people(label, f"年度末の{label}の認定者数（第1号被保険者）") for label in labels),
        _people("認定者数", "要支援1〜要介護5の合計"),
        _rate("認定率", "認定者数÷第1号被保険者数（小数第1位で四捨五入）"),
    )
    counts = {
        (y.fiscal_year, label): n
        for y in years
        for label, n in zip(labels, y.certified, strict=True)
    }
    grid = Grid(tuple(y.fiscal_year for y in years), tuple(labels), counts, col_totals=False)
    at = {y.fiscal_year: i for i, y in enumerate(years)}
    hidden = {(at[r], "認定者数" if c is TOTAL else c) for r, c in grid.hidden()}
    hidden |= {(i, "第1号被保険者数") for i, y in enumerate(years) if engine.primary(y.insured_65)}
    hidden |= _rate_cells(hidden, len(years), {"認定率": ("認定者数", "第1号被保険者数")})
    rows = tuple(
        (
            y.fiscal_year,
            y.insured_65,
            *y.certified,
            y.certified_total,
            percent(y.certified_total, y.insured_65),
        )
        for y in years
    )
    return Table(
        name="certification-by-year",
        title="要介護（要支援）認定者数と認定率",
        description=f"{municipality}の年度別の要介護（要支援）認定者数（第1号被保険者）。"
        "1〜9人の値と、合計から逆算できる値は「X」で秘匿しています。",
        columns=columns,
        rows=rows,
        hidden=frozenset(hidden),
        source="介護保険事業状況報告（年報）",
    )


def attendance_years(municipality: Municipality) -> list[int]:
    """The fiscal years from the first to the last recorded attendance at a place."""
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


def participation_table(municipality: Municipality) -> Table:
    """The gathering places' participation rate by district and fiscal year (the national
    KPI: distinct participants aged 65+ over the population aged 65+)."""
    columns = (
        YEAR,
        _text("生活圏域", "日常生活圏域。市町村全体の行は空欄"),
        _text("地区", "参加者の住む地区。市町村全体の行は「市町村全体」"),
        _people("参加した65歳以上の人数", "年度に通いの場に1回以上参加した65歳以上の実人数"),
        _people("65歳以上人口", "年度内の最新の人口データ（ない地区は住民記録）の65歳以上"),
        _rate("参加率", "参加した65歳以上の人数÷65歳以上人口（小数第1位で四捨五入）"),
        Column(
            "通いの場の数",
            "通いの場の数（か所）",
            "integer",
            "出席の記録のある通いの場",
            "か所",
            PEOPLE,
        ),
    )
    figures = {"participants_65": "参加した65歳以上の人数", "population_65": "65歳以上人口"}
    rows: list[tuple[Any, ...]] = []
    hidden: set[tuple[int, str]] = set()
    for year in attendance_years(municipality):
        table = participation_by_district(municipality=municipality, fiscal_year=year)
        keys = tuple(range(len(table.rows)))
        counts = {(i, f): getattr(r, f) for i, r in enumerate(table.rows) for f in figures}
        grid = Grid(keys, tuple(figures), counts, row_totals=False)
        hidden |= _rows_hidden(grid, [*keys, TOTAL], figures, start=len(rows))
        for r in [*table.rows, table.total]:
            name = r.district if r.district_id is not None or r is not table.total else WHOLE
            if r.district_id is None and r is not table.total:
                name = "地区の定まっていない場所"
            rows.append(
                (year, r.life_area, name, r.participants_65, r.population_65, r.rate, r.places)
            )
    hidden |= _rate_cells(hidden, len(rows), {"参加率": tuple(figures.values())})
    return Table(
        name="participation-by-district",
        title="通いの場への参加率（地区別・年度別）",
        description=f"{municipality}の通いの場に参加した65歳以上の実人数と参加率。"
        "1〜9人の値と、合計から逆算できる値は「X」で秘匿しています。",
        columns=columns,
        rows=tuple(rows),
        hidden=frozenset(hidden),
        source="通いの場の出席の記録と人口データ",
    )


def survey_table(municipality: Municipality, user: Any | None) -> Table | None:
    """The latest needs survey's risk rates by district, as the survey app gives them (its
    suppression kept: a hidden group shows only its label). None without a survey."""
    survey = (
        Survey.objects.filter(municipality=municipality).order_by("-fiscal_year", "-id").first()
    )
    if survey is None:
        return None
    if user is None:
        results = survey_results_for_system(survey=survey, by="district")
    else:
        results = survey_results(user=user, survey=survey, by="district")
    columns = (
        YEAR,
        _text("調査名", "介護予防・日常生活圏域ニーズ調査の名前"),
        _text("地区", "回答者の住む地区。全体の行は「市町村全体」"),
        _text("リスク", "判定の項目（運動器の機能低下など）"),
        _people("回答者数", "この地区の回答者の数"),
        _people("該当者数", "リスクに該当した回答者の数"),
        _rate("該当率", "該当者数÷判定できた回答者数"),
        _rate("95%信頼区間の下限", "該当率のWilsonの95%信頼区間の下限"),
        _rate("95%信頼区間の上限", "該当率のWilsonの95%信頼区間の上限"),
    )
    rows: list[tuple[Any, ...]] = []
    hidden: set[tuple[int, str]] = set()
    groups = [(g, results.cells) for g in results.groups]
    for group, cells in [*groups, (WHOLE, None)]:
        for risk, label in results.risks:
            cell = results.total.get(risk) if cells is None else cells.get((group, risk))
            if cell is None:
                continue
            if cell.get("suppressed"):
                hidden |= {(len(rows), c.name) for c in columns[4:]}
            rows.append(
                (
                    survey.fiscal_year,
                    survey.name,
                    group,
                    label,
                    cell.get("respondents"),
                    cell.get("positive"),
                    _pct(cell.get("rate")),
                    _pct(cell.get("ci_low")),
                    _pct(cell.get("ci_high")),
                )
            )
    return Table(
        name="survey-risks-by-district",
        title="ニーズ調査のリスク該当率（地区別）",
        description=f"{municipality}の最新のニーズ調査の地区別のリスク該当率と95%信頼区間。"
        "回答者が10人未満の地区と、そこから逆算できる地区は「X」で秘匿しています。",
        columns=columns,
        rows=tuple(rows),
        hidden=frozenset(hidden),
        source=f"{survey.name}（{survey.fiscal_year}年度）",
    )


def _pct(value: Any) -> Any:
    if value is None:
        return None
    return round(float(value) * 100, 1)


def municipality_tables(municipality: Municipality, *, user: Any | None = None) -> list[Table]:
    """A municipality's published tables (the survey's when it has one)."""
    tables = [
        population_table(municipality),
        certification_table(municipality),
        participation_table(municipality),
    ]
    survey = survey_table(municipality, user)
    if survey is not None:
        tables.append(survey)
    return tables


# --- a prefecture's tables ---------------------------------------------------------------------


def _municipalities(prefecture: Prefecture) -> list[Municipality]:
    return list(
        Municipality.objects.filter(prefecture=prefecture)
        .select_related("prefecture")
        .order_by("code")
    )


def aging_table(prefecture: Prefecture, municipalities: list[Municipality]) -> Table:
    """Each municipality's population and aging at its latest population table."""
    columns = (
        CODE,
        NAME,
        Column("基準日", "基準日", "date", "人口データの基準日（市町村ごとに異なることがある）"),
        _people("総人口", "基準日の総人口"),
        _people("65歳以上人口", "基準日に65歳以上の人口"),
        _people("75歳以上人口", "基準日に75歳以上の人口"),
        _rate("高齢化率", "65歳以上人口÷総人口（小数第1位で四捨五入）"),
        _rate("75歳以上の割合", "75歳以上人口÷総人口（小数第1位で四捨五入）"),
    )
    rows: list[tuple[Any, ...]] = []
    hidden: set[tuple[int, str]] = set()
    # One read for the whole prefecture, as the side by side does (not one per municipality).
    found = compare.population_by_municipality([m.pk for m in municipalities], timezone.localdate())
    for m in municipalities:
        s = found.get(m.pk)
        if s is None or s.date is None:
            continue
        i = len(rows)
        for name, v in (
            ("総人口", s.total),
            ("65歳以上人口", s.aged_65),
            ("75歳以上人口", s.aged_75),
        ):
            if engine.primary(v):
                hidden.add((i, name))
        rows.append(
            (m.code, m.name, s.date, s.total, s.aged_65, s.aged_75, s.aging_rate, s.late_aging_rate)
        )
    hidden |= _rate_cells(hidden, len(rows), {"高齢化率": ("65歳以上人口", "総人口")})
    hidden |= _rate_cells(hidden, len(rows), {"75歳以上の割合": ("75歳以上人口", "総人口")})
    return Table(
        name="aging-by-municipality",
        title="市町村別の人口と高齢化率",
        description=f"{prefecture}の市町村別の人口と高齢化率（各市町村の最新の基準日）。",
        columns=columns,
        rows=tuple(rows),
        hidden=frozenset(hidden),
        source="住民基本台帳に基づく人口データ（各市町村が取り込んだもの）",
    )


def certification_by_municipality(
    prefecture: Prefecture, municipalities: list[Municipality]
) -> Table:
    """Each municipality's certification rate in its latest reported fiscal year."""
    latest = compare.latest_insurance([m.pk for m in municipalities])
    columns = (
        CODE,
        NAME,
        YEAR,
        _people("第1号被保険者数", "年度末の第1号被保険者数"),
        _people("認定者数", "要支援1〜要介護5の認定者数（第1号被保険者）"),
        _rate("認定率", "認定者数÷第1号被保険者数（小数第1位で四捨五入）"),
    )
    rows: list[tuple[Any, ...]] = []
    hidden: set[tuple[int, str]] = set()
    for m in municipalities:
        found = latest.get(m.pk)
        if found is None:
            continue
        y, i = found, len(rows)
        hidden |= {(i, "第1号被保険者数")} if engine.primary(y.insured_65) else set()
        hidden |= {(i, "認定者数")} if engine.primary(y.certified_total) else set()
        rate = percent(y.certified_total, y.insured_65)
        rows.append((m.code, m.name, y.fiscal_year, y.insured_65, y.certified_total, rate))
    hidden |= _rate_cells(hidden, len(rows), {"認定率": ("認定者数", "第1号被保険者数")})
    return Table(
        name="certification-by-municipality",
        title="市町村別の要介護（要支援）認定率",
        description=f"{prefecture}の市町村別の認定率（各市町村の最新の年度）。",
        columns=columns,
        rows=tuple(rows),
        hidden=frozenset(hidden),
        source="介護保険事業状況報告（年報）",
    )


def dispatch_table(prefecture: Prefecture, municipalities: list[Municipality]) -> Table:
    """Dispatches of professionals by municipality × kind of work, each fiscal year, with
    the municipality's total and the prefecture's (県計) row: counts from 1 to 9 hidden
    with their complements."""
    works = [w.label for w in WorkKind]
    label = dict(WorkKind.choices)
    by_year: dict[int, dict[tuple[int, str], int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        Dispatch.objects.filter(prefecture=prefecture)
        .order_by()
        .values("municipality_id", "day", "work")
        .annotate(n=Sum("count"))
    ):
        year = wareki.fiscal_year(row["day"])
        by_year[year][(row["municipality_id"], label[row["work"]])] += row["n"]
    columns = (
        YEAR,
        CODE,
        NAME,
        *(
            Column(w, f"{w}（件）", "integer", f"{w}への専門職の派遣件数", "件", PEOPLE)
            for w in works
        ),
        Column("合計", "合計（件）", "integer", "派遣件数の合計", "件", PEOPLE),
    )
    rows: list[tuple[Any, ...]] = []
    hidden: set[tuple[int, str]] = set()
    ids = tuple(m.pk for m in municipalities)
    names = {w: w for w in works} | {TOTAL: "合計"}
    for year in sorted(by_year):
        grid = Grid(ids, tuple(works), dict(by_year[year]))
        hidden |= _rows_hidden(grid, [*ids, TOTAL], names, start=len(rows))
        for m in municipalities:
            values = tuple(grid.value(m.pk, w) for w in works)
            rows.append((year, m.code, m.name, *values, sum(values)))
        totals = [grid.value(TOTAL, w) for w in works]
        rows.append((year, "", PREFECTURE_TOTAL, *totals, grid.value(TOTAL, TOTAL)))
    return Table(
        name="dispatches-by-municipality",
        title="専門職の派遣件数（市町村別・事業区分別）",
        description=f"{prefecture}から市町村への専門職の派遣件数（年度別）。1〜9件の値と、"
        "合計から逆算できる値は「X」で秘匿しています。",
        columns=columns,
        rows=tuple(rows),
        hidden=frozenset(hidden),
        source=f"{prefecture}の派遣の記録",
    )


def team_visit_table(prefecture: Prefecture, municipalities: list[Municipality]) -> Table:
    """The support team's visits per municipality and fiscal year (a visit is the
    prefecture's own work and names no one: shown as counted, 0 for none)."""
    visits: dict[tuple[int, int], int] = defaultdict(int)
    for row in (
        TeamVisit.objects.filter(prefecture=prefecture)
        .order_by()
        .values("municipality_id", "day")
        .annotate(n=Count("id"))
    ):
        visits[(wareki.fiscal_year(row["day"]), row["municipality_id"])] += row["n"]
    columns = (
        YEAR,
        CODE,
        NAME,
        Column("訪問回数", "訪問回数（回）", "integer", "支援チームが訪問した回数", "回", PEOPLE),
    )
    years = sorted({y for y, _ in visits})
    rows = tuple(
        (y, m.code, m.name, visits.get((y, m.pk), 0)) for y in years for m in municipalities
    )
    return Table(
        name="team-visits-by-municipality",
        title="支援チームの訪問（市町村別・年度別）",
        description=f"{prefecture}の支援チームが各市町村を訪問した回数（年度別）。",
        columns=columns,
        rows=rows,
        source=f"{prefecture}の支援チームの訪問の記録",
    )


def seminar_table(prefecture: Prefecture) -> Table:
    """Attendance at the prefecture's seminars by municipality (how many came, no names)."""
    columns = (
        YEAR,
        Column("開催日", "開催日", "date", "セミナーの開催日"),
        _text("部", "午前・午後など（1日に2回あるとき）"),
        _text("セミナー名", "セミナーの名前"),
        _text("対象者", "セミナーの対象者"),
        CODE,
        NAME,
        _people("参加者数", "その市町村からの参加者数（職員・首長など）"),
    )
    rows = tuple(
        (
            wareki.fiscal_year(a.seminar.day),
            a.seminar.day,
            a.seminar.session,
            a.seminar.title,
            a.seminar.audience,
            a.municipality.code,
            a.municipality.name,
            a.attendees,
        )
        for a in SeminarAttendance.objects.filter(seminar__prefecture=prefecture)
        .select_related("seminar", "municipality")
        .order_by("seminar__day", "seminar__session", "seminar_id", "municipality__code")
    )
    return Table(
        name="seminar-attendance",
        title="セミナーの参加（市町村別）",
        description=f"{prefecture}が開いたセミナーへの市町村別の参加者数。",
        columns=columns,
        rows=rows,
        source=f"{prefecture}のセミナーの記録",
    )


def side_by_side_table(prefecture: Prefecture, municipalities: list[Municipality]) -> Table:
    """The side by side's own figures, one row per municipality: gathering places'
    participation (its count of people and its rate hidden from 1 to 9 participants), the
    share of districts with each of the guide's structures, and a shared self-assessment's
    share of はい. Population and certification are in their own tables."""
    rows_of, year, totals = compare.overview_rows(municipalities, timezone.localdate())
    by_code = {r.code: r for r in rows_of}
    columns = (
        CODE,
        NAME,
        YEAR,
        _people(
            "通いの場に参加した65歳以上の実人数",
            "その年度に通いの場に参加した65歳以上の実人数（名簿のある出席の記録から）",
        ),
        _rate("通いの場の参加率", "参加した65歳以上の実人数÷65歳以上人口"),
        _rate("協議体のある地区の割合", "第2層・第3層の協議体がある地区の割合（出力日時点）"),
        _rate("助け合いのある地区の割合", "住民の助け合いがある地区の割合（出力日時点）"),
        _rate("毎週の通いの場のある地区の割合", "毎週開く通いの場がある地区の割合（出力日時点）"),
        _rate(
            "自己評価のはいの割合",
            "保険者機能強化推進交付金の自己評価のうち「はい」の割合（市町村が県に共有した最新の年度）",
        ),
    )
    rows: list[tuple[Any, ...]] = []
    hidden: set[tuple[int, str]] = set()
    for i, m in enumerate(municipalities):
        cells = by_code[m.code].cells
        total = totals.get(m.pk)
        count = total.participants_65 if total is not None and total.participants else None
        if count is not None and engine.primary(count):
            hidden |= {(i, columns[3].name), (i, columns[4].name)}
        rows.append(
            (
                m.code,
                m.name,
                year,
                count,
                cells["participation"].value,
                cells["council"].value,
                cells["mutualaid"].value,
                cells["kayoi"].value,
                cells["grant"].value,
            )
        )
    return Table(
        name="indicators-by-municipality",
        title="市町村の指標の比較",
        description=f"{prefecture}の市町村ごとの通いの場の参加率と、協議体・助け合い・毎週の"
        "通いの場がある地区の割合、共有された自己評価。参加者が1〜9人の値と、そこから求めた"
        "率は「X」で秘匿しています。",
        columns=columns,
        rows=tuple(rows),
        hidden=frozenset(hidden),
        source="chiiki に記録された出席・協議体・助け合い・地域資源・自己評価の記録",
    )


def prefecture_tables(
    prefecture: Prefecture,
    municipalities: list[Municipality] | None = None,
) -> list[Table]:
    """A prefecture's published tables, each municipality a row (in code order)."""
    found = municipalities if municipalities is not None else _municipalities(prefecture)
    tables = [
        aging_table(prefecture, found),
        certification_by_municipality(prefecture, found),
        dispatch_table(prefecture, found),
        team_visit_table(prefecture, found),
        seminar_table(prefecture),
    ]
    return [*tables, side_by_side_table(prefecture, found)]


# --- packages -----------------------------------------------------------------------------------


def _package(
    tables: list[Table], name: str, title: str, description: str, created: dt.datetime | None
) -> dict[str, bytes]:
    return engine.files(
        tables,
        name=name,
        title=title,
        description=description,
        created=created or timezone.now(),
    )


def municipality_package(
    municipality: Municipality,
    *,
    user: Any | None = None,
    created: dt.datetime | None = None,
    tables: list[Table] | None = None,
) -> dict[str, bytes]:
    return _package(
        tables if tables is not None else municipality_tables(municipality, user=user),
        f"chiiki-{municipality.code}",
        f"{municipality}の地域包括ケアのオープンデータ",
        f"{municipality}の人口・認定・通いの場・ニーズ調査の集計（個人を含まない）",
        created,
    )


def prefecture_package(
    prefecture: Prefecture,
    *,
    created: dt.datetime | None = None,
    tables: list[Table] | None = None,
) -> dict[str, bytes]:
    return _package(
        tables if tables is not None else prefecture_tables(prefecture),
        f"chiiki-{prefecture.code}",
        f"{prefecture}の市町村支援のオープンデータ",
        f"{prefecture}の市町村別の人口・認定率と、県の派遣・支援チーム・セミナーの集計"
        "（個人を含まない）",
        created,
    )


# --- for the pages ------------------------------------------------------------------------------


def prefecture_tables_for_user(user: Any) -> tuple[Prefecture, list[Table]]:
    prefecture = prefecture_of(user)
    return prefecture, prefecture_tables(prefecture, list(municipalities_of(user)))


def municipality_tables_for_user(user: Any) -> tuple[Municipality, list[Table]]:
    """A municipal user's own municipality (refused without ``Cap.INDICATORS_VIEW``)."""
    municipality = municipality_of(user)
    return municipality, municipality_tables(municipality, user=user)
