"""Projection to 2040: population by sex and 5-year band aged forward by the cohort-component
survival method, certified people from certification rates by age band, care costs, and the
第1号保険料's change when prevention lowers the rates.

Pure: no Django. The page and the command read the population table and pass plain numbers.
The figures it starts from are data (``data/projection.yaml``), all approximate and named so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

BAND = 5
TOP_BAND = 100  # 100歳以上, as chiiki.areas.population.TOP_BAND
BANDS: tuple[int, ...] = tuple(range(0, TOP_BAND + 1, BAND))
SEXES: tuple[str, ...] = ("M", "F")
# Certification-rate bands: 65–69 … 80–84, and 85 = 85歳以上 (every band from 85 up).
CERT_BANDS: tuple[int, ...] = (65, 70, 75, 80, 85)
CERT_TOP = 85
BIRTHS = ("cwr", "flat", "none")
MOTHER_BANDS: tuple[int, ...] = (15, 20, 25, 30, 35, 40, 45)  # women aged 15–49
DEFAULT_UNTIL = 2040
DATA = Path(__file__).with_name("data") / "projection.yaml"

Cells = Mapping[tuple[str, int], float]


class ProjectionError(ValueError):
    """An assumption or scenario the projection cannot use; the message is Japanese."""


def band_label(band: int) -> str:
    return f"{TOP_BAND}歳以上" if band >= TOP_BAND else f"{band}〜{band + BAND - 1}歳"


def cert_band_label(band: int) -> str:
    return f"{CERT_TOP}歳以上" if band >= CERT_TOP else f"{band}〜{band + BAND - 1}歳"


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProjectionError(f"{what}が数値ではありません: {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ProjectionError(f"{what}が有限の数値ではありません")
    return number


def _fraction(value: object, what: str, *, low: float = 0.0, high: float = 1.0) -> float:
    number = _number(value, what)
    if not low <= number <= high:
        raise ProjectionError(f"{what}は{low:g}〜{high:g}の範囲です（{number:g}）")
    return number


@dataclass(frozen=True)
class Pyramid:
    """Population by (sex, band): every cell present, none negative."""

    cells: Mapping[tuple[str, int], float]

    @classmethod
    def from_counts(cls, counts: Iterable[tuple[str, int, float]]) -> Pyramid:
        """(sex, age_from, count) triples; repeated cells are added, missing ones are 0."""
        cells = {(sex, band): 0.0 for sex in SEXES for band in BANDS}
        for sex, band, count in counts:
            if (sex, band) not in cells:
                raise ProjectionError(f"性別・年齢階級が使えません: {sex} {band}")
            n = _number(count, f"{band_label(band)}の人数")
            if n < 0:
                raise ProjectionError(f"{band_label(band)}の人数が負です")
            cells[(sex, band)] += n
        return cls(cells)

    def get(self, sex: str, band: int) -> float:
        return self.cells[(sex, band)]

    def band_total(self, band: int) -> float:
        return sum(self.cells[(sex, band)] for sex in SEXES)

    def total(self) -> float:
        return sum(self.cells.values())

    def aged(self, low: int, high: int | None = None) -> float:
        """People in the bands from ``low`` up to (not including) ``high``."""
        return sum(
            n
            for (_, band), n in self.cells.items()
            if band >= low and (high is None or band < high)
        )

    def women(self, bands: Iterable[int]) -> float:
        return sum(self.cells[("F", band)] for band in bands)


def _survival_table(raw: object, what: str) -> dict[str, dict[int, float]]:
    if not isinstance(raw, Mapping):
        raise ProjectionError(f"{what}は性別（M, F）ごとの表です")
    table: dict[str, dict[int, float]] = {}
    for sex in SEXES:
        row = raw.get(sex)
        if not isinstance(row, Mapping):
            raise ProjectionError(f"{what}に性別 {sex} の表がありません")
        missing = [b for b in BANDS if b not in row]
        if missing:
            raise ProjectionError(
                f"{what}（{sex}）に年齢階級 {', '.join(map(str, missing))} がありません"
            )
        table[sex] = {b: _fraction(row[b], f"{what}（{sex} {band_label(b)}）") for b in BANDS}
    return table


def _migration_table(raw: object) -> dict[str, dict[int, float]]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ProjectionError("純移動率は性別（M, F）ごとの表です")
    table: dict[str, dict[int, float]] = {}
    for sex in SEXES:
        row = raw.get(sex) or {}
        if not isinstance(row, Mapping):
            raise ProjectionError(f"純移動率（{sex}）は年齢階級ごとの表です")
        for band in row:
            if band not in BANDS:
                raise ProjectionError(f"純移動率（{sex}）の年齢階級 {band} は使えません")
        # A 5-year net rate below -100% would leave fewer than no one.
        table[sex] = {
            b: _fraction(row[b], f"純移動率（{sex} {band_label(b)}）", low=-1.0) for b in row
        }
    return table


@dataclass(frozen=True)
class Assumptions:
    """How the population moves: survival ratios, births and (optional) net migration.

    ``survival[sex][band]``: the share of the band alive five years later in the next band;
    ``survival[sex][TOP_BAND]``: the share of the open top band still alive five years later.
    ``migration[sex][band]``: a 5-year net migration rate applied to the band as it arrives
    (−0.05: five in a hundred more leave than come); none by default.
    """

    survival: Mapping[str, Mapping[int, float]]
    births: str = "cwr"
    mother_bands: tuple[int, ...] = MOTHER_BANDS
    sex_ratio: float = 105.0  # boys per 100 girls
    migration: Mapping[str, Mapping[int, float]] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "survival", _survival_table(self.survival, "生残率"))
        object.__setattr__(self, "migration", _migration_table(self.migration or None))
        if self.births not in BIRTHS:
            raise ProjectionError(f"出生の扱いは {', '.join(BIRTHS)} のいずれかです")
        if not self.mother_bands or any(b not in BANDS for b in self.mother_bands):
            raise ProjectionError("子ども女性比の女性の年齢階級が使えません")
        if not 50 <= _number(self.sex_ratio, "出生性比") <= 200:
            raise ProjectionError("出生性比（女100に対する男）は50〜200です")


def child_woman_ratio(pop: Pyramid, mother_bands: Iterable[int] = MOTHER_BANDS) -> float:
    """Children aged 0–4 per woman aged 15–49 (子ども女性比); 0 when there are no such women."""
    women = pop.women(mother_bands)
    return pop.band_total(0) / women if women else 0.0


def step(pop: Pyramid, a: Assumptions, *, cwr: float, base: Pyramid) -> Pyramid:
    """The population five years on.

    1. Each band below the top moves up one band, times its 5-year survival ratio.
    2. The top band (100歳以上) keeps its own survivors plus those arriving from 95–99.
    3. The 0–4 band: ``cwr`` × the women aged 15–49 after step 1, split by the sex ratio at
       birth (``births="cwr"``); the base table's 0–4 band (``"flat"``); nobody (``"none"``).
    4. Net migration, when given: each band times (1 + its rate).
    """
    cells: dict[tuple[str, int], float] = {}
    for sex in SEXES:
        s = a.survival[sex]
        for band in BANDS[1:]:
            cells[(sex, band)] = pop.get(sex, band - BAND) * s[band - BAND]
        cells[(sex, TOP_BAND)] += pop.get(sex, TOP_BAND) * s[TOP_BAND]
    if a.births == "cwr":
        children = cwr * sum(cells[("F", b)] for b in a.mother_bands)
        boys = a.sex_ratio / (a.sex_ratio + 100)
        cells[("M", 0)], cells[("F", 0)] = children * boys, children * (1 - boys)
    elif a.births == "flat":
        cells[("M", 0)], cells[("F", 0)] = base.get("M", 0), base.get("F", 0)
    else:
        cells[("M", 0)] = cells[("F", 0)] = 0.0
    for sex, rates in a.migration.items():
        for band, rate in rates.items():
            cells[(sex, band)] *= 1 + rate
    return Pyramid(cells)


@dataclass(frozen=True)
class Point:
    year: int
    population: Pyramid
    interpolated: bool  # between two 5-year steps: linear, cell by cell


def point_years(base_year: int, until: int = DEFAULT_UNTIL) -> list[int]:
    """The base year, every year divisible by 5 after it, and ``until``."""
    if until <= base_year:
        raise ProjectionError(f"推計の終わり（{until}年）は基準年（{base_year}年）より後です")
    first = base_year + BAND - base_year % BAND
    years = [base_year, *range(first, until + 1, BAND)]
    return years if years[-1] == until else [*years, until]


def project_population(
    base: Pyramid, base_year: int, a: Assumptions, *, until: int = DEFAULT_UNTIL
) -> list[Point]:
    """Aged forward in 5-year steps from the base date (base_year + 5, + 10, …); the points
    reported (:func:`point_years`) that fall between two steps are interpolated linearly.
    The child-woman ratio is the base table's own, held for every step."""
    years = point_years(base_year, until)
    cwr = child_woman_ratio(base, a.mother_bands)
    steps = [base]
    while base_year + BAND * (len(steps) - 1) < until:
        steps.append(step(steps[-1], a, cwr=cwr, base=base))
    points = []
    for year in years:
        k, rest = divmod(year - base_year, BAND)
        if not rest:
            points.append(Point(year, steps[k], False))
            continue
        w = rest / BAND
        lo, hi = steps[k], steps[k + 1]
        cells = {key: lo.cells[key] * (1 - w) + hi.cells[key] * w for key in lo.cells}
        points.append(Point(year, Pyramid(cells), True))
    return points


