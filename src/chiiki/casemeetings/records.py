"""Past case reviews from a spreadsheet: one row per review (``chiiki casemeetings import``).

Pure: no Django. :func:`read` checks every cell against what the municipality has (its
districts, its issue tags, its series) and returns the rows in the form they are stored in;
:func:`check` then checks the rules between rows, and against the reviews already stored,
and raises :class:`ReviewFileError` with every fault of the file at once (row, column,
value, what was expected, in Japanese). The import service writes nothing before both pass.

The columns, exactly (a header may be written in full-width characters):

    会議日 会議種別 事例番号 段階 地区 年齢 性別 要介護度 課題 目標 結果

A case (事例番号) and a stage (段階) together name one row. A file with other columns is
refused: imported cases are anonymised, and a column of names would otherwise be dropped
without anyone noticing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from chiiki.casemeetings.rollup import split_tags
from chiiki.core import wareki
from chiiki.core.bounds import AGE, DATE
from chiiki.core.sheet import Fault, Faults, FileFaults
from chiiki.core.tabular import PROGRESS_EVERY, Progress, Table
from chiiki.core.text import normalize_display

# The stored "|a|b|" of a review's seeds (Review.tag_codes' length).
TAG_CODES_MAX = 400

CHECKING = "検証中"

COLUMNS = (
    "会議日",
    "会議種別",
    "事例番号",
    "段階",
    "地区",
    "年齢",
    "性別",
    "要介護度",
    "課題",
    "目標",
    "結果",
)
# Bounds of the stored fields (Series.name, Case.number, Case.goal).
MAX_LENGTH = {"会議種別": 120, "事例番号": 40, "目標": 400}
_EXCEL_DATETIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]00:00:00")
_INTEGER = re.compile(r"[0-9]{1,4}")


class ReviewFileError(FileFaults):
    """Every fault of a file of past reviews; nothing of it is stored."""


@dataclass(frozen=True)
class Vocabulary:
    """What the cells may say: label → stored code, each in its order (the stages' order is
    the order of the reviews), and what the municipality has stored."""

    stages: Mapping[str, str]
    outcomes: Mapping[str, str]
    care_levels: Mapping[str, str]
    sexes: Mapping[str, str]
    districts: Mapping[str, int]  # name → id
    tags: Mapping[str, str]  # code → name
    promotion_series: frozenset[str] = frozenset()  # names (normalised) of 推進会議


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One checked row, in the form it is stored in."""

    row: int
    held_on: dt.date
    series: str
    number: str
    stage: str
    district_id: int
    age: int
    sex: str
    care_level: str
    tags: tuple[str, ...]
    goal: str
    result: str


@dataclass
class Reading(Faults):
    """The rows that passed their cells' checks, and the faults found so far."""

    rows: list[ReviewRow] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # stage code → label
    # (number, stage) → the first row that names them, for rows whose cells were bad too.
    seen: dict[tuple[str, str], int] = field(default_factory=dict)

    def numbers(self) -> list[str]:
        return sorted({r.number for r in self.rows})


def _listed(names: Sequence[str], limit: int = 40) -> str:
    shown = "、".join(names[:limit])
    return shown + ("…" if len(names) > limit else "")


def series_key(name: str) -> str:
    """How series names are compared and stored: width-folded, single spaces."""
    return normalize_display(name)


@lru_cache(maxsize=4096)  # a file repeats its meeting days many times over
def parse_day(text: str) -> dt.date:
    """ISO (2025-05-13, 2025/5/13), wareki (令和元年5月14日, R1.5.14) or a workbook's date
    cell; raise WarekiError (in Japanese)."""
    value = unicodedata.normalize("NFKC", text).strip()
    if m := _EXCEL_DATETIME.fullmatch(value):
        value = m.group(1)
    return wareki.parse_date(value)


def header_faults(headers: Sequence[str]) -> list[Fault]:
    """Faults of the header row: a column missing, or one that is not imported."""
    folded = {normalize_display(h): h for h in headers}
    faults = [
        Fault(1, name, "", f"見出し「{name}」の列が必要です（列は {'、'.join(COLUMNS)}）")
        for name in COLUMNS
        if name not in folded
    ]
    faults += [
        Fault(
            1,
            original,
            original,
            f"この列は取り込みません。列は {'、'.join(COLUMNS)} の{len(COLUMNS)}列です"
            "（氏名などの列を除いたファイルにしてください）",
        )
        for name, original in folded.items()
        if name not in COLUMNS
    ]
    return faults


