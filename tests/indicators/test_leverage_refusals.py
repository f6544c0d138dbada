"""Every bad cost-share table and budget is refused with a Japanese message that names
what is wrong: the programme and the sum, the unknown key, the value."""

from __future__ import annotations

import pytest

from chiiki.indicators import leverage
from chiiki.indicators.leverage import LeverageError, parse_budget, parse_yaml
from tests.indicators.test_leverage import HOKATSU, SOGO, table


def refused(text: str) -> str:
    with pytest.raises(LeverageError) as caught:
        parse_yaml(text)
    return str(caught.value)


def test_shares_that_do_not_add_up_name_the_programme_and_the_sum():
    bad = "{national: 25, prefecture: 12.5, municipality: 12.5, premium_1: 25, premium_2: 27}"
    message = refused(table(sogo=bad))
    assert "介護予防・日常生活支援総合事業" in message and "102%" in message
    short = "{national: 38.5, prefecture: 19.25, municipality: 19.25, premium_1: 22.9}"
    message = refused(table(hokatsu=short))
    assert "包括的支援事業・任意事業" in message and "99.9%" in message


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (table(sogo=SOGO.replace("premium_2", "premium_3")), "負担者「premium_3」はありません"),
        (table(head="period: 10\nyear: 2027"), "項目「year」は使えません"),
        (f"period: 10\nprogrammes:\n  kaigo: {SOGO}\n", "事業「kaigo」はありません"),
        (table(sogo=SOGO.replace("23", "-23").replace("27", "73")), "0以上です（入力: -23）"),
        (table(sogo=SOGO.replace("national: 25", "national: 二十五")), "数値で書いてください"),
        (table(sogo=SOGO.replace("national: 25", 'national: "25"')), "数値で書いてください"),
        (table(sogo=SOGO.replace("national: 25", "national: yes")), "数値で書いてください"),
        (table(sogo=SOGO.replace("national: 25", "national: .nan")), "数値で書いてください"),
        (table(sogo=SOGO.replace("national: 25", "national: 250")), "100以下"),
        (table(hokatsu=HOKATSU.replace(", premium_1: 23", "")), "「premium_1」の割合がありません"),
        (table(sogo="25"), "負担者ごとの割合で書いてください"),
        (table(head="period: 0"), "period は1〜99の整数"),
        (table(head="period: 10.5"), "period は1〜99の整数"),
        (table(head="fiscal_years: [2027]\nperiod: 10"), "fiscal_years"),
        (table(head="source: 3\nperiod: 10"), "source"),
        ("programmes:\n  sogo: " + SOGO, "period:（第何期か）がありません"),
        ("period: 10\nprogrammes: {}\n", "programmes:"),
        ("- 1\n- 2\n", "period: と programmes: を持つ YAML"),
        ("period: 10\nprogrammes:\n  sogo: {national: 25\n", "YAML として読めません"),
    ],
)
def test_a_bad_table_is_refused_with_the_reason(text, said):
    assert said in refused(text)


def test_own_share_zero_is_refused_rather_than_an_infinite_multiplier():
    zero = "{national: 50, prefecture: 50, municipality: 0, premium_1: 0}"
    assert "倍率が出せません" in refused(table(hokatsu=zero))


def test_an_unknown_period_is_refused_naming_the_built_in_ones():
    with pytest.raises(LeverageError, match=r"第6期の負担割合はありません.*第7期、第8期、第9期"):
        leverage.load_period(6)


@pytest.mark.parametrize(
    "raw", ["-1", "0", "1.5", "1e6", "abc", "", "1,00,000", "1000000000001", "１００円x"]
)
def test_a_bad_budget_is_refused(raw):
    with pytest.raises(LeverageError, match="予算「"):
        parse_budget(raw)


@pytest.mark.parametrize(
    ("raw", "yen"), [("1000000", 1_000_000), ("1,000,000", 1_000_000), ("１２０円", 120)]
)
def test_a_budget_may_carry_commas_wide_digits_and_yen(raw, yen):
    assert parse_budget(raw) == yen


def test_a_file_too_big_or_not_utf8_is_refused(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (leverage.MAX_FILE_BYTES + 10))
    with pytest.raises(LeverageError, match="大きすぎます"):
        leverage.read_file(big)
    sjis = tmp_path / "sjis.yaml"
    sjis.write_bytes("# 負担割合\nperiod: 10\n".encode("cp932"))
    with pytest.raises(LeverageError, match="UTF-8"):
        leverage.read_file(sjis)
    with pytest.raises(LeverageError, match="読めません"):
        leverage.read_file(tmp_path / "missing.yaml")
