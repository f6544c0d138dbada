"""A municipality's area tree from a file: 圏域 > 地区 > 町丁目, one row per address area.

Pure: no Django. :func:`parse_table` checks every row and returns the :class:`Tree`, or
raises :class:`AreaFileError` with every fault at once (row, column, value, what was
expected, in Japanese). The import service matches the tree against what is stored.

Names are matched by their NFKC width-folded form (:func:`key`): 「椿東１丁目」 in one row
and 「椿東1丁目」 in another are the same address area.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from chiiki.areas import codes
from chiiki.areas.population import MAX_ERRORS, CellError, PopulationFileError
from chiiki.core import municipality_code
from chiiki.core.tabular import PROGRESS_EVERY, Progress, Table
from chiiki.core.text import normalize_display

CHECKING = "検証中"

# Our key -> (the header a file must have, other headers taken for it).
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("市町村コード", "地方公共団体コード", "団体コード"),
    "municipality": ("市町村名", "市区町村名"),
    "life_area": ("圏域", "日常生活圏域"),
    "district": ("地区", "地区名"),
    "address": ("町丁目", "町丁目・大字", "大字・町丁目", "町丁字"),
}
MAX_LENGTH = {"life_area": 60, "district": 60, "address": 100}  # the models' fields


class AreaFileError(PopulationFileError):
    """Every fault of an area-tree file; nothing of it is stored."""


@dataclass(frozen=True)
class Tree:
    """What a file describes, each level in the order of first appearance in the file.

    ``districts`` pairs each district with its life area, ``address_areas`` each address
    area with its district (names as the file first gave them).
    """

    code: str
    name: str
    kana: str
    prefecture_code: str
    prefecture_name: str
    life_areas: tuple[str, ...]
    districts: tuple[tuple[str, str], ...]
    address_areas: tuple[tuple[str, str], ...]
    rows: int
    code_column: str


def key(name: str) -> str:
    """The form names are matched in: NFKC (width folding), single spaces, no edge spaces."""
    return normalize_display(name)


def code_fault(text: str) -> str | None:
    """Why ``text`` is not a municipality's code of the country's list, or None."""
    if len(text) == 5 and text.isascii() and text.isdigit():
        digit = municipality_code.check_digit(text)
        return f"6桁の市町村コード（検査数字つき）が必要です。5桁「{text}」なら {text}{digit}"
    if len(text) != 6 or not text.isascii() or not text.isdigit():
        return "6桁の市町村コード（検査数字つき。例: 佐々町 423912）"
    expected = municipality_code.check_digit(text[:5])
    if int(text[5]) != expected:
        return f"市町村コード {text} の検査数字が違います（正しくは {text[:5]}{expected}）"
    if codes.municipality(text) is None:
        if text[2:5] == "000":
            return f"{text} は{codes.prefecture_name(text) or '都道府県'}のコードです。市町村のコードが必要です"
        return f"市町村コード {text} は全国地方公共団体コードの一覧にありません"
    return None


def map_headers(headers: list[str]) -> dict[str, str]:
    """Map our column keys to the file's headers; raise naming every missing column."""
    folded = {key(h): h for h in headers}
    mapping: dict[str, str] = {}
    missing: list[CellError] = []
    for k, names in COLUMNS.items():
        found = next((folded[n] for n in names if n in folded), None)
        if found is None:
            others = f"（「{'」「'.join(names[1:])}」も可）" if names[1:] else ""
            missing.append(
                CellError(1, names[0], "", f"見出し「{names[0]}」の列が必要です{others}")
            )
        else:
            mapping[k] = found
    if missing:
        raise AreaFileError(missing)
    return mapping


def parse_table(table: Table, progress: Progress | None = None) -> Tree:
    """Check every row of an area-tree file; raise with every fault at once."""
    reader = _Reader(map_headers(table.headers))
    for index, row in enumerate(table, start=1):
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(CHECKING, index, len(table))
        reader.read(row.number, {k: row.values[col].strip() for k, col in reader.mapping.items()})
    if not len(table):
        reader.bad(2, "code", "", "データの行がありません")
    return reader.tree(len(table))