def check_rates(rates: Mapping[int, object], what: str = "認定率") -> dict[int, float]:
    """Certification rates for every band of CERT_BANDS, each between 0 and 1."""
    missing = [b for b in CERT_BANDS if b not in rates]
    if missing:
        raise ProjectionError(
            f"{what}に {', '.join(cert_band_label(b) for b in missing)} がありません"
        )
    return {b: _fraction(rates[b], f"{what}（{cert_band_label(b)}）") for b in CERT_BANDS}


def certified_by_band(pop: Pyramid, rates: Mapping[int, float]) -> dict[int, float]:
    """Certified people aged 65+ by certification band (85: every band from 85 up)."""
    return {
        b: rates[b] * (pop.aged(CERT_TOP) if b == CERT_TOP else pop.band_total(b))
        for b in CERT_BANDS
    }


@dataclass(frozen=True)
class Scenario:
    """Prevention lowers the certification rates of the bands from ``from_band`` up by
    ``reduction`` of their value (0.05: 5% relative, 12% → 11.4%), from the first point
    after the base year on."""

    reduction: float
    from_band: int = 75

    def __post_init__(self) -> None:
        r = _number(self.reduction, "認定率の引き下げ")
        if not 0 <= r <= 1:
            raise ProjectionError(
                f"認定率の引き下げは0〜100%です（{r * 100:g}%）: 負の値や100%を超える値は使えません"
            )
        object.__setattr__(self, "reduction", r)
        if self.from_band not in CERT_BANDS:
            raise ProjectionError(
                f"対象の年齢は {', '.join(map(str, CERT_BANDS))} 歳以上のいずれかです"
            )

    def apply(self, rates: Mapping[int, float]) -> dict[int, float]:
        return {b: r * (1 - self.reduction) if b >= self.from_band else r for b, r in rates.items()}

    def label(self) -> str:
        return f"{self.from_band}歳以上の認定率を{self.reduction * 100:g}%引き下げ"


