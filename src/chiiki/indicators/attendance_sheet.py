"""Attendance sheets of gathering places (通いの場の出席簿), typed in from paper: the checks.

Pure: no Django. :func:`read` checks every cell and finds the sheet's layout from its
columns; :func:`resolve` names each row's gathering place and resident from what the
municipality has (a :class:`Vocabulary` the service reads for the file's values) and raises
:class:`AttendanceFileError` with every fault of the file at once (row, column, value,
what was expected, in Japanese). The import writes nothing before both pass.

Two layouts, told apart by their columns (a header may be written in full-width forms):

- one row per person and day: 通いの場, 日付, and 宛名番号 or 氏名 + 生年月日;
- one row per day and count (a sheet without names): 通いの場, 日付, 参加者数, and
  optionally 65歳以上の参加者数.

通いの場 is the directory's name of the place or its id (uuid); 日付 is ISO (2025-05-13,
2025/5/13) or wareki (令和7年5月13日, R7.5.13). Other columns (No, 備考) are not read.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from chiiki.core import wareki
from chiiki.core.bounds import CARE_PERIOD, IntRange
from chiiki.core.sheet import Fault, Faults, FileFaults
from chiiki.core.tabular import Table
from chiiki.core.text import fold, normalize_display

PLACE, DAY, NUMBER, NAME, BIRTH = "通いの場", "日付", "宛名番号", "氏名", "生年月日"
COUNT, COUNT_65 = "参加者数", "65歳以上の参加者数"
PERSONS, COUNTS = "persons", "counts"
LAYOUT_LABELS = {PERSONS: "1行が1人・1日", COUNTS: "1行が1日・人数"}

# One session of one gathering place: the national survey's largest class is 「100人超」;
# a thousand on one day is a typing error, not a salon.
ATTENDANCE_COUNT = IntRange(0, 1000, "人")
# 通いの場 are 介護予防 of the care insurance, which began on 2000-04-01.
ATTENDANCE_DAY = CARE_PERIOD

_EXCEL_DATETIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]00:00:00")
_INTEGER = re.compile(r"-?[0-9]+")
_UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")


class AttendanceFileError(FileFaults):
    """Every fault of an attendance sheet; nothing of it is stored."""


@dataclass(frozen=True, slots=True)
class Line:
    """One row whose cells passed their own checks (a blank or bad cell is None)."""

    row: int
    place: str
    day: dt.date | None
    number: str = ""
    name: str = ""  # folded (width, kana, spaces ignored)
    name_shown: str = ""
    birth: dt.date | None = None
    count: int | None = None
    count_65: int | None = None
    ok: bool = True  # no cell of the row is bad (its place and person are still looked up)


@dataclass
class Sheet(Faults):
    """The layout, the rows read, and the faults found so far."""

    layout: str = ""
    lines: list[Line] = field(default_factory=list)

    def numbers(self) -> list[str]:
        return sorted({ln.number for ln in self.lines if ln.number})

    def births(self) -> list[dt.date]:
        return sorted({ln.birth for ln in self.lines if ln.birth and not ln.number})

    def places(self) -> list[str]:
        return sorted({ln.place for ln in self.lines if ln.place})

    def days(self) -> tuple[dt.date, dt.date] | None:
        days = [ln.day for ln in self.lines if ln.day is not None]
        return (min(days), max(days)) if days else None


@dataclass(frozen=True, slots=True)
class Resident:
    id: int
    name: str  # folded full name (family then given)
    kana: str  # folded full kana
    birth_date: dt.date
    moved_out_on: dt.date | None = None


@dataclass(frozen=True)
class Vocabulary:
    """What the cells may name, read by the service for the file's values.

    ``places``: folded name → ids of the municipality's gathering places; ``place_ids``:
    uuid (lower case, with hyphens) → id; ``not_places``: folded name or uuid → the name of
    a directory entry that is not a gathering place. ``by_number`` and ``by_name_birth``
    hold the municipality's residents only: another municipality's resident is answered as
    an unknown person. ``named_days`` and ``counted_days``: the (place, day) already stored
    with names and with a count.
    """

    today: dt.date
    places: Mapping[str, tuple[int, ...]]
    place_ids: Mapping[str, int]
    not_places: Mapping[str, str] = field(default_factory=dict)
    by_number: Mapping[str, Resident] = field(default_factory=dict)
    by_name_birth: Mapping[tuple[str, dt.date], tuple[Resident, ...]] = field(default_factory=dict)
    named_days: frozenset[tuple[int, dt.date]] = frozenset()
    counted_days: frozenset[tuple[int, dt.date]] = frozenset()


@dataclass(frozen=True, slots=True)
class PersonDay:
    row: int
    place_id: int
    person_id: int
    day: dt.date


@dataclass(frozen=True, slots=True)
class DayCount:
    row: int
    place_id: int
    day: dt.date
    participants: int
    participants_65: int | None


def place_key(text: str) -> str:
    """How a place's name is compared: folded (width, kana, case and spaces ignored)."""
    return fold(text)


