"""The log of professionals a prefecture dispatches to its municipalities, from a spreadsheet.

Pure: no Django. :func:`read` checks every cell and returns the file's dispatches added up by
key, or raises :class:`DispatchFileError` with every fault of the file at once (row, column,
value, what was expected, in Japanese). The import service writes nothing unless the whole
file passes.

The columns (a header may be written in full-width characters; other names for them are in
``ALIASES``)::

    日付 市町村コード 派遣元 事業区分 職種 [件数]

- 日付: ISO (2017-06-01) or wareki (平成29年6月1日, H29.6.1); a day that does not exist
  (昭和64年2月1日, 2018-02-30) or that is after today is refused.
- 市町村コード: the six digits of 全国地方公共団体コード with the check digit, or the five
  without it; full-width digits are folded. The municipality must be one of the prefecture's
  own, and known to chiiki.
- 派遣元: the kind of sending body (広域支援センター, 地域密着リハセンター …), free text.
- 事業区分: one of the four of the guide's 熊本県 table (介護予防事業, 地域ケア会議,
  通いの場等, その他).
- 職種: the profession (理学療法士, 作業療法士, 言語聴覚士 …), free text.
- 件数: how many dispatches the row stands for, a positive whole number; 1 when the column is
  absent or the cell empty, so that a year's already-totalled figures can be imported.

Identical rows (the same day, municipality, sender, kind of work and profession) add up into
one key: their counts are summed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from chiiki.areas import codes
from chiiki.core import municipality_code, wareki
from chiiki.core.bounds import DATE, IntRange
from chiiki.core.sheet import Fault, Faults, FileFaults
from chiiki.core.sheet import header_map as _header_map
from chiiki.core.tabular import Table

REQUIRED = ("日付", "市町村コード", "派遣元", "事業区分", "職種")
OPTIONAL = ("件数",)
SENDER_MAX = 60
PROFESSION_MAX = 40
# One key's count: the model's bound (a municipality does not receive 10,000 in a day).
COUNT = IntRange(1, 10_000, "件")

# The kinds of work, label → stored value (``chiiki.prefecture.models.WorkKind``; a test
# holds the two equal, as this module may not import the model).
WORK_KINDS: Mapping[str, str] = {
    "介護予防事業": "prevention",
    "地域ケア会議": "care_meeting",
    "通いの場等": "places",
    "その他": "other",
}
WORK_LABELS: Mapping[str, str] = {v: k for k, v in WORK_KINDS.items()}

ALIASES: Mapping[str, str] = {
    "日付": "日付",
    "派遣日": "日付",
    "年月日": "日付",
    "実施日": "日付",
    "市町村コード": "市町村コード",
    "地方公共団体コード": "市町村コード",
    "団体コード": "市町村コード",
    "派遣先コード": "市町村コード",
    "派遣元": "派遣元",
    "派遣元団体": "派遣元",
    "派遣機関": "派遣元",
    "事業区分": "事業区分",
    "区分": "事業区分",
    "事業": "事業区分",
    "職種": "職種",
    "専門職": "職種",
    "派遣職種": "職種",
    "件数": "件数",
    "派遣件数": "件数",
    "回数": "件数",
}

_DIGITS = re.compile(r"[0-9]+")
_SPACES = re.compile(r"\s+")
# A date cell of a workbook comes through the reader as a datetime at midnight.
_EXCEL_DATETIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]00:00:00")


class DispatchFileError(FileFaults):
    """Every fault of the file; nothing of it is stored."""


@dataclass(frozen=True, slots=True, order=True)
class Key:
    """What one stored record is: dispatches of one kind on one day to one municipality."""

    day: dt.date
    municipality: str  # six digits, with the check digit
    sender: str
    work: str  # WorkKind's value
    profession: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One key of the file with its summed count and the rows it came from."""

    key: Key
    count: int
    rows: tuple[int, ...]


