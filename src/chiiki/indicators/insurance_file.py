"""The yearly figures of the 介護保険事業状況報告 (年報) from a spreadsheet: one row per 年度.

Pure: no Django. :func:`read` checks every cell and the rules between rows, and returns the
rows or raises :class:`InsuranceFileError` with every fault of the file at once (row,
column, value, what was expected, in Japanese). The import service writes nothing unless
the whole file passes.

The columns (a header may be written in full-width characters, and the names the report's
own tables use are accepted too):

    年度 第1号被保険者数 要支援1 要支援2 要介護1 要介護2 要介護3 要介護4 要介護5
    給付費 [第1号保険料]

- 年度 is the fiscal year (April to March): 2018, 2018年度, 平成30年度, H30, R1.
- The certified counts are those of the 第1号被保険者 (aged 65+) at the year's end, as the
  report's 「要介護（要支援）認定者数」 gives them, so that the certification rate (認定率)
  is their sum over 第1号被保険者数. A sum above it (a rate over 100%) is refused.
- 給付費 is the year's care benefit cost in yen (「保険給付費」 of the report: 介護給付と
  予防給付の合計), a whole number.
- 第1号保険料 is the monthly standard premium (基準額, 月額, yen) of the plan period the year
  belongs to; it may be left empty.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from chiiki.core import wareki
from chiiki.core.bounds import FISCAL_YEAR, PEOPLE, IntRange
from chiiki.core.sheet import Fault, Faults, FileFaults
from chiiki.core.sheet import header_map as _header_map
from chiiki.core.tabular import Table

LEVELS = ("要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4", "要介護5")
FIELDS = ("support_1", "support_2", "care_1", "care_2", "care_3", "care_4", "care_5")
REQUIRED = ("年度", "第1号被保険者数", *LEVELS, "給付費")
OPTIONAL = ("第1号保険料",)
# A municipality's yearly benefit cost: up to 10兆円 (the whole country's is about 11兆円).
BENEFIT_YEN = IntRange(0, 10_000_000_000_000, "円")
PREMIUM_YEN = IntRange(0, 100_000, "円")

# Other names for the columns, as the report's tables and municipal sheets write them.
ALIASES: Mapping[str, str] = {
    "年度": "年度",
    "年": "年度",
    "第1号被保険者数": "第1号被保険者数",
    "第1号被保険者": "第1号被保険者数",
    "被保険者数": "第1号被保険者数",
    "65歳以上被保険者数": "第1号被保険者数",
    "給付費": "給付費",
    "保険給付費": "給付費",
    "給付費(円)": "給付費",
    "介護給付費": "給付費",
    "第1号保険料": "第1号保険料",
    "保険料": "第1号保険料",
    "保険料基準額": "第1号保険料",
    "第1号保険料(月額)": "第1号保険料",
    **{level: level for level in LEVELS},
}

_INT = re.compile(r"[0-9]{1,16}")
_YEAR_ONLY = re.compile(r"[0-9]{4}")


class InsuranceFileError(FileFaults):
    """Every fault of the file; nothing of it is stored."""


@dataclass(frozen=True, slots=True)
class YearRow:
    """One checked year, in the form it is stored in."""

    row: int
    fiscal_year: int
    insured_65: int
    certified: tuple[int, ...]  # in the order of LEVELS
    benefit_cost: int
    premium_monthly: int | None

    @property
    def certified_total(self) -> int:
        return sum(self.certified)

    def as_fields(self) -> dict[str, int | None]:
        return {
            "insured_65": self.insured_65,
            **dict(zip(FIELDS, self.certified, strict=True)),
            "benefit_cost": self.benefit_cost,
            "premium_monthly": self.premium_monthly,
        }


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def parse_fiscal_year(text: str) -> int:
    """「2018」「2018年度」「平成30年度」「H30」「令和元年度」 → 2018 … ; ValueError in Japanese.

    An era year names the fiscal year that starts in its April (or, for an era that began
    later in that year, in its first month): 令和元年度 is 2019. An era year with no month
    from April to December (昭和64年度, 平成32年度) does not exist and is refused.
    """
    folded = _fold(text)
    core = folded.removesuffix("年度").removesuffix("年")
    if not core:
        raise ValueError("年度を入れてください（例: 2018、平成30年度、H30）")
    if _YEAR_ONLY.fullmatch(core):
        year = int(core)
    else:
        year = 0
        for month in range(4, 13):
            try:
                year = wareki.parse_year_month(f"{core}年{month}月").year
                break
            except wareki.WarekiError:
                continue
        if not year:
            raise ValueError(
                "年度として読めません（例: 2018、2018年度、平成30年度、H30、令和元年度）。"
                "和暦はその元号の4月から12月のどれかがある年だけです"
            )
    FISCAL_YEAR.check(year, "年度")
    return year


def _count(raw: str, label: str, bounds: IntRange) -> int:
    folded = _fold(raw).replace(",", "")
    if not _INT.fullmatch(folded):
        if folded.startswith("-") and _INT.fullmatch(folded[1:]):
            raise ValueError(f"{label}は負の数にできません。{bounds.expected()}です")
        raise ValueError(f"{label}は{bounds.expected()}です")
    return bounds.check(int(folded), label)


@dataclass
class _Reading(Faults):
    rows: list[YearRow] = field(default_factory=list)


def header_map(headers: list[str]) -> tuple[dict[str, str], list[Fault]]:
    """The file's headers by the column each one is, and the faults of the header row."""
    return _header_map(headers, ALIASES, REQUIRED, OPTIONAL)


