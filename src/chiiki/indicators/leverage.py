"""Funding leverage of the community support projects (地域支援事業): who pays what.

The statutory cost shares are data, one YAML file per plan period in
``data/cost-shares/period-N.yaml`` (RULES.md §6; 介護保険法 §122-2–124). The guide's
「介護保険制度を活かして投入額の2〜3倍規模で事業を実施可能」 counts the municipality's general
account and its own residents' premiums (第1号保険料) as its own money, so

1. own share = municipality + premium_1 (percent of the programme's cost);
2. multiplier = 100 / own share, rounded half up to 2 decimals (2.82 for 総合事業,
   2.37 for 包括的支援事業・任意事業; to 1 decimal the guide's 約2.8倍 and 約2.4倍);
3. a budget is split in whole yen by the largest remainder, so the parts add up exactly.

Shares are exact decimals (YAML floats are read as :class:`~decimal.Decimal` from their
text), never float sums: 12.5 + 12.5 + 25 + 23 + 27 is exactly 100. Pure: no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from chiiki.core.allocation import largest_remainder

DATA_DIR = Path(__file__).resolve().parent / "data" / "cost-shares"
HUNDRED = Decimal(100)
# A municipality's whole 地域支援事業 is a few billion yen at most; a trillion is a typo.
MAX_BUDGET = 1_000_000_000_000
MAX_PERIOD = 99
MAX_FILE_BYTES = 64 * 1024

PAYERS: dict[str, str] = {
    "national": "国",
    "prefecture": "都道府県",
    "municipality": "市町村",
    "premium_1": "第1号保険料",
    "premium_2": "第2号保険料",
}
# The same payers as a council member would say them.
PAYER_WORDS: dict[str, str] = {
    "national": "国",
    "prefecture": "県",
    "municipality": "市町村の一般会計",
    "premium_1": "65歳以上の方の保険料",
    "premium_2": "40〜64歳の方の保険料",
}
REQUIRED = ("national", "prefecture", "municipality", "premium_1")
OWN = ("municipality", "premium_1")
PROGRAMMES: dict[str, str] = {
    "sogo": "介護予防・日常生活支援総合事業",
    "hokatsu": "包括的支援事業・任意事業",
}
# What the guide's 「活用できる施策」 runs through each programme.
USES: dict[str, str] = {
    "sogo": "通いの場などの地域の活動、ボランティアポイント",
    "hokatsu": "生活支援体制整備事業（生活支援コーディネーター・協議体）",
}
TOP_KEYS = {"period", "programmes", "fiscal_years", "source"}


class LeverageError(ValueError):
    """A cost-share table or a budget that cannot be used; the message is for the user."""


@dataclass(frozen=True)
class Programme:
    key: str
    shares: dict[str, Decimal]  # percent, in PAYERS order, only the payers the data names

    @property
    def name(self) -> str:
        return PROGRAMMES[self.key]

    @property
    def own_share(self) -> Decimal:
        return sum((self.shares[k] for k in OWN), Decimal(0))

    @property
    def exact_multiplier(self) -> Fraction:
        return Fraction(HUNDRED) / Fraction(self.own_share)

    def multiplier(self, places: int = 2) -> Decimal:
        """100 / own share, rounded half up: 2.82 (2 places) and 2.8 (1 place) for 総合事業."""
        exact = self.exact_multiplier
        quantum = Decimal(1).scaleb(-places)
        return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
            quantum, rounding=ROUND_HALF_UP
        )

    def split(self, budget: int) -> dict[str, int]:
        """The budget in whole yen per payer; the parts add up to ``budget`` exactly."""
        keys = list(self.shares)
        parts = largest_remainder(budget, [Fraction(self.shares[k]) for k in keys])
        return dict(zip(keys, parts, strict=True))


@dataclass(frozen=True)
class ShareTable:
    period: int
    programmes: tuple[Programme, ...]
    fiscal_years: tuple[int, int] | None = None
    source: str = ""

    def programme(self, key: str) -> Programme:
        return next(p for p in self.programmes if p.key == key)


# --- reading -----------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """YAML with decimals read from their text, so 19.25 is 19.25 and not 19.25000000000000071."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | str:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text  # .nan, .inf: not a share; refused by the check below as non-numeric
    return value if value.is_finite() else text


_Loader.add_constructor("tag:yaml.org,2002:float", _decimal)


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise LeverageError(f"{where}は数値で書いてください（入力: {value!r}）")
    number = Decimal(value)
    if number < 0:
        raise LeverageError(f"{where}は0以上です（入力: {_plain(number)}）")
    if number > HUNDRED:
        raise LeverageError(f"{where}は100以下の割合（%）です（入力: {_plain(number)}）")
    return number