def uuid_key(text: str) -> str | None:
    """A uuid as stored (lower case, with hyphens), or None when the text is not one."""
    raw = unicodedata.normalize("NFKC", text).strip().lower()
    if not _UUID.fullmatch(raw):
        return None
    h = raw.replace("-", "")
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@lru_cache(maxsize=4096)  # a sheet repeats its days many times over
def parse_day(text: str) -> dt.date:
    """ISO, wareki or a workbook's date cell; raise WarekiError (in Japanese)."""
    value = unicodedata.normalize("NFKC", text).strip()
    if m := _EXCEL_DATETIME.fullmatch(value):
        value = m.group(1)
    return wareki.parse_date(value)


def layout_of(headers: Sequence[str]) -> tuple[str, list[Fault]]:
    """The layout the columns say, or the faults of the header row."""
    have = {normalize_display(h) for h in headers}
    missing = [c for c in (PLACE, DAY) if c not in have]
    faults = [Fault(1, c, "", f"見出し「{c}」の列が必要です") for c in missing]
    named = NUMBER in have or NAME in have or BIRTH in have
    if COUNT in have and named:
        faults.append(
            Fault(
                1,
                COUNT,
                "",
                "「参加者数」の列と、宛名番号・氏名の列は同じファイルにできません"
                "（名前のある出席簿と人数だけの記録は別のファイルにしてください）",
            )
        )
    elif COUNT_65 in have and COUNT not in have:
        faults.append(Fault(1, COUNT, "", "「65歳以上の参加者数」には「参加者数」の列が必要です"))
    elif COUNT in have:
        return (COUNTS, faults)
    elif NUMBER in have or (NAME in have and BIRTH in have):
        return (PERSONS, faults)
    elif NAME in have or BIRTH in have:
        other = BIRTH if NAME in have else NAME
        faults.append(
            Fault(
                1, other, "", f"「氏名」と「生年月日」は2列とも必要です（「{other}」がありません）"
            )
        )
    else:
        faults.append(
            Fault(
                1,
                NUMBER,
                "",
                "人を示す列（「宛名番号」または「氏名」と「生年月日」）か、"
                "人数の列（「参加者数」）が必要です",
            )
        )
    return ("", faults)


def read(table: Table, today: dt.date) -> Sheet:
    """Check every cell of every row; the layout, the good rows and every fault found."""
    sheet = Sheet()
    sheet.layout, faults = layout_of(table.headers)
    for f in faults:
        sheet.bad(f.row, f.column, f.value, f.expected)
    if faults:
        return sheet
    column_of = {normalize_display(h): h for h in table.headers}
    wanted = [c for c in (PLACE, DAY, NUMBER, NAME, BIRTH, COUNT, COUNT_65) if c in column_of]
    for row in table:
        cells = {c: row.values[column_of[c]].strip() for c in wanted}
        if not any(cells.values()):
            continue  # a blank line between a sheet's pages
        sheet.lines.append(_line(sheet, row.number, cells, today))
    if not sheet.lines:
        sheet.bad(2, PLACE, "", "データの行がありません")
    return sheet


