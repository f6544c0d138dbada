"""Care certifications (要介護認定) from the insurer's file: one row per certified person.

Pure: no Django. :func:`parse_table` checks every row and returns the :class:`Certification`
records, or raises :class:`CareFileError` with every fault at once (row, column, value, what
was expected, in Japanese). The import service matches them to the people of the municipality
by 宛名番号 and keeps each person's history of periods.

The period (認定有効期間) is one column, 「R6.4.1～R7.3.31」 or 「2024-04-01~2025-03-31」,
or two, 認定有効期間開始 and 認定有効期間終了; each date is ISO, wareki or 8 digits.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from chiiki.areas.population import MAX_ERRORS, CellError, PopulationFileError
from chiiki.core import wareki
from chiiki.core.bounds import CARE_PERIOD
from chiiki.core.tabular import PROGRESS_EVERY, Progress, Table
from chiiki.people.register import COLUMNS as REGISTER_COLUMNS
from chiiki.people.register import REFUSED_COLUMNS, key

CHECKING = "検証中"

COLUMNS: dict[str, tuple[str, ...]] = {
    "insured_number": ("被保険者番号", "被保険者証番号", "介護保険被保険者番号", "被保番号"),
    "register_number": REGISTER_COLUMNS["register_number"],
    "care_level": ("要介護度", "要介護状態区分", "要介護区分", "介護度", "認定結果"),
    "period": ("認定有効期間", "有効期間", "認定期間"),
    "valid_from": (
        "認定有効期間開始",
        "認定有効期間開始日",
        "認定有効期間（開始）",
        "有効期間開始",
        "有効期間開始日",
        "認定開始日",
    ),
    "valid_to": (
        "認定有効期間終了",
        "認定有効期間終了日",
        "認定有効期間（終了）",
        "有効期間終了",
        "有効期間終了日",
        "認定終了日",
    ),
}
"""Our key -> (the header a file must have, other headers taken for it). The period is either
``period`` or both ``valid_from`` and ``valid_to``. A vendor's other spelling is added here."""

LEVELS: dict[str, str] = {
    "非該当": "none",
    "自立": "none",
    "事業対象者": "program_eligible",
    "総合事業対象者": "program_eligible",
    "要支援1": "support_1",
    "要支援2": "support_2",
    "要介護1": "care_1",
    "要介護2": "care_2",
    "要介護3": "care_3",
    "要介護4": "care_4",
    "要介護5": "care_5",
}
"""The spellings of 要介護度 (after NFKC, without spaces, kanji numerals as digits) -> the
stored value (``people.models.CareLevel``)."""

LEVEL_EXPECTED = (
    "要介護度は「要支援1」「要支援2」「要介護1」〜「要介護5」「事業対象者」「非該当」のいずれかです"
)
PERIOD_EXAMPLES = "例: R6.4.1～R7.3.31、令和6年4月1日～令和7年3月31日、2024-04-01~2025-03-31"

_REGISTER_NUMBER = re.compile(r"[0-9A-Za-z-]{1,20}")
_INSURED_NUMBER = re.compile(r"[0-9]{10}")
_DIGITS8 = re.compile(r"[0-9]{8}")
_EXCEL_DATETIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]00:00:00")
# Between the two dates of one cell: a tilde or wave dash (NFKC makes ～ a ~), 「から」, or
# 「至」 as in 「自R6.4.1 至R7.3.31」. Never a hyphen: ISO dates are written with it.
_PERIOD_SEPARATOR = re.compile(r"\s*(?:~|〜|∼|から|至)\s*")
_KANJI_DIGITS = str.maketrans("一二三四五", "12345")


class CareFileError(PopulationFileError):
    """Every fault of a care certification file; nothing of it is stored."""


@dataclass(frozen=True, slots=True)
class Certification:
    """One row, checked: the person's numbers, the level as stored, and the period."""

    row: int
    register_number: str
    insured_number: str
    care_level: str
    valid_from: dt.date
    valid_to: dt.date


@dataclass(frozen=True)
class CareFile:
    """The rows of a file, and the file's header for each of our keys (to name a column)."""

    columns: dict[str, str]
    certifications: list[Certification]


