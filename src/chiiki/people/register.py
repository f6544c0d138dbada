"""Residents from the resident register's extract (住民記録): one row per resident.

Pure: no Django. :func:`parse_table` checks every row and returns the :class:`Resident`
records, or raises :class:`RegisterFileError` with every fault at once (row, column, value,
what was expected, in Japanese). The import service matches them against what is stored.

Each resident's district comes from the address: the longest address area (町丁目・大字,
matched width-folded) at the start of the text that follows the municipality's name. The
prefecture and the county (郡) may be written or not: 「長崎県北松浦郡佐々町小浦免123」,
「佐々町小浦免123」 and 「小浦免123」 all lie in 小浦免.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from chiiki.areas.population import MAX_ERRORS, CellError, PopulationFileError
from chiiki.core import wareki
from chiiki.core.bounds import birth_date_problem
from chiiki.core.tabular import PROGRESS_EVERY, Progress, Table
from chiiki.core.text import normalize_display, to_katakana

CHECKING = "検証中"

COLUMNS: dict[str, tuple[str, ...]] = {
    "register_number": ("宛名番号", "宛名コード", "住民コード", "住登者番号"),
    "name": ("氏名", "氏名（漢字）", "氏名_漢字", "漢字氏名"),
    "kana": ("氏名カナ", "氏名_カナ", "氏名（カナ）", "カナ氏名", "フリガナ"),
    "sex": ("性別", "性別コード"),
    "birth_date": ("生年月日", "生年月日（西暦）", "生年月日（和暦）"),
    "address": ("住所", "住所（方書含む）", "住所_方書含む"),
    "phone": ("電話番号", "連絡先電話番号"),
    "household": ("世帯人数", "世帯員数"),
}
"""Our key -> (the header a file must have, other headers taken for it).

A working list, from the headers of 住民記録システム標準仕様書 and its 中間標準レイアウト and
of the extracts seen so far; a vendor's other spelling is added here. 個人番号 (マイナンバー)
and 住民票コード are deliberately absent: see :data:`REFUSED_COLUMNS`.
"""

OPTIONAL = frozenset({"phone", "household"})

LABELS = {k: names[0] for k, names in COLUMNS.items()}
"""Our key -> the header the documentation names it by (宛名番号, 氏名, …)."""

# Numbers this system must not hold (番号法, 住民基本台帳法): a file carrying them is refused.
REFUSED_COLUMNS = ("個人番号", "マイナンバー", "住民票コード")

MAX_LENGTH = {"register_number": 20, "family": 40, "given": 40, "kana": 80, "address": 200}
_REGISTER_NUMBER = re.compile(r"[0-9A-Za-z-]{1,20}")
_PHONE = re.compile(r"[0-9+\-() ]{0,20}")
_KANA = re.compile(r"[ァ-ヺー・ヽヾ]+")
_COUNTY = re.compile(r"[^\s]{1,8}?郡")
_DIGITS8 = re.compile(r"[0-9]{8}")
_EXCEL_DATETIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]00:00:00")

_SEX = {"男": "M", "男性": "M", "1": "M", "M": "M", "女": "F", "女性": "F", "2": "F", "F": "F"}


class RegisterFileError(PopulationFileError):
    """Every fault of a register extract; nothing of it is stored."""


class RegisterHeaderError(RegisterFileError):
    """The file lacks a column (or has a refused one): its headers, so a page can offer to
    map them to the columns it lacks."""

    def __init__(self, errors: list[CellError], headers: list[str], missing: list[str]) -> None:
        super().__init__(errors)
        self.headers = headers
        self.missing = missing


@dataclass(frozen=True, slots=True)
class Resident:
    """One row, checked and in the form it is stored in (names width-folded, kana katakana).

    ``phone`` and ``lives_alone`` are None when the file has no such column or the cell is
    empty: the stored value is then kept.
    """

    row: int
    register_number: str
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    sex: str
    birth_date: dt.date
    address: str
    district_id: int
    phone: str | None
    lives_alone: bool | None


def key(text: str) -> str:
    """The form headers and addresses are matched in: NFKC (width folding), no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def map_headers(headers: list[str], saved: Mapping[str, str] | None = None) -> dict[str, str]:
    """Map our column keys to the file's headers; raise naming every missing or refused column.

    ``saved`` maps our keys to a municipality's own headers (chosen on the import page and
    remembered): a saved header the file has wins over the aliases.
    """
    folded = {key(h): h for h in headers}
    mapping: dict[str, str] = {}
    faults: list[CellError] = [
        CellError(
            1,
            folded[key(name)],
            "",
            f"「{name}」の列がある住民記録は取り込めません。この列を除いたファイルにしてください",
        )
        for name in REFUSED_COLUMNS
        if key(name) in folded
    ]
    missing: list[str] = []
    for k, names in COLUMNS.items():
        own = (saved or {}).get(k)
        found = folded.get(key(own)) if own else None
        if found is None:
            found = next((folded[key(n)] for n in names if key(n) in folded), None)
        if found is not None:
            mapping[k] = found
        elif k not in OPTIONAL:
            missing.append(k)
            others = f"（「{'」「'.join(names[1:])}」も可）" if names[1:] else ""
            faults.append(CellError(1, names[0], "", f"見出し「{names[0]}」の列が必要です{others}"))
    if faults:
        raise RegisterHeaderError(faults, list(headers), missing)
    return mapping


