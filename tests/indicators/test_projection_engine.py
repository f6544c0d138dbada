"""The projection engine: a hand-checked case, properties, and scenarios it refuses."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiiki.areas.population import TOP_BAND
from chiiki.indicators import projection as pj

RATES = {65: 0.1, 70: 0.1, 75: 0.2, 80: 0.3, 85: 0.5}
SPECIAL = {("M", 95): 0.5, ("M", 100): 0.2, ("F", 80): 0.8, ("F", 85): 0.5}


def survival(value: float = 1.0, special: dict | None = None) -> dict[str, dict[int, float]]:
    special = SPECIAL if special is None else special
    return {s: {b: special.get((s, b), value) for b in pj.BANDS} for s in pj.SEXES}


def hand_base() -> pj.Pyramid:
    return pj.Pyramid.from_counts(
        [
            ("M", 0, 10),
            ("F", 0, 20),
            ("F", 20, 100),
            ("M", 95, 10),
            ("M", 100, 5),
            ("F", 80, 50),
            ("F", 85, 40),
        ]
    )


def hand_projection(base_year: int = 2020, until: int = 2025) -> pj.Projection:
    return pj.project(
        hand_base(),
        base_year,
        assumptions=pj.Assumptions(survival=survival()),
        rates=RATES,
        money=pj.Money(1_000_000, 6000, 0.23),
        scenario=pj.Scenario(0.10, 85),
        until=until,
    )


def test_the_engine_uses_the_population_tables_bands():
    assert pj.TOP_BAND == TOP_BAND and pj.BANDS[-1] == 100 and len(pj.BANDS) == 21


def test_a_small_case_ages_forward_as_worked_by_hand():
    # Survival 1 everywhere except M 95–99: 0.5, M 100+: 0.2, F 80–84: 0.8, F 85–89: 0.5.
    # 2020 → 2025:
    #   M5 = 10, F5 = 20, F25 = 100 (each band up one, ×1)
    #   M100+ = 10 × 0.5 (from 95–99) + 5 × 0.2 (its own survivors) = 6
    #   F85 = 50 × 0.8 = 40, F90 = 40 × 0.5 = 20
    #   child-woman ratio = (10 + 20) / 100 women aged 15–49 = 0.3;
    #   0–4 in 2025 = 0.3 × 100 (F25) = 30, boys 30 × 105/205 = 15.3659, girls 14.6341
    #   total = 10 + 20 + 100 + 6 + 40 + 20 + 30 = 226
    p = hand_projection().rows[1].population
    assert p.get("M", 5) == 10 and p.get("F", 5) == 20 and p.get("F", 25) == 100
    assert p.get("M", 100) == pytest.approx(6)
    assert p.get("F", 85) == pytest.approx(40) and p.get("F", 90) == pytest.approx(20)
    assert p.get("M", 0) == pytest.approx(30 * 105 / 205)
    assert p.get("F", 0) == pytest.approx(30 * 100 / 205)
    assert p.total() == pytest.approx(226)
    assert p.get("F", 80) == 0 and p.get("M", 95) == 0


def test_certified_costs_and_the_premium_as_worked_by_hand():
    # 2020: 80–84: F 50 × 0.3 = 15; 85+: (F85 40 + M95 10 + M100 5) × 0.5 = 27.5 → 42.5
    #   cost 42.5 × 1,000,000 = 42,500,000; people 65+ = 105
    # 2025: 85+: (F85 40 + F90 20 + M100 6) × 0.5 = 33; cost 33,000,000; 65+ = 66
    #   scenario: 85+ rate 0.5 × (1 − 0.10) = 0.45 → 66 × 0.45 = 29.7; cost 29,700,000
    # premium = 6000 × (cost / 65+) / (42.5M / 105):
    #   6000 × 0.5 × 105 / 42.5 = 7411.76…; scenario 6000 × 0.45 × 105 / 42.5 = 6670.58…
    first, last = hand_projection().rows
    assert first.certified_total == pytest.approx(42.5)
    assert first.certified_scenario_total == pytest.approx(42.5)  # the base year as observed
    assert first.cost == pytest.approx(42_500_000) and first.premium == pytest.approx(6000)
    assert last.certified_total == pytest.approx(33)
    assert last.certified_scenario_total == pytest.approx(29.7)
    assert last.cost == pytest.approx(33_000_000)
    assert last.cost_scenario == pytest.approx(29_700_000)
    assert last.premium == pytest.approx(6000 * 0.5 * 105 / 42.5)
    assert last.premium_scenario == pytest.approx(6000 * 0.45 * 105 / 42.5)
    years = hand_projection().as_dict()["years"]
    assert (years[1]["premium"], years[1]["premium_scenario"]) == (7412, 6671)


def test_years_between_steps_are_interpolated_linearly():
    # Base 2022: the step lands on 2027; 2025 is 3/5 of the way: M100+ = 5 × 0.4 + 6 × 0.6 = 5.6
    rows = hand_projection(2022, 2025).rows
    assert [r.year for r in rows] == [2022, 2025]
    assert rows[1].interpolated and not rows[0].interpolated
    assert rows[1].population.get("M", 100) == pytest.approx(5.6)
    assert pj.point_years(2024) == [2024, 2025, 2030, 2035, 2040]
    assert pj.point_years(2020) == [2020, 2025, 2030, 2035, 2040]
    assert pj.point_years(2021, 2033) == [2021, 2025, 2030, 2033]


def test_flat_and_no_births_and_net_migration():
    base = hand_base()
    flat = pj.step(base, pj.Assumptions(survival=survival(), births="flat"), cwr=0, base=base)
    assert (flat.get("M", 0), flat.get("F", 0)) == (10, 20)
    none = pj.step(base, pj.Assumptions(survival=survival(), births="none"), cwr=0.3, base=base)
    assert none.band_total(0) == 0
    # 10% more women aged 25–29 leave than come over five years: 100 × 0.9 = 90
    moving = pj.Assumptions(survival=survival(), births="none", migration={"F": {25: -0.1}})
    assert pj.step(base, moving, cwr=0, base=base).get("F", 25) == pytest.approx(90)


def test_the_built_in_data_loads_with_its_sources_named():
    d = pj.read_defaults()
    assert "概算" in d.sources["survival"] and "完全生命表" in d.sources["survival"]
    assert d.rates == {65: 0.03, 70: 0.06, 75: 0.12, 80: 0.26, 85: 0.60}
    assert d.first_insured_share == 0.23 and d.assumptions.births == "cwr"
    for sex in pj.SEXES:  # survival falls with age past childhood
        ratios = [d.assumptions.survival[sex][b] for b in range(10, 100, 5)]
        assert ratios == sorted(ratios, reverse=True)
    assert d.assumptions.survival["F"][80] > d.assumptions.survival["M"][80]


@pytest.mark.parametrize(
    "reduction,from_band",
    [(-0.05, 75), (1.5, 75), (1.0000001, 75), (math.nan, 75), (math.inf, 75), (0.05, 60)],
)
def test_a_scenario_beyond_the_possible_is_refused(reduction, from_band):
    with pytest.raises(pj.ProjectionError):
        pj.Scenario(reduction, from_band)


def test_bad_assumptions_are_refused_with_the_reason():
    with pytest.raises(pj.ProjectionError, match="0〜1"):
        pj.Assumptions(survival=survival(1.2, {}))
    with pytest.raises(pj.ProjectionError, match="年齢階級 100"):
        pj.Assumptions(survival={s: {b: 1.0 for b in pj.BANDS[:-1]} for s in pj.SEXES})
    with pytest.raises(pj.ProjectionError, match="純移動率"):
        pj.Assumptions(survival=survival(), migration={"M": {20: -1.5}})
    with pytest.raises(pj.ProjectionError, match="出生"):
        pj.Assumptions(survival=survival(), births="stork")
    with pytest.raises(pj.ProjectionError, match="認定率"):
        pj.check_rates({**RATES, 85: 1.2})
    with pytest.raises(pj.ProjectionError, match="85歳以上"):
        pj.check_rates({65: 0.1, 70: 0.1, 75: 0.1, 80: 0.1})
    with pytest.raises(pj.ProjectionError, match="負"):
        pj.Pyramid.from_counts([("M", 65, -1)])
    with pytest.raises(pj.ProjectionError):
        pj.Pyramid.from_counts([("X", 65, 1)])
    with pytest.raises(pj.ProjectionError, match="正の金額"):
        pj.Money(-1, 6000)
    with pytest.raises(pj.ProjectionError, match="基準年"):
        pj.point_years(2040, 2040)


counts = st.floats(min_value=0, max_value=1e6, allow_nan=False)
pyramids = st.lists(counts, min_size=42, max_size=42).map(
    lambda ns: pj.Pyramid(
        {(s, b): ns[i * 21 + j] for i, s in enumerate(pj.SEXES) for j, b in enumerate(pj.BANDS)}
    )
)
ratios = st.lists(st.floats(0, 1), min_size=42, max_size=42).map(
    lambda rs: {
        s: {b: rs[i * 21 + j] for j, b in enumerate(pj.BANDS)} for i, s in enumerate(pj.SEXES)
    }
)
migration = st.dictionaries(st.sampled_from(pj.BANDS), st.floats(-1, 1), max_size=6).map(
    lambda m: {"M": m, "F": m}
)
rate_sets = st.fixed_dictionaries({b: st.floats(0, 1) for b in pj.CERT_BANDS})


@settings(max_examples=60, deadline=None)
@given(pyramids, ratios, migration, st.sampled_from(pj.BIRTHS), st.integers(2000, 2039))
def test_no_cell_of_the_population_is_ever_negative(base, surv, moves, births, year):
    a = pj.Assumptions(survival=surv, births=births, migration=moves)
    for point in pj.project_population(base, year, a):
        assert all(n >= 0 for n in point.population.cells.values())


@settings(max_examples=60, deadline=None)
@given(pyramids, st.integers(2000, 2039))
def test_with_survival_1_and_no_births_or_migration_the_total_is_kept(base, year):
    a = pj.Assumptions(survival=survival(1.0, {}), births="none")
    for point in pj.project_population(base, year, a):
        assert point.population.total() == pytest.approx(base.total(), rel=1e-9, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(pyramids, rate_sets, st.floats(0, 1), st.floats(0, 1), st.sampled_from(pj.CERT_BANDS))
def test_lower_rates_never_raise_costs(base, rates, r1, r2, from_band):
    low, high = sorted((r1, r2))
    a = pj.Assumptions(survival=survival())
    money = pj.Money(1_500_000, 6225)

    def run(r: float) -> pj.Projection:
        return pj.project(
            base, 2024, assumptions=a, rates=rates, money=money, scenario=pj.Scenario(r, from_band)
        )

    less, more = run(low), run(high)  # `more` lowers the rates more
    for a_row, b_row in zip(less.rows, more.rows, strict=True):
        assert b_row.cost_scenario <= a_row.cost_scenario * (1 + 1e-12) + 1e-6
        assert a_row.cost_scenario <= a_row.cost * (1 + 1e-12) + 1e-6
        if a_row.premium_scenario is not None and b_row.premium_scenario is not None:
            assert b_row.premium_scenario <= a_row.premium_scenario * (1 + 1e-12) + 1e-9