def read(table: Table, vocab: Vocabulary, progress: Progress | None = None) -> Reading:
    """Check every cell of every row; the good rows and every fault found."""
    reading = Reading(labels={code: label for label, code in vocab.stages.items()})
    faults = header_faults(table.headers)
    if faults:
        for f in faults:
            reading.bad(f.row, f.column, f.value, f.expected)
        return reading
    column_of = {normalize_display(h): h for h in table.headers}
    cells = _Cells(vocab, reading)
    for index, row in enumerate(table, start=1):
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(CHECKING, index, len(table))
        cells.read(row.number, {name: row.values[column_of[name]].strip() for name in COLUMNS})
    if not len(table):
        reading.bad(2, COLUMNS[0], "", "データの行がありません")
    return reading


class _Cells:
    """The checks of one row's cells."""

    def __init__(self, vocab: Vocabulary, reading: Reading) -> None:
        self.vocab = vocab
        self.reading = reading
        self.districts = {normalize_display(k): v for k, v in vocab.districts.items()}
        self.district_names = list(vocab.districts)
        self.tags = {code: code for code in vocab.tags}
        self.tags.update({normalize_display(name): code for code, name in vocab.tags.items()})
        self.tag_names = list(vocab.tags.values())

    def bad(self, row: int, column: str, value: str, expected: str) -> None:
        self.reading.bad(row, column, value, expected)

    def read(self, n: int, v: dict[str, str]) -> None:
        before = self.reading.count
        held_on = self._day(n, v["会議日"])
        series = self._series(n, v["会議種別"])
        number = self._text(n, "事例番号", v["事例番号"], required=True)
        stage = self._choice(n, "段階", v["段階"], self.vocab.stages)
        district = self._district(n, v["地区"])
        age = self._age(n, v["年齢"])
        sex = self._choice(n, "性別", v["性別"], self.vocab.sexes)
        care_level = self._choice(n, "要介護度", v["要介護度"], self.vocab.care_levels)
        tags = self._tags(n, v["課題"])
        goal = self._text(n, "目標", v["目標"], required=False)
        result = self._choice(n, "結果", v["結果"], self.vocab.outcomes, blank=True)
        if number and stage:
            self._once(n, number, stage, v["段階"])
        if self.reading.count > before:
            return
        assert held_on and series and number and stage and sex and care_level
        assert district is not None and age is not None and tags is not None
        self.reading.rows.append(
            ReviewRow(
                n,
                held_on,
                series,
                number,
                stage,
                district,
                age,
                sex,
                care_level,
                tags,
                goal or "",
                result or "",
            )
        )

    def _once(self, n: int, number: str, stage: str, raw: str) -> None:
        first = self.reading.seen.setdefault((number, stage), n)
        if first != n:
            label = self.reading.labels.get(stage, stage)
            self.bad(
                n,
                "段階",
                raw,
                f"事例番号「{number}」の{label}は{first}行目と{n}行目の2回あります。"
                "1つの事例の各段階は1行です",
            )

    def _day(self, n: int, raw: str) -> dt.date | None:
        if not raw:
            self.bad(
                n,
                "会議日",
                raw,
                "会議日を入れてください（例: 2025-05-13、令和7年5月13日、R7.5.13）",
            )
            return None
        try:
            day = parse_day(raw)
        except wareki.WarekiError as exc:
            self.bad(n, "会議日", raw, str(exc))
            return None
        if day not in DATE:
            self.bad(n, "会議日", raw, f"会議日は{DATE.expected()}です")
            return None
        return day

    def _series(self, n: int, raw: str) -> str | None:
        name = self._text(n, "会議種別", series_key(raw), required=True, raw=raw)
        if name and name in self.vocab.promotion_series:
            self.bad(
                n,
                "会議種別",
                raw,
                f"「{name}」は地域ケア推進会議です。事例は地域ケア個別会議の名前で記録してください",
            )
            return None
        return name

    def _text(
        self, n: int, column: str, value: str, *, required: bool, raw: str | None = None
    ) -> str | None:
        shown = value if raw is None else raw
        if required and not value:
            self.bad(n, column, shown, f"{column}を入れてください")
            return None
        limit = MAX_LENGTH[column]
        if len(value) > limit:
            self.bad(n, column, shown[:40] + "…", f"{column}は{limit}文字までです")
            return None
        return value

    def _choice(
        self, n: int, column: str, raw: str, choices: Mapping[str, str], *, blank: bool = False
    ) -> str | None:
        value = unicodedata.normalize("NFKC", raw).strip()
        if blank and not value:
            return ""
        found = choices.get(value)
        if found is None:
            tail = "、または空欄" if blank else ""
            self.bad(n, column, raw, f"{column}は {'・'.join(choices)} のいずれか{tail}です")
        return found

    def _district(self, n: int, raw: str) -> int | None:
        found = self.vocab.districts.get(raw)
        if found is None:
            found = self.districts.get(normalize_display(raw))
        if found is None:
            what = "地区を入れてください" if not raw else "登録されていない地区です"
            self.bad(
                n, "地区", raw, f"{what}。地区は {_listed(self.district_names)} のいずれかです"
            )
        return found

    def _age(self, n: int, raw: str) -> int | None:
        text = unicodedata.normalize("NFKC", raw).strip()
        if not _INTEGER.fullmatch(text) or int(text) not in AGE:
            self.bad(n, "年齢", raw, f"{AGE.low}以上{AGE.high}以下の整数です")
            return None
        return int(text)

    def _tags(self, n: int, raw: str) -> tuple[str, ...] | None:
        codes: list[str] = []
        unknown: list[str] = []
        for tag in split_tags(raw):
            code = self.tags.get(tag) or self.tags.get(normalize_display(tag))
            if code is None:
                unknown.append(tag)
            elif code not in codes:
                codes.append(code)
        if unknown:
            self.bad(
                n,
                "課題",
                raw,
                f"課題「{'」「'.join(unknown)}」は登録されていません。課題は "
                f"{_listed(self.tag_names)} から選び、「、」で区切ってください",
            )
            return None
        if len("|" + "|".join(codes) + "|") > TAG_CODES_MAX:
            self.bad(
                n, "課題", raw, f"課題が多すぎます（{len(codes)}個）。主なものに絞ってください"
            )
            return None
        return tuple(codes)