def _programme(key: Any, raw: Any, period: int) -> Programme:
    if key not in PROGRAMMES:
        known = "、".join(PROGRAMMES)
        raise LeverageError(f"事業「{key}」はありません（使える事業: {known}）")
    label = f"第{period}期「{PROGRAMMES[key]}」（{key}）"
    if not isinstance(raw, dict):
        raise LeverageError(f"{label}は national: 25 のような負担者ごとの割合で書いてください")
    unknown = [str(k) for k in raw if k not in PAYERS]
    if unknown:
        known = "、".join(PAYERS)
        raise LeverageError(
            f"{label}の負担者「{'、'.join(unknown)}」はありません（使える負担者: {known}）"
        )
    missing = [k for k in REQUIRED if k not in raw]
    if missing:
        raise LeverageError(f"{label}に負担者「{'、'.join(missing)}」の割合がありません")
    shares = {k: _number(raw[k], f"{label}の{PAYERS[k]}（{k}）") for k in PAYERS if k in raw}
    total = sum(shares.values(), Decimal(0))
    if total != HUNDRED:
        raise LeverageError(f"{label}の負担割合の合計が {_plain(total)}% です。100% にしてください")
    found = Programme(key=key, shares=shares)
    if found.own_share == 0:
        raise LeverageError(f"{label}の市町村と第1号保険料の割合がどちらも0で、倍率が出せません")
    return found


def _period(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PERIOD:
        raise LeverageError(f"period は1〜{MAX_PERIOD}の整数（第何期か）です（入力: {value!r}）")
    return value


def _fiscal_years(value: Any) -> tuple[int, int] | None:
    if value is None:
        return None
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(y, int) and not isinstance(y, bool) for y in value)
        and 1900 <= value[0] <= value[1] <= 2100
    )
    if not ok:
        raise LeverageError(f"fiscal_years は [2018, 2020] のような年度の組です（入力: {value!r}）")
    return (value[0], value[1])


def parse_table(data: Any) -> ShareTable:
    """A table from its YAML mapping: ``period: 10`` and ``programmes: {sogo: {...}}``."""
    if not isinstance(data, dict):
        raise LeverageError("負担割合の表は period: と programmes: を持つ YAML です")
    unknown = [str(k) for k in data if k not in TOP_KEYS]
    if unknown:
        raise LeverageError(
            f"項目「{'、'.join(unknown)}」は使えません（使える項目: period、programmes、"
            "fiscal_years、source）"
        )
    if "period" not in data:
        raise LeverageError("period:（第何期か）がありません")
    period = _period(data["period"])
    raw = data.get("programmes")
    if not isinstance(raw, dict) or not raw:
        raise LeverageError("programmes: に sogo: や hokatsu: の負担割合を書いてください")
    found = {key: _programme(key, value, period) for key, value in raw.items()}
    source = data.get("source", "")
    if not isinstance(source, str):
        raise LeverageError("source は出典を書いた文字列です")
    return ShareTable(
        period=period,
        programmes=tuple(found[k] for k in PROGRAMMES if k in found),
        fiscal_years=_fiscal_years(data.get("fiscal_years")),
        source=source,
    )


def parse_yaml(text: str) -> ShareTable:
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"（{mark.line + 1}行目）" if mark is not None else ""
        raise LeverageError(f"YAML として読めません{where}") from exc
    return parse_table(data)


def read_file(path: Path) -> ShareTable:
    try:
        raw = path.read_bytes()[: MAX_FILE_BYTES + 1]
    except OSError as exc:
        raise LeverageError(f"「{path.name}」を読めません: {exc.strerror}") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise LeverageError(f"「{path.name}」が大きすぎます（{MAX_FILE_BYTES // 1024}KBまで）")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LeverageError(f"「{path.name}」は UTF-8 の YAML で保存してください") from exc
    return parse_yaml(text)


def periods() -> list[int]:
    """The plan periods built in, oldest first."""
    found = (re.fullmatch(r"period-([0-9]+)\.yaml", p.name) for p in DATA_DIR.iterdir())
    return sorted(int(m.group(1)) for m in found if m)


def load_period(period: int) -> ShareTable:
    if period not in periods():
        shown = "、".join(f"第{p}期" for p in periods())
        raise LeverageError(
            f"第{period}期の負担割合はありません（組み込み: {shown}。ほかの期は --shares で）"
        )
    table = read_file(DATA_DIR / f"period-{period}.yaml")
    if table.period != period:  # a file named for one period holding another
        raise LeverageError(f"period-{period}.yaml の period が {table.period} です")
    return table