def _read_row(number: int, cells: Mapping[str, str], reading: _Reading) -> YearRow | None:
    values: dict[str, int | None] = {}
    ok = True
    for column in REQUIRED[1:] + OPTIONAL:
        raw = cells.get(column, "")
        if column in OPTIONAL and not _fold(raw):
            values[column] = None
            continue
        bounds = (
            BENEFIT_YEN if column == "給付費" else PREMIUM_YEN if column in OPTIONAL else PEOPLE
        )
        try:
            values[column] = _count(raw, column, bounds)
        except ValueError as exc:
            reading.bad(number, column, raw, str(exc))
            ok = False
    try:
        year = parse_fiscal_year(cells.get("年度", ""))
    except ValueError as exc:
        reading.bad(number, "年度", cells.get("年度", ""), str(exc))
        return None
    if not ok:
        return None
    insured = values["第1号被保険者数"] or 0
    certified = tuple(values[level] or 0 for level in LEVELS)
    if sum(certified) > insured:
        reading.bad(
            number,
            "第1号被保険者数",
            cells.get("第1号被保険者数", ""),
            f"認定者数の合計 {sum(certified):,}人が第1号被保険者数 {insured:,}人を超えています"
            "（認定率が100%を超えます）",
        )
        return None
    return YearRow(number, year, insured, certified, values["給付費"] or 0, values["第1号保険料"])


def read(table: Table) -> list[YearRow]:
    """The checked rows of ``table``, or InsuranceFileError with every fault."""
    mapping, header_faults = header_map(table.headers)
    if header_faults:
        raise InsuranceFileError(header_faults)
    reading = _Reading()
    first_row: dict[int, int] = {}
    for row in table:
        cells = {mapping[h]: v for h, v in row.values.items() if h in mapping}
        if not any(_fold(v) for v in cells.values()):
            continue  # a blank line between years
        year_row = _read_row(row.number, cells, reading)
        if year_row is None:
            continue
        if year_row.fiscal_year in first_row:
            reading.bad(
                row.number,
                "年度",
                cells.get("年度", ""),
                f"{year_row.fiscal_year}年度は{first_row[year_row.fiscal_year]}行目にもあります"
                "（1年度は1行）",
            )
            continue
        first_row[year_row.fiscal_year] = row.number
        reading.rows.append(year_row)
    if reading.count:
        raise InsuranceFileError(reading.faults, reading.count)
    if not reading.rows:
        raise InsuranceFileError([Fault(2, "年度", "", "データの行がありません")])
    return sorted(reading.rows, key=lambda r: r.fiscal_year)