def fold(text: str) -> str:
    """NFKC, trimmed, each run of spaces one space (「 広域支援 センター 」→「広域支援 センター」)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip()


def _header(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


def parse_code(raw: str, prefecture: str, known: Collection[str]) -> str:
    """The six-digit code of one of the prefecture's municipalities; ValueError in Japanese.

    ``prefecture`` is the two-digit code; ``known`` the six-digit codes chiiki has for it."""
    text = fold(raw).replace(" ", "").replace("-", "")
    if not text:
        raise ValueError("市町村コードを入れてください（6桁の検査数字つき、または先頭5桁）")
    if not _DIGITS.fullmatch(text) or len(text) not in (5, 6):
        raise ValueError(
            "市町村コードは6桁（検査数字つき）か5桁（検査数字なし）の数字です（例: 熊本市 431001）"
        )
    if len(text) == 5:
        text += str(municipality_code.check_digit(text))
    else:
        try:
            municipality_code.validate(text)
        except municipality_code.MunicipalityCodeError as exc:
            raise ValueError(str(exc)) from exc
    own = codes.prefecture_name(prefecture) or f"都道府県コード{prefecture}"
    if text[:2] != prefecture[:2]:
        theirs = codes.prefecture_name(text[:2])
        where = f"{theirs}の市町村です" if theirs else "どの都道府県のコードでもありません"
        raise ValueError(f"{own}の市町村ではありません（{text} は{where}）")
    if text not in known:
        entry = codes.municipality(text)
        name = f"（{entry.name}）" if entry else ""
        raise ValueError(
            f"{text}{name}は{own}の市町村としてchiikiに登録されていません。"
            "登録済みの市町村のコードを入れてください"
        )
    return text


def parse_day(raw: str, today: dt.date) -> dt.date:
    """A day that exists and is not after ``today``; ValueError in Japanese."""
    excel = _EXCEL_DATETIME.fullmatch(fold(raw))
    try:
        day = wareki.parse_date(excel.group(1) if excel else raw)
    except wareki.WarekiError as exc:
        raise ValueError(f"{exc}。日付は 2017-06-01 か 平成29年6月1日 の形です") from exc
    if day > today:
        raise ValueError(
            f"{day.isoformat()}は未来の日付です。派遣した日（今日 {today.isoformat()} まで）を"
            "入れてください"
        )
    DATE.check(day, "日付")
    return day


def parse_work(raw: str) -> str:
    """The stored value of one of the four kinds of work; ValueError in Japanese."""
    value = WORK_KINDS.get(fold(raw).replace(" ", ""))
    if value is None:
        raise ValueError("事業区分は " + "・".join(WORK_KINDS) + " のどれかです")
    return value


def parse_text(raw: str, label: str, limit: int) -> str:
    text = fold(raw)
    if not text:
        raise ValueError(f"{label}を入れてください")
    if len(text) > limit:
        raise ValueError(f"{label}は{limit}文字以内です（{len(text)}文字）")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise ValueError(f"{label}に制御文字は使えません")
    return text


def parse_count(raw: str) -> int:
    """1 for an empty cell, else a positive whole number; ValueError in Japanese."""
    text = fold(raw).replace(",", "").replace(" ", "")
    if not text:
        return 1
    # A cell of thousands of digits is refused before int(), which would refuse it in English.
    if not _DIGITS.fullmatch(text) or len(text) > 9 or int(text) not in COUNT:
        raise ValueError(f"件数は正の整数（{COUNT.expected()}）です。空欄なら1件です")
    return int(text)


def header_map(headers: list[str]) -> tuple[dict[str, str], list[Fault]]:
    """The file's headers by the column each one is, and the faults of the header row."""
    return _header_map(headers, ALIASES, REQUIRED, OPTIONAL)


def _read_row(
    number: int,
    cells: Mapping[str, str],
    reading: Faults,
    context: tuple[str, Collection[str], dt.date],
) -> tuple[Key, int] | None:
    prefecture, known, today = context
    parsers = {
        "日付": lambda raw: parse_day(raw, today),
        "市町村コード": lambda raw: parse_code(raw, prefecture, known),
        "派遣元": lambda raw: parse_text(raw, "派遣元", SENDER_MAX),
        "事業区分": parse_work,
        "職種": lambda raw: parse_text(raw, "職種", PROFESSION_MAX),
        "件数": parse_count,
    }
    values: dict[str, object] = {}
    for column, parse in parsers.items():
        raw = cells.get(column, "")
        try:
            values[column] = parse(raw)
        except ValueError as exc:
            reading.bad(number, column, raw, str(exc))
    if len(values) < len(parsers):
        return None
    key = Key(
        day=values["日付"],  # type: ignore[arg-type]
        municipality=values["市町村コード"],  # type: ignore[arg-type]
        sender=values["派遣元"],  # type: ignore[arg-type]
        work=values["事業区分"],  # type: ignore[arg-type]
        profession=values["職種"],  # type: ignore[arg-type]
    )
    return key, values["件数"]  # type: ignore[return-value]


def read(table: Table, *, prefecture: str, known: Collection[str], today: dt.date) -> list[Entry]:
    """The file's dispatches by key (in the order first seen), or DispatchFileError.

    1. the header row must name the five columns (件数 may be left out);
    2. every cell of every non-blank row is checked, and every fault kept;
    3. rows of the same key are added up; a key whose sum passes the bound is refused.
    """
    mapping, header_faults = header_map(table.headers)
    if header_faults:
        raise DispatchFileError(header_faults)
    reading = Faults()
    counts: dict[Key, int] = {}
    rows: dict[Key, list[int]] = {}
    context = (prefecture, known, today)
    for row in table:
        cells = {mapping[h]: v for h, v in row.values.items() if h in mapping}
        if not any(fold(v) for v in cells.values()):
            continue  # a blank line
        found = _read_row(row.number, cells, reading, context)
        if found is None:
            continue
        key, count = found
        total = counts.get(key, 0) + count
        if total > COUNT.high:
            reading.bad(
                row.number,
                "件数",
                cells.get("件数", ""),
                f"同じ日・市町村・派遣元・事業区分・職種の件数の合計が{total:,}件になり、"
                f"上限の{COUNT.high:,}件を超えます（{rows[key][0]}行目と同じ組み合わせ）",
            )
            continue
        counts[key] = total
        rows.setdefault(key, []).append(row.number)
    if reading.count:
        raise DispatchFileError(reading.faults, reading.count)
    if not counts:
        raise DispatchFileError([Fault(2, "日付", "", "データの行がありません")])
    return [Entry(key, counts[key], tuple(rows[key])) for key in counts]