class AddressMatcher:
    """Finds the address area an address lies in: the longest one after the municipality's name.

    ``areas`` maps each address area's name (any width) to its district's id.
    """

    def __init__(self, municipality: str, prefecture: str, areas: Mapping[str, int]) -> None:
        self.municipality = key(municipality)
        self.prefecture = key(prefecture)
        self.areas = {key(name): district for name, district in areas.items()}
        self.longest = max((len(k) for k in self.areas), default=0)

    def rest(self, address: str) -> str:
        """The text after the municipality's name (the whole text when it is not written)."""
        text = key(address)
        if self.prefecture and text.startswith(self.prefecture):
            text = text[len(self.prefecture) :]
        if text.startswith(self.municipality):
            return text[len(self.municipality) :]
        county = _COUNTY.match(text)
        if county and text.startswith(self.municipality, county.end()):
            return text[county.end() + len(self.municipality) :]
        return text

    def district(self, address: str) -> int | None:
        rest = self.rest(address)
        for length in range(min(len(rest), self.longest), 0, -1):
            found = self.areas.get(rest[:length])
            if found is not None:
                return found
        return None


@lru_cache(maxsize=65536)  # a register repeats birth dates many times over
def parse_birth_date(text: str) -> dt.date:
    """ISO, wareki (昭和15年4月1日, S15.4.1) or 8 digits (19400401); raise WarekiError."""
    value = unicodedata.normalize("NFKC", text).strip()
    if m := _EXCEL_DATETIME.fullmatch(value):  # a date cell of a workbook
        value = m.group(1)
    if _DIGITS8.fullmatch(value):
        value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return wareki.parse_date(value)


def split_name(text: str) -> tuple[str, str] | None:
    """Family and given name, separated by a full- or half-width space; None without one."""
    parts = normalize_display(text).split(" ", 1)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return None
    return parts[0], parts[1]


def parse_table(
    table: Table,
    matcher: AddressMatcher,
    today: dt.date,
    progress: Progress | None = None,
    saved: Mapping[str, str] | None = None,
) -> list[Resident]:
    """Check every row of a register extract; raise with every fault at once."""
    reader = _Reader(map_headers(table.headers, saved), matcher, today)
    for index, row in enumerate(table, start=1):
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(CHECKING, index, len(table))
        reader.read(row.number, {k: row.values[col].strip() for k, col in reader.mapping.items()})
    if not len(table):
        reader.bad(2, "register_number", "", "データの行がありません")
    if reader.errors:
        raise RegisterFileError(reader.errors, reader.faults)
    return reader.residents