_BUDGET = re.compile(r"[0-9]{1,3}(,[0-9]{3})+|[0-9]+")
_WIDE = str.maketrans("０１２３４５６７８９，", "0123456789,")


def parse_budget(raw: str) -> int:
    """A budget in whole yen: ``1000000``, ``1,000,000`` or ``1000000円``; 1 yen to 1 trillion."""
    text = raw.strip().translate(_WIDE).removesuffix("円").strip()
    if not _BUDGET.fullmatch(text):
        raise LeverageError(
            f"予算「{raw}」は使えません: 1円以上の整数の円で指定してください（例: 1000000）"
        )
    value = int(text.replace(",", ""))
    if not 1 <= value <= MAX_BUDGET:
        raise LeverageError(f"予算「{raw}」は使えません: 1円〜{MAX_BUDGET:,}円で指定してください")
    return value


# --- output ------------------------------------------------------------------------------


def _plain(value: Decimal) -> str:
    """12.5 as 「12.5」, 25.0 as 「25」, 2.80 as 「2.8」."""
    return format(value.normalize(), "f")


def as_number(value: Decimal) -> int | float:
    """25 for 25, 12.5 for 12.5: whole values are ints in JSON."""
    return int(value) if value == value.to_integral_value() else float(value)


def as_json(table: ShareTable, budget: int | None = None) -> dict[str, Any]:
    programmes = []
    for p in table.programmes:
        row: dict[str, Any] = {
            "key": p.key,
            "name": p.name,
            "shares": {k: as_number(v) for k, v in p.shares.items()},
            "own_share": as_number(p.own_share),
            "multiplier": as_number(p.multiplier()),
        }
        if budget is not None:
            row["budget"] = p.split(budget)
        programmes.append(row)
    return {"period": table.period, "programmes": programmes}


def others_words(p: Programme) -> str:
    """「国・県・40〜64歳の方の保険料」: who adds to the municipality's own money."""
    short = {**PAYER_WORDS, "premium_2": "40〜64歳の保険料"}
    return "・".join(short[k] for k, v in p.shares.items() if k not in OWN and v > 0)


def multiplier_sentence(p: Programme) -> str:
    """「市町村が 1 円出すと、国・県・40〜64歳の保険料とあわせて 2.82 円の事業になります」."""
    return (
        f"市町村が 1 円出すと、{others_words(p)}とあわせて {_plain(p.multiplier())} 円の"
        "事業になります"
    )


def own_sentence(p: Programme) -> str:
    return (
        f"ここでの「市町村が出すお金」は、市町村の一般会計（{_plain(p.shares['municipality'])}%）と"
        f"65歳以上の方の保険料（第1号、{_plain(p.shares['premium_1'])}%）の合計 "
        f"{_plain(p.own_share)}% です"
    )


def budget_sentence(p: Programme, budget: int) -> str:
    """Who pays what for one budget, in a council member's words."""
    parts = p.split(budget)
    own = sum(parts[k] for k in OWN)
    others = "、".join(
        f"{PAYER_WORDS[k]} {v:,}円" for k, v in parts.items() if k not in OWN and p.shares[k] > 0
    )
    return (
        f"事業費 {budget:,}円のうち、市町村が用意するのは {own:,}円"
        f"（一般会計 {parts['municipality']:,}円、65歳以上の方の保険料 {parts['premium_1']:,}円）"
        f"です。残りの {budget - own:,}円は{others}が負担します"
    )


def as_text(table: ShareTable, budget: int | None = None) -> str:
    lines = [f"第{table.period}期 地域支援事業の負担割合"]
    if table.source:
        lines.append(f"出典: {table.source}")
    for p in table.programmes:
        lines.append("")
        lines.append(f"{p.name}（{p.key}）")
        parts = p.split(budget) if budget is not None else {}
        for k, v in p.shares.items():
            amount = f"（{parts[k]:,}円）" if budget is not None else ""
            lines.append(f"  {PAYERS[k]}: {_plain(v)}%{amount}")
        lines.append(f"  市町村の持ち分（市町村＋第1号）: {_plain(p.own_share)}%")
        lines.append(f"  倍率: {_plain(p.multiplier())}倍（約{_plain(p.multiplier(1))}倍）")
        lines.append(f"  {multiplier_sentence(p)}")
        if budget is not None:
            lines.append(f"  {budget_sentence(p, budget)}")
    return "\n".join(lines) + "\n"