@dataclass(frozen=True)
class Money:
    """Care cost per certified person per year (yen), today's 第1号保険料 (yen a month),
    and the share of benefits the 第1号保険料 bears (23% in 第8期〜第9期)."""

    cost_per_certified: float
    premium_today: float
    first_insured_share: float = 0.23

    def __post_init__(self) -> None:
        if _number(self.cost_per_certified, "認定者1人あたり給付費") <= 0:
            raise ProjectionError("認定者1人あたり給付費は正の金額です")
        if _number(self.premium_today, "現在の第1号保険料") <= 0:
            raise ProjectionError("現在の第1号保険料は正の金額です")
        _fraction(self.first_insured_share, "第1号保険料の負担割合")


def premium_index(cost: float, aged_65: float, share: float) -> float | None:
    """Cost × the 第1号 share / people aged 65+ / 12 months: yen a month per person aged 65+,
    a simplification (no 調整交付金, reserves, income bands or 地域支援事業)."""
    return cost * share / aged_65 / 12 if aged_65 else None


@dataclass(frozen=True)
class YearRow:
    year: int
    interpolated: bool
    population: Pyramid
    certified: dict[int, float]
    certified_scenario: dict[int, float]
    cost: float
    cost_scenario: float
    premium: float | None
    premium_scenario: float | None

    @property
    def total(self) -> float:
        return self.population.total()

    @property
    def aged_65(self) -> float:
        return self.population.aged(65)

    @property
    def aged_75(self) -> float:
        return self.population.aged(75)

    @property
    def certified_total(self) -> float:
        return sum(self.certified.values())

    @property
    def certified_scenario_total(self) -> float:
        return sum(self.certified_scenario.values())