class PeriodError(ValueError):
    """A period that cannot be read or does not exist; the message is in Japanese."""


@lru_cache(maxsize=4096)  # a file repeats few distinct values over many rows
def parse_level(text: str) -> str | None:
    """「要介護３」「要支援 1」「事業対象者」「非該当」 -> the stored value; None when unknown."""
    value = "".join(unicodedata.normalize("NFKC", text).split()).translate(_KANJI_DIGITS)
    return LEVELS.get(value)


@lru_cache(maxsize=65536)  # a file repeats its periods' dates many times over
def parse_day(text: str) -> dt.date:
    """ISO, wareki (令和6年4月1日, R6.4.1), 8 digits (20240401) or a workbook's date cell."""
    value = unicodedata.normalize("NFKC", text).strip()
    if m := _EXCEL_DATETIME.fullmatch(value):
        value = m.group(1)
    if _DIGITS8.fullmatch(value):
        value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return wareki.parse_date(value)


def check_period(start: dt.date, end: dt.date) -> None:
    """Refuse a period outside 介護保険 (from 2000-04-01) or one that ends before it starts."""
    for label, day in (("開始日", start), ("終了日", end)):
        if day not in CARE_PERIOD:
            raise PeriodError(
                f"認定有効期間の{label}は{CARE_PERIOD.expected()}です（入力: {day.isoformat()}。"
                "介護保険は2000年4月1日から）"
            )
    if end < start:
        raise PeriodError(
            f"認定有効期間の終了日（{end.isoformat()}）が開始日（{start.isoformat()}）より前です"
        )


def _day(text: str, label: str) -> dt.date:
    try:
        return parse_day(text)
    except wareki.WarekiError as exc:
        raise PeriodError(f"認定有効期間の{label}: {exc}") from exc


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """「R6.4.1～R7.3.31」 -> (start, end), checked; raise :class:`PeriodError`."""
    value = unicodedata.normalize("NFKC", text).strip()
    if value.startswith("自"):
        value = value[1:]
    parts = _PERIOD_SEPARATOR.split(value)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise PeriodError(f"認定有効期間は「開始日～終了日」の形で書きます（{PERIOD_EXAMPLES}）")
    start, end = _day(parts[0], "開始日"), _day(parts[1], "終了日")
    check_period(start, end)
    return start, end


def current_level(periods: Iterable[tuple[dt.date, dt.date, str]], today: dt.date) -> str | None:
    """The level a person holds on ``today`` from their periods (start, end, level).

    1. The periods that cover today; when several do (a 区分変更 overlaps the period it
       replaces), the one that starts last.
    2. When none does, the period that starts last (then ends last).
    3. No periods: None (the stored level stays).
    """
    ordered = sorted(periods)
    covering = [p for p in ordered if p[0] <= today <= p[1]]
    if covering:
        return covering[-1][2]
    return ordered[-1][2] if ordered else None


def map_headers(headers: list[str]) -> dict[str, str]:
    """Map our column keys to the file's headers; raise naming every missing or refused column."""
    folded = {key(h): h for h in headers}
    mapping: dict[str, str] = {}
    faults = [
        CellError(
            1,
            folded[key(name)],
            "",
            f"「{name}」の列があるファイルは取り込めません。この列を除いたファイルにしてください",
        )
        for name in REFUSED_COLUMNS
        if key(name) in folded
    ]
    for k, names in COLUMNS.items():
        found = next((folded[key(n)] for n in names if key(n) in folded), None)
        if found is not None:
            mapping[k] = found
    if "valid_from" in mapping or "valid_to" in mapping:
        mapping.pop("period", None)
        required = ["insured_number", "register_number", "care_level", "valid_from", "valid_to"]
    else:
        required = ["insured_number", "register_number", "care_level", "period"]
    for k in required:
        if k not in mapping:
            names = COLUMNS[k]
            others = f"（「{'」「'.join(names[1:])}」も可）" if names[1:] else ""
            if k == "period":
                others += "。開始と終了の2列（「認定有効期間開始」「認定有効期間終了」）でも可"
            faults.append(CellError(1, names[0], "", f"見出し「{names[0]}」の列が必要です{others}"))
    if faults:
        raise CareFileError(faults)
    return mapping