# --- the rules between rows ------------------------------------------------------------------


@dataclass(frozen=True)
class StoredReview:
    held_on: dt.date
    result: str


def check(
    reading: Reading, vocab: Vocabulary, stored: Mapping[str, Mapping[str, StoredReview]]
) -> list[ReviewRow]:
    """The rules between rows: one district and one sex per case, a first review (初回)
    in the file or already stored, and each stage on or after the one before (counting the
    stored reviews the file does not restate). Raise with every fault of the file."""
    by_case: dict[str, list[ReviewRow]] = {}
    for r in reading.rows:
        by_case.setdefault(r.number, []).append(r)
    order = list(vocab.stages.values())
    names = {v: k for k, v in vocab.districts.items()}
    for number, rows in by_case.items():
        _agree(reading, number, rows, "地区", lambda r: names.get(r.district_id, ""))
        _agree(reading, number, rows, "性別", lambda r: r.sex)
        _first_review(reading, number, rows, order[0], number in stored)
        _in_order(reading, number, rows, order, stored.get(number, {}))
    if reading.count:
        raise ReviewFileError(sorted(reading.faults, key=_place), reading.count)
    return reading.rows


def _place(f: Fault) -> tuple[int, int]:
    return f.row, COLUMNS.index(f.column) if f.column in COLUMNS else -1


def _agree(
    reading: Reading,
    number: str,
    rows: list[ReviewRow],
    column: str,
    value: Callable[[ReviewRow], str],
) -> None:
    first = rows[0]
    for r in rows[1:]:
        if value(r) != value(first):
            reading.bad(
                r.row,
                column,
                value(r),
                f"事例番号「{number}」の{column}が{first.row}行目（{value(first)}）と違います。"
                f"1つの事例の{column}は1つです",
            )


def _first_review(
    reading: Reading, number: str, rows: list[ReviewRow], initial: str, known: bool
) -> None:
    if known or (number, initial) in reading.seen:  # a 初回 row, even one with bad cells
        return
    first = min(rows, key=lambda r: r.row)
    label = reading.labels[initial]
    reading.bad(
        first.row,
        "段階",
        reading.labels[first.stage],
        f"事例番号「{number}」の{label}の行がありません（まだ登録されていない事例です）。"
        f"{label}の行を加えてください",
    )


def _in_order(
    reading: Reading,
    number: str,
    rows: list[ReviewRow],
    order: list[str],
    stored: Mapping[str, StoredReview],
) -> None:
    """初回 ≤ 中間 ≤ 終了前: each stage's day against every earlier one, the file's rows
    standing in for the stored reviews of the same stage."""
    days: dict[str, tuple[dt.date, int | None]] = {s: (r.held_on, None) for s, r in stored.items()}
    days.update({r.stage: (r.held_on, r.row) for r in rows})
    present = [s for s in order if s in days]
    for i, later in enumerate(present):
        for earlier in present[:i]:
            (late_day, late_row), (early_day, early_row) = days[later], days[earlier]
            if late_day >= early_day or (late_row is None and early_row is None):
                continue
            where = f"{early_row}行目" if early_row is not None else "登録済み"
            row = late_row if late_row is not None else early_row
            assert row is not None
            reading.bad(
                row,
                "会議日",
                (late_day if late_row is not None else early_day).isoformat(),
                f"事例番号「{number}」の{reading.labels[later]}の会議日（{late_day.isoformat()}）が"
                f"{reading.labels[earlier]}（{early_day.isoformat()}、{where}）より前です。"
                "初回 ≤ 中間 ≤ 終了前 の順の日付にしてください",
            )
            break