@dataclass(frozen=True)
class Projection:
    base_year: int
    rates: dict[int, float]
    scenario_rates: dict[int, float]
    scenario: Scenario
    money: Money
    assumptions: Assumptions
    rows: list[YearRow]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON: people rounded to whole persons, yen to whole yen."""
        return {
            "base_year": self.base_year,
            "births": self.assumptions.births,
            "migration": bool(self.assumptions.migration),
            "survival_source": self.assumptions.source,
            "scenario": {
                "reduction_percent": round(self.scenario.reduction * 100, 2),
                "from_age": self.scenario.from_band,
                "label": self.scenario.label(),
            },
            "rates": {str(b): round(r, 4) for b, r in self.rates.items()},
            "scenario_rates": {str(b): round(r, 4) for b, r in self.scenario_rates.items()},
            "cost_per_certified": round(self.money.cost_per_certified),
            "premium_today": round(self.money.premium_today),
            "first_insured_share": self.money.first_insured_share,
            "years": [_row_dict(r) for r in self.rows],
        }


def _yen(value: float | None) -> int | None:
    return None if value is None else round(value)


def _row_dict(r: YearRow) -> dict[str, Any]:
    return {
        "year": r.year,
        "interpolated": r.interpolated,
        "population": round(r.total),
        "aged_65": round(r.aged_65),
        "aged_75": round(r.aged_75),
        "bands": {sex: {str(b): round(r.population.get(sex, b)) for b in BANDS} for sex in SEXES},
        "certified": round(r.certified_total),
        "certified_scenario": round(r.certified_scenario_total),
        "cost": round(r.cost),
        "cost_scenario": round(r.cost_scenario),
        "premium": _yen(r.premium),
        "premium_scenario": _yen(r.premium_scenario),
    }


def _premium(money: Money, cost: float, aged_65: float, base_index: float | None) -> float | None:
    index = premium_index(cost, aged_65, money.first_insured_share)
    if index is None or not base_index:
        return None
    return money.premium_today * index / base_index


def project(
    base: Pyramid,
    base_year: int,
    *,
    assumptions: Assumptions,
    rates: Mapping[int, float],
    money: Money,
    scenario: Scenario,
    until: int = DEFAULT_UNTIL,
) -> Projection:
    """Population, certified people, costs and the premium estimate at each point.

    1. Age the population forward (:func:`project_population`).
    2. Certified people = rate × people of the band, both sexes; the scenario's lowered rates
       from the first point after the base year (the base year is as observed).
    3. Cost = certified people × cost per certified person per year (today's yen: no change of
       prices or fees is assumed).
    4. Premium estimate = today's premium × premium_index(year) / premium_index(base year):
       the change relative to today, not a premium calculation.
    """
    rates = check_rates(rates)
    lowered = scenario.apply(rates)
    points = project_population(base, base_year, assumptions, until=until)
    share = money.first_insured_share
    base_cost = sum(certified_by_band(points[0].population, rates).values()) * (
        money.cost_per_certified
    )
    base_index = premium_index(base_cost, points[0].population.aged(65), share)
    rows = []
    for p in points:
        cert = certified_by_band(p.population, rates)
        cert_s = cert if p.year == base_year else certified_by_band(p.population, lowered)
        cost = sum(cert.values()) * money.cost_per_certified
        cost_s = sum(cert_s.values()) * money.cost_per_certified
        aged_65 = p.population.aged(65)
        rows.append(
            YearRow(
                year=p.year,
                interpolated=p.interpolated,
                population=p.population,
                certified=cert,
                certified_scenario=cert_s,
                cost=cost,
                cost_scenario=cost_s,
                premium=_premium(money, cost, aged_65, base_index),
                premium_scenario=_premium(money, cost_s, aged_65, base_index),
            )
        )
    return Projection(base_year, rates, lowered, scenario, money, assumptions, rows)


# Age groups of the tables and charts: (from, up to but not including, label).
GROUPS: tuple[tuple[int, int | None, str], ...] = (
    (0, 15, "0〜14歳"),
    (15, 65, "15〜64歳"),
    (65, 75, "65〜74歳"),
    (75, 85, "75〜84歳"),
    (85, None, "85歳以上"),
)


def _cell(value: float | None) -> int | str:
    return "" if value is None else round(value)


def summary_rows(result: Projection) -> list[list[Any]]:
    head = [
        "年",
        "区分",
        "総人口",
        *(label for _, _, label in GROUPS),
        "65歳以上",
        "認定者（現状の率）",
        "認定者（予防の想定）",
        "給付費（円・現状の率）",
        "給付費（円・予防の想定）",
        "第1号保険料の推計（円/月・現状の率）",
        "第1号保険料の推計（円/月・予防の想定）",
    ]
    rows: list[list[Any]] = [head]
    for r in result.rows:
        kind = "基準" if r.year == result.base_year else ("補間" if r.interpolated else "推計")
        rows.append(
            [
                r.year,
                kind,
                round(r.total),
                *(round(n) for n in (r.population.aged(lo, hi) for lo, hi, _ in GROUPS)),
                round(r.aged_65),
                round(r.certified_total),
                round(r.certified_scenario_total),
                round(r.cost),
                round(r.cost_scenario),
                _cell(r.premium),
                _cell(r.premium_scenario),
            ]
        )
    return rows


def band_rows(result: Projection) -> list[list[Any]]:
    rows: list[list[Any]] = [["年", "性別", "年齢階級", "人数"]]
    for r in result.rows:
        for sex, sex_label in (("M", "男"), ("F", "女")):
            for band in BANDS:
                rows.append(
                    [r.year, sex_label, band_label(band), round(r.population.get(sex, band))]
                )
    return rows


def _money(yen: float) -> str:
    """A yearly amount in words: 億円 to one decimal from 1億円 up, else whole 万円."""
    if abs(yen) >= 100_000_000:
        return f"{yen / 100_000_000:,.1f}億円"
    return f"{round(yen / 10_000):,}万円"


def summary_lines(result: Projection) -> list[str]:
    """The text beside the charts: what changes to the last year, and what the scenario does."""
    first, last = result.rows[0], result.rows[-1]
    lines = [
        f"{first.year}年の総人口{round(first.total):,}人（65歳以上{round(first.aged_65):,}人、"
        f"75歳以上{round(first.aged_75):,}人）は、{last.year}年に{round(last.total):,}人"
        f"（65歳以上{round(last.aged_65):,}人、75歳以上{round(last.aged_75):,}人）になる見込みです。",
        f"認定率が今のままなら、認定者は{round(first.certified_total):,}人から"
        f"{round(last.certified_total):,}人に、給付費は年{_money(first.cost)}から"
        f"年{_money(last.cost)}になります。",
    ]
    saved = last.certified_total - last.certified_scenario_total
    lines.append(
        f"予防で{result.scenario.from_band}歳以上の認定率を{result.scenario.reduction * 100:g}%"
        f"下げると、{last.year}年の認定者は{round(saved):,}人少ない"
        f"{round(last.certified_scenario_total):,}人、給付費は年{_money(last.cost - last.cost_scenario)}少なく"
        "なります。"
    )
    if last.premium is not None and last.premium_scenario is not None:
        lines.append(
            f"第1号保険料（月額）は、今の{round(result.money.premium_today):,}円に対して、"
            f"{last.year}年に今の率のままなら約{round(last.premium):,}円、予防の想定では約"
            f"{round(last.premium_scenario):,}円（月{round(last.premium - last.premium_scenario):,}円"
            "低い）と見込まれます。"
        )
    return lines


@dataclass(frozen=True)
class Defaults:
    """The data file read: assumptions, rates and money, each with its source."""

    assumptions: Assumptions
    rates: dict[int, float]
    cost_per_certified: float
    premium_today: float
    first_insured_share: float
    sources: dict[str, str]


def _section(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise ProjectionError(f"前提のファイルに {key} の項がありません")
    return value


def read_defaults(
    path: Path | None = None, *, override: Mapping[str, Any] | None = None
) -> Defaults:
    """The built-in assumptions (``data/projection.yaml``), with the sections of ``override``
    (a municipality's own file of the same shape) put in their place."""
    try:
        data = dict(yaml.safe_load((path or DATA).read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, TypeError, ValueError) as exc:
        raise ProjectionError(f"前提のファイルを読めません: {exc}") from exc
    for key, value in (override or {}).items():
        data[key] = value
    survival = _section(data, "survival")
    births = _section(data, "births")
    cert = _section(data, "certification")
    cost = _section(data, "cost")
    premium = _section(data, "premium")
    migration = data.get("migration")
    if migration is not None and not isinstance(migration, Mapping):
        raise ProjectionError("migration の項は性別ごとの表です")
    raw_rates = cert.get("rates")
    if not isinstance(raw_rates, Mapping):
        raise ProjectionError("certification に rates の表がありません")
    assumptions = Assumptions(
        survival={s: survival.get(s) for s in SEXES},  # type: ignore[misc]
        births=str(births.get("method", "cwr")),
        mother_bands=tuple(births.get("mother_bands", MOTHER_BANDS)),
        sex_ratio=births.get("sex_ratio", 105.0),
        migration={s: migration[s] for s in SEXES if s in migration} if migration else {},
        source=str(survival.get("source", "")).strip(),
    )
    return Defaults(
        assumptions=assumptions,
        rates=check_rates(raw_rates),
        cost_per_certified=_number(cost.get("yen_per_certified_per_year"), "給付費"),
        premium_today=_number(premium.get("yen_per_month"), "第1号保険料"),
        first_insured_share=_fraction(premium.get("first_insured_share"), "第1号の負担割合"),
        sources={
            key: str(section.get("source", "")).strip()
            for key, section in (
                ("survival", survival),
                ("certification", cert),
                ("cost", cost),
                ("premium", premium),
            )
        }
        | ({"migration": str(migration.get("source", "")).strip()} if migration else {}),
    )