class _Reader:
    """The state of one file's check: what each level holds so far, and the faults."""

    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = mapping
        self.errors: list[CellError] = []
        self.faults = 0
        self.code: str | None = None
        self.code_row = 0
        self.entry: codes.Entry | None = None
        self.life_areas: dict[str, str] = {}  # key -> name as first given
        self.districts: dict[str, tuple[str, str, int]] = {}  # key -> (name, life area, row)
        self.addresses: dict[str, tuple[str, str, int]] = {}  # key -> (name, district, row)

    def bad(self, row: int, k: str, value: str, expected: str) -> None:
        self.faults += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(CellError(row, self.mapping[k], value, expected))

    def read(self, n: int, v: dict[str, str]) -> None:
        self._municipality(n, v)
        names: dict[str, str] = {}
        for k, label in (("life_area", "圏域"), ("district", "地区"), ("address", "町丁目")):
            if not v[k]:
                self.bad(n, k, "", f"{label}の名前が必要です（空欄にはできません）")
            elif len(v[k]) > MAX_LENGTH[k]:
                self.bad(n, k, v[k], f"{label}の名前は{MAX_LENGTH[k]}文字までです")
            else:
                names[k] = v[k]
        if len(names) == 3:
            self._place(n, names)

    def _municipality(self, n: int, v: dict[str, str]) -> None:
        text = unicodedata.normalize("NFKC", v["code"]).strip()
        if not text:
            self.bad(n, "code", "", "市町村コード（6桁）が必要です")
        elif fault := code_fault(text):
            self.bad(n, "code", v["code"], fault)
        elif self.code is None:
            self.code, self.code_row, self.entry = text, n, codes.municipality(text)
        elif text != self.code:
            self.bad(
                n,
                "code",
                v["code"],
                f"1つのファイルには1つの市町村だけです（{self.code_row}行目は {self.code}）",
            )
        entry = self.entry
        if entry is not None and text == self.code:
            if key(v["municipality"]) not in (entry.name, entry.prefecture + entry.name):
                self.bad(
                    n,
                    "municipality",
                    v["municipality"],
                    f"市町村コード {self.code} は{entry.prefecture}{entry.name}です",
                )

    def _place(self, n: int, names: dict[str, str]) -> None:
        la, di, ad = key(names["life_area"]), key(names["district"]), key(names["address"])
        self.life_areas.setdefault(la, names["life_area"])
        first = self.districts.setdefault(di, (names["district"], la, n))
        if first[1] != la:
            self.bad(
                n,
                "life_area",
                names["life_area"],
                f"地区「{first[0]}」は{first[2]}行目で圏域「{self.life_areas[first[1]]}」です。"
                "1つの地区は1つの圏域にだけ属します",
            )
            return
        seen = self.addresses.setdefault(ad, (names["address"], di, n))
        if seen[1] != di:
            self.bad(
                n,
                "address",
                names["address"],
                f"町丁目「{seen[0]}」は{seen[2]}行目で地区「{self.districts[seen[1]][0]}」です。"
                "1つの町丁目は1つの地区にだけ属します",
            )

    def tree(self, rows: int) -> Tree:
        if self.errors:
            raise AreaFileError(self.errors, self.faults)
        assert self.code is not None and self.entry is not None  # a good row gave them
        return Tree(
            code=self.code,
            name=self.entry.name,
            kana=self.entry.kana,
            prefecture_code=self.code[:2],
            prefecture_name=self.entry.prefecture,
            life_areas=tuple(self.life_areas.values()),
            districts=tuple((name, self.life_areas[la]) for name, la, _ in self.districts.values()),
            address_areas=tuple(
                (name, self.districts[d][0]) for name, d, _ in self.addresses.values()
            ),
            rows=rows,
            code_column=self.mapping["code"],
        )