def _line(sheet: Sheet, row: int, cells: dict[str, str], today: dt.date) -> Line:
    faults = sheet.count
    place = cells[PLACE]
    if not place:
        sheet.bad(row, PLACE, "", "通いの場の名称（または ID）を入力してください")
    day = _day(sheet, row, DAY, cells[DAY], today, required=True)
    if sheet.layout == COUNTS:
        count = _count(sheet, row, COUNT, cells[COUNT], required=True)
        count_65 = _count(sheet, row, COUNT_65, cells.get(COUNT_65, ""), required=False)
        if count is not None and count_65 is not None and count_65 > count:
            sheet.bad(
                row,
                COUNT_65,
                cells[COUNT_65],
                f"65歳以上の参加者数は参加者数（{count}人）以下です",
            )
        return Line(row, place, day, count=count, count_65=count_65, ok=sheet.count == faults)
    number = normalize_display(cells.get(NUMBER, ""))
    name_text = normalize_display(cells.get(NAME, ""))
    birth_text = cells.get(BIRTH, "")
    birth = None
    if not number:
        if not name_text and not birth_text:
            which = "宛名番号、または氏名と生年月日" if NAME in cells else "宛名番号"
            sheet.bad(row, NUMBER if NUMBER in cells else NAME, "", f"{which}を入力してください")
        elif not name_text:
            sheet.bad(row, NAME, "", "氏名を入力してください（生年月日とともに人を示します）")
        elif not birth_text:
            sheet.bad(row, BIRTH, "", "生年月日を入力してください（氏名とともに人を示します）")
        else:
            birth = _birth(sheet, row, birth_text, today)
    elif len(number) > 20:
        sheet.bad(row, NUMBER, number, "宛名番号は20文字以内です")
    return Line(
        row,
        place,
        day,
        number=number if len(number) <= 20 else "",
        name=fold(name_text),
        name_shown=name_text,
        birth=birth,
        ok=sheet.count == faults,
    )


def _day(
    sheet: Sheet, row: int, column: str, text: str, today: dt.date, *, required: bool
) -> dt.date | None:
    if not text:
        if required:
            sheet.bad(row, column, "", "日付を入力してください（例: 2025-05-13、令和7年5月13日）")
        return None
    try:
        day = parse_day(text)
    except wareki.WarekiError as exc:
        sheet.bad(row, column, text, str(exc))
        return None
    if day not in ATTENDANCE_DAY:
        sheet.bad(row, column, text, f"日付は{ATTENDANCE_DAY.expected()}です")
        return None
    if day > today:
        sheet.bad(row, column, text, f"未来の日付です（今日は{today.isoformat()}）")
        return None
    return day


def _birth(sheet: Sheet, row: int, text: str, today: dt.date) -> dt.date | None:
    try:
        birth = parse_day(text)
    except wareki.WarekiError as exc:
        sheet.bad(row, BIRTH, text, str(exc))
        return None
    if not dt.date(1900, 1, 1) <= birth <= today:
        sheet.bad(row, BIRTH, text, f"生年月日は1900-01-01から今日（{today.isoformat()}）までです")
        return None
    return birth


def _count(sheet: Sheet, row: int, column: str, text: str, *, required: bool) -> int | None:
    if not text:
        if required:
            sheet.bad(row, column, "", "人数を入力してください（0以上の整数）")
        return None
    value = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    value = value.removesuffix("人").strip()
    if value.endswith(".0"):  # a workbook's number cell
        value = value[:-2]
    if not _INTEGER.fullmatch(value):
        sheet.bad(row, column, text, f"{column}は{ATTENDANCE_COUNT.expected()}です")
        return None
    n = int(value)
    if n not in ATTENDANCE_COUNT:
        sheet.bad(row, column, text, f"{column}は{ATTENDANCE_COUNT.expected()}です")
        return None
    return n


# --- names: the rows against what the municipality has --------------------------------------


