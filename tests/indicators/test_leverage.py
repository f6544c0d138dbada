"""The funding-leverage engine: the statutory cost shares as data, the guide's 約2.8倍 and
約2.4倍 out of them, budgets split in whole yen that add up, and every bad table refused."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiiki.indicators import leverage
from chiiki.indicators.leverage import parse_yaml

SOGO = "{national: 25, prefecture: 12.5, municipality: 12.5, premium_1: 23, premium_2: 27}"
HOKATSU = "{national: 38.5, prefecture: 19.25, municipality: 19.25, premium_1: 23}"


def table(sogo: str = SOGO, hokatsu: str = HOKATSU, head: str = "period: 10") -> str:
    return f"{head}\nprogrammes:\n  sogo: {sogo}\n  hokatsu: {hokatsu}\n"


@pytest.mark.parametrize("period", [7, 8, 9])
def test_each_built_in_period_gives_the_guides_multipliers(period):
    t = leverage.load_period(period)
    sogo, hokatsu = t.programme("sogo"), t.programme("hokatsu")
    assert (sogo.own_share, hokatsu.own_share) == (Decimal("35.5"), Decimal("42.25"))
    assert (sogo.multiplier(), hokatsu.multiplier()) == (Decimal("2.82"), Decimal("2.37"))
    # 「1、3の場合：約2.8倍 2の場合：約2.4倍」
    assert (sogo.multiplier(1), hokatsu.multiplier(1)) == (Decimal("2.8"), Decimal("2.4"))
    assert sogo.exact_multiplier == Fraction(200, 71)
    assert hokatsu.exact_multiplier == Fraction(400, 169)
    assert t.source and t.fiscal_years is not None


def test_the_built_in_periods_are_seven_to_nine():
    assert leverage.periods() == [7, 8, 9]
    assert leverage.load_period(7).fiscal_years == (2018, 2020)
    assert leverage.load_period(9).fiscal_years == (2024, 2026)


def test_hokatsu_has_no_second_premium_key_rather_than_a_zero():
    shares = leverage.load_period(7).programme("hokatsu").shares
    assert list(shares) == ["national", "prefecture", "municipality", "premium_1"]


def test_shares_are_exact_decimals_not_floats():
    t = parse_yaml(
        table(hokatsu="{national: 37.5, prefecture: 18.75, municipality: 18.75, premium_1: 25}")
    )
    shares = t.programme("hokatsu").shares
    assert all(isinstance(v, Decimal) for v in shares.values())
    assert sum(shares.values()) == 100
    # 0.1 + 0.2 is not 0.3 in floats; in the shares it is.
    odd = "{national: 50.1, prefecture: 0.2, municipality: 12.4, premium_1: 10.3, premium_2: 27}"
    assert parse_yaml(table(sogo=odd)).programme("sogo").own_share == Decimal("22.7")


def test_a_municipalitys_table_for_a_new_period():
    t = parse_yaml(
        table(
            sogo="{national: 25, prefecture: 12.5, municipality: 12.5, premium_1: 25, "
            "premium_2: 25}",
            hokatsu="{national: 37.5, prefecture: 18.75, municipality: 18.75, premium_1: 25}",
        )
    )
    assert t.period == 10
    assert t.programme("sogo").multiplier() == Decimal("2.67")
    assert t.programme("hokatsu").multiplier() == Decimal("2.29")


def test_the_json_has_ints_where_whole_and_budget_only_when_given():
    data = leverage.as_json(leverage.load_period(7))
    assert data["programmes"][0]["shares"]["national"] == 25
    assert isinstance(data["programmes"][0]["shares"]["national"], int)
    assert data["programmes"][0]["own_share"] == 35.5
    assert "budget" not in data["programmes"][0]
    with_budget = leverage.as_json(leverage.load_period(7), 1_000_000)
    assert with_budget["programmes"][1]["budget"] == {
        "national": 385_000,
        "prefecture": 192_500,
        "municipality": 192_500,
        "premium_1": 230_000,
    }


@given(
    budget=st.integers(min_value=1, max_value=leverage.MAX_BUDGET),
    period=st.sampled_from([7, 8, 9]),
)
def test_a_budget_splits_into_whole_yen_that_add_up_exactly(budget, period):
    for p in leverage.load_period(period).programmes:
        parts = p.split(budget)
        assert sum(parts.values()) == budget
        assert list(parts) == list(p.shares)
        for key, yen in parts.items():
            exact = Fraction(budget) * Fraction(p.shares[key]) / 100
            assert abs(yen - exact) < 1  # each part is its exact share, floored or raised


@given(
    cents=st.lists(st.integers(min_value=0, max_value=10_000), min_size=5, max_size=5).filter(
        lambda xs: sum(xs) > 0 and xs[2] + xs[3] > 0
    ),
    budget=st.integers(min_value=1, max_value=10**9),
)
def test_any_table_scaled_to_one_hundred_splits_exactly(cents, budget):
    # Shares in hundredths of a percent, made to add up to exactly 100.00.
    total = sum(cents)
    scaled = [c * 10_000 // total for c in cents]
    scaled[0] += 10_000 - sum(scaled)
    shares = ", ".join(
        f"{k}: {Decimal(v) / 100}" for k, v in zip(leverage.PAYERS, scaled, strict=True)
    )
    own = Decimal(scaled[2] + scaled[3]) / 100
    if own == 0:
        return
    p = parse_yaml(f"period: 10\nprogrammes:\n  sogo: {{{shares}}}\n").programme("sogo")
    assert sum(p.split(budget).values()) == budget
    assert p.own_share == own


def test_the_words_a_council_member_understands():
    sogo, hokatsu = leverage.load_period(7).programmes
    assert leverage.multiplier_sentence(sogo) == (
        "市町村が 1 円出すと、国・県・40〜64歳の保険料とあわせて 2.82 円の事業になります"
    )
    assert leverage.multiplier_sentence(hokatsu) == (
        "市町村が 1 円出すと、国・県とあわせて 2.37 円の事業になります"
    )
    said = leverage.budget_sentence(sogo, 1_000_000)
    assert "市町村が用意するのは 355,000円" in said
    assert "一般会計 125,000円、65歳以上の方の保険料 230,000円" in said
    assert "国 250,000円、県 125,000円、40〜64歳の方の保険料 270,000円" in said


def test_the_text_format_lists_every_payer_and_the_multiplier():
    text = leverage.as_text(leverage.load_period(8), 2_000_000)
    assert text.startswith("第8期 地域支援事業の負担割合\n")
    assert "都道府県: 19.25%（385,000円）" in text
    assert "倍率: 2.82倍（約2.8倍）" in text and "倍率: 2.37倍（約2.4倍）" in text