class _Reader:
    def __init__(self, mapping: dict[str, str], matcher: AddressMatcher, today: dt.date) -> None:
        self.mapping = mapping
        self.matcher = matcher
        self.today = today
        self.errors: list[CellError] = []
        self.faults = 0
        self.numbers: dict[str, int] = {}  # register number -> its first row
        self.residents: list[Resident] = []

    def bad(self, row: int, k: str, value: str, expected: str) -> None:
        self.faults += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(CellError(row, self.mapping[k], value, expected))

    def read(self, n: int, v: dict[str, str]) -> None:
        faults = self.faults
        number = self._register_number(n, v["register_number"])
        name = self._name(n, "name", v["name"], "氏名", MAX_LENGTH["family"])
        kana = self._name(n, "kana", v["kana"], "氏名カナ", MAX_LENGTH["kana"])
        if kana is not None:
            kana = (to_katakana(kana[0]), to_katakana(kana[1]))
            if not all(_KANA.fullmatch(part) for part in kana):
                self.bad(n, "kana", v["kana"], "氏名カナはカタカナ（またはひらがな）です")
        sex = _SEX.get(unicodedata.normalize("NFKC", v["sex"]).strip().upper())
        if sex is None:
            self.bad(n, "sex", v["sex"], "性別は「男」「女」または「1」（男）「2」（女）です")
        birth = self._birth_date(n, v["birth_date"])
        address = normalize_display(v["address"])
        district = self._district(n, v["address"], address)
        phone = self._phone(n, v.get("phone", ""))
        alone = self._household(n, v.get("household", ""))
        if self.faults > faults:
            return
        assert number and name and kana and sex and birth and district is not None
        self.residents.append(
            Resident(
                n,
                number,
                name[0],
                name[1],
                kana[0],
                kana[1],
                sex,
                birth,
                address,
                district,
                phone,
                alone,
            )
        )

    def _register_number(self, n: int, raw: str) -> str | None:
        number = unicodedata.normalize("NFKC", raw).strip()
        if not _REGISTER_NUMBER.fullmatch(number):
            self.bad(n, "register_number", raw, "宛名番号（半角の英数字20文字まで）が必要です")
            return None
        first = self.numbers.setdefault(number, n)
        if first != n:
            self.bad(
                n,
                "register_number",
                raw,
                f"宛名番号 {number} は{first}行目と{n}行目の2回あります。1人1行です",
            )
            return None
        return number

    def _name(self, n: int, k: str, raw: str, label: str, limit: int) -> tuple[str, str] | None:
        parts = split_name(raw)
        if parts is None:
            self.bad(n, k, raw, f"{label}は姓と名を空白（全角または半角）で区切ってください")
            return None
        if max(len(p) for p in parts) > limit:
            self.bad(n, k, raw, f"{label}の姓・名はそれぞれ{limit}文字までです")
            return None
        return parts

    def _birth_date(self, n: int, raw: str) -> dt.date | None:
        try:
            birth = parse_birth_date(raw)
        except wareki.WarekiError as exc:
            self.bad(n, "birth_date", raw, f"生年月日: {exc}")
            return None
        if problem := birth_date_problem(birth, self.today):
            self.bad(n, "birth_date", raw, problem)
            return None
        return birth

    def _district(self, n: int, raw: str, address: str) -> int | None:
        if not address:
            self.bad(n, "address", raw, "住所が必要です（空欄にはできません）")
            return None
        if len(address) > MAX_LENGTH["address"]:
            self.bad(n, "address", raw, f"住所は{MAX_LENGTH['address']}文字までです")
            return None
        district = self.matcher.district(address)
        if district is None:
            self.bad(
                n,
                "address",
                raw,
                "住所がどの町丁目・大字にも当たりません（町丁目は「chiiki areas import」で"
                "登録したものです。市町村名の後の町丁目・大字を確かめてください）",
            )
        return district

    def _phone(self, n: int, raw: str) -> str | None:
        phone = normalize_display(raw.translate(_DASHES))
        if not phone:
            return None
        if not _PHONE.fullmatch(phone):
            self.bad(n, "phone", raw, "電話番号は数字とハイフンで20文字までです")
            return None
        return phone

    def _household(self, n: int, raw: str) -> bool | None:
        text = unicodedata.normalize("NFKC", raw).strip()
        if not text:
            return None
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 99:
            self.bad(n, "household", raw, "世帯人数は1から99までの整数です（1は独居）")
            return None
        return int(text) == 1


# Dash-like characters that NFKC leaves alone but appear in phone numbers.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ーｰ", "-"))