def parse_table(table: Table, progress: Progress | None = None) -> CareFile:
    """Check every row of a certification file; raise with every fault at once."""
    reader = _Reader(map_headers(table.headers))
    for index, row in enumerate(table, start=1):
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(CHECKING, index, len(table))
        reader.read(row.number, {k: row.values[col].strip() for k, col in reader.mapping.items()})
    if not len(table):
        reader.bad(2, "register_number", "", "データの行がありません")
    if reader.errors:
        raise CareFileError(reader.errors, reader.faults)
    return CareFile(dict(reader.mapping), reader.certifications)


class _Reader:
    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = mapping
        self.errors: list[CellError] = []
        self.faults = 0
        self.register_numbers: dict[str, int] = {}  # -> its first row
        self.insured_numbers: dict[str, int] = {}
        self.certifications: list[Certification] = []

    def bad(self, row: int, k: str, value: str, expected: str) -> None:
        self.faults += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(CellError(row, self.mapping[k], value, expected))

    def read(self, n: int, v: dict[str, str]) -> None:
        faults = self.faults
        register_number = self._register_number(n, v["register_number"])
        number = unicodedata.normalize("NFKC", v["register_number"]).strip()
        twice = self.register_numbers.get(number, n) != n
        insured = self._insured_number(n, v["insured_number"], again=twice)
        level = parse_level(v["care_level"])
        if level is None:
            self.bad(n, "care_level", v["care_level"], LEVEL_EXPECTED)
        period = self._period(n, v)
        if self.faults > faults:
            return
        assert register_number and insured and level and period
        self.certifications.append(
            Certification(n, register_number, insured, level, period[0], period[1])
        )

    def _first(self, seen: dict[str, int], number: str, n: int) -> int | None:
        """The row that had ``number`` before row ``n``, or None (and ``n`` is kept)."""
        first = seen.setdefault(number, n)
        return first if first != n else None

    def _register_number(self, n: int, raw: str) -> str | None:
        number = unicodedata.normalize("NFKC", raw).strip()
        if not _REGISTER_NUMBER.fullmatch(number):
            self.bad(n, "register_number", raw, "宛名番号（半角の英数字20文字まで）が必要です")
            return None
        if (first := self._first(self.register_numbers, number, n)) is not None:
            self.bad(
                n,
                "register_number",
                raw,
                f"宛名番号 {number} は{first}行目と{n}行目の2回あります。1人1行です",
            )
            return None
        return number

    def _insured_number(self, n: int, raw: str, *, again: bool) -> str | None:
        number = unicodedata.normalize("NFKC", raw).strip()
        if not _INSURED_NUMBER.fullmatch(number):
            self.bad(
                n,
                "insured_number",
                raw,
                "被保険者番号は10桁の数字です（Excel で数値になり先頭の0が消えていないか"
                "確かめてください）",
            )
            return None
        first = self._first(self.insured_numbers, number, n)
        if first is not None and not again:  # a row twice is named once, by its 宛名番号
            self.bad(
                n,
                "insured_number",
                raw,
                f"被保険者番号 {number} は{first}行目と{n}行目の別の宛名番号にあります。"
                "1人に1つの番号です",
            )
            return None
        return number

    def _period(self, n: int, v: dict[str, str]) -> tuple[dt.date, dt.date] | None:
        if "period" in self.mapping:
            try:
                return parse_period(v["period"])
            except PeriodError as exc:
                self.bad(n, "period", v["period"], str(exc))
                return None
        days: list[dt.date] = []
        for k, label in (("valid_from", "開始日"), ("valid_to", "終了日")):
            try:
                days.append(_day(v[k], label))
            except PeriodError as exc:
                self.bad(n, k, v[k], str(exc))
        if len(days) != 2:
            return None
        try:
            check_period(days[0], days[1])
        except PeriodError as exc:
            k = "valid_from" if days[0] not in CARE_PERIOD else "valid_to"
            self.bad(n, k, v[k], str(exc))
            return None
        return days[0], days[1]