def resolve(sheet: Sheet, vocab: Vocabulary) -> list[PersonDay] | list[DayCount]:
    """The sheet's rows as they are stored; AttendanceFileError with every fault."""
    places = _Places(vocab, sheet)
    persons: list[PersonDay] = []
    counts: list[DayCount] = []
    seen: dict[tuple[int, ...], int] = {}
    for ln in sheet.lines:
        place_id = places.find(ln) if ln.place else None
        if sheet.layout == COUNTS:
            if place_id is None or ln.day is None or ln.count is None or not ln.ok:
                continue
            if _twice(sheet, seen, (place_id, ln.day.toordinal()), ln, DAY):
                continue
            if (place_id, ln.day) in vocab.named_days:
                sheet.bad(
                    ln.row,
                    COUNT,
                    str(ln.count),
                    "この日のこの通いの場は名前のある出席簿が取り込まれています"
                    "（人数を二重に数えないため、人数だけの記録は取り込みません）",
                )
                continue
            counts.append(DayCount(ln.row, place_id, ln.day, ln.count, ln.count_65))
            continue
        resident = _resident(sheet, vocab, ln) if ln.number or ln.birth else None
        if place_id is None or resident is None or ln.day is None or not ln.ok:
            continue
        if resident.moved_out_on is not None and ln.day > resident.moved_out_on:
            sheet.bad(
                ln.row,
                DAY,
                ln.day.isoformat(),
                f"この人は{resident.moved_out_on.isoformat()}に転出等となっています",
            )
            continue
        if _twice(sheet, seen, (place_id, resident.id, ln.day.toordinal()), ln, DAY):
            continue
        if (place_id, ln.day) in vocab.counted_days:
            sheet.bad(
                ln.row,
                DAY,
                ln.day.isoformat(),
                "この日のこの通いの場は人数だけの記録が取り込まれています"
                "（人数を二重に数えないため、名前のある出席は取り込みません）",
            )
            continue
        persons.append(PersonDay(ln.row, place_id, resident.id, ln.day))
    if sheet.count:
        # by row, and within a row in the columns' order (the cells' checks ran first)
        order = {c: i for i, c in enumerate((PLACE, DAY, NUMBER, NAME, BIRTH, COUNT, COUNT_65))}
        faults = sorted(sheet.faults, key=lambda f: (f.row, order.get(f.column, len(order))))
        raise AttendanceFileError(faults, sheet.count)
    return counts if sheet.layout == COUNTS else persons


def _twice(
    sheet: Sheet, seen: dict[tuple[int, ...], int], key: tuple[int, ...], ln: Line, column: str
) -> bool:
    first = seen.setdefault(key, ln.row)
    if first == ln.row:
        return False
    what = "同じ通いの場・日付" if sheet.layout == COUNTS else "同じ通いの場・人・日付"
    shown = ln.day.isoformat() if ln.day else ""
    sheet.bad(ln.row, column, shown, f"{first}行目と{what}の行です（重複）")
    return True


class _Places:
    def __init__(self, vocab: Vocabulary, sheet: Sheet) -> None:
        self.vocab, self.sheet = vocab, sheet

    def find(self, ln: Line) -> int | None:
        vocab, text = self.vocab, ln.place
        uid = uuid_key(text)
        if uid is not None:
            found = vocab.place_ids.get(uid)
            if found is None:
                self._unknown(ln, vocab.not_places.get(uid))
            return found
        ids = vocab.places.get(place_key(text), ())
        if len(ids) == 1:
            return ids[0]
        if ids:
            self.sheet.bad(
                ln.row,
                PLACE,
                text,
                f"同じ名称の通いの場が{len(ids)}か所あります。地域資源の ID（uuid）で指定してください",
            )
            return None
        self._unknown(ln, vocab.not_places.get(place_key(text)))
        return None

    def _unknown(self, ln: Line, other: str | None) -> None:
        if other is not None:
            expected = (
                f"「{other}」は地域資源にありますが、種類が「通いの場・サロン」ではありません"
            )
        else:
            expected = "この市町村の地域資源に、この名称・ID の通いの場はありません"
        self.sheet.bad(ln.row, PLACE, ln.place, expected)


def _resident(sheet: Sheet, vocab: Vocabulary, ln: Line) -> Resident | None:
    if ln.number:
        found = vocab.by_number.get(ln.number)
        if found is None:
            sheet.bad(ln.row, NUMBER, ln.number, "この市町村の住民記録にない宛名番号です")
            return None
        if ln.name and ln.name not in (found.name, found.kana):
            sheet.bad(ln.row, NAME, ln.name_shown, "宛名番号の人と氏名が一致しません")
            return None
        return found
    assert ln.birth is not None  # read() keeps a row without a number only with both
    key = (ln.name, ln.birth)
    matches = vocab.by_name_birth.get(key, ())
    if len(matches) == 1:
        return matches[0]
    if matches:
        sheet.bad(
            ln.row,
            NAME,
            ln.name_shown,
            f"同じ氏名・生年月日の人が{len(matches)}人います。宛名番号で指定してください",
        )
    else:
        sheet.bad(
            ln.row,
            NAME,
            ln.name_shown,
            f"この市町村の住民記録に、この氏名で生年月日が{ln.birth.isoformat()}の人はいません",
        )
    return None
