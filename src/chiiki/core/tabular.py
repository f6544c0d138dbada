"""Read the files municipal staff exchange: CSV (UTF-8 with or without BOM, or cp932) and XLSX.

Every reader returns the same shape, a :class:`Table` whose rows remember the line number a
person sees in Excel (the header is row 1), so that an error can name the row and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ENCODINGS = ("utf-8-sig", "cp932")


class TableError(ValueError):
    """A file that cannot be read as a table at all."""


@dataclass(frozen=True)
class Row:
    number: int  # as Excel shows it: the header is row 1, the first data row is row 2
    values: dict[str, str]


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[Row] = field(default_factory=list)
    encoding: str | None = None

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes as UTF-8 (BOM or not) or cp932 (Shift_JIS as Windows writes it)."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise TableError("文字コードを判別できません（UTF-8 または Shift_JIS の CSV が必要です）")


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _build(header_row: list[object], body: Iterator[list[object]], encoding: str | None) -> Table:
    headers = [_clean(h) for h in header_row]
    while headers and headers[-1] == "":
        headers.pop()
    if not headers:
        raise TableError("1行目に見出し行がありません")
    seen: set[str] = set()
    for col, name in enumerate(headers, start=1):
        if name == "":
            raise TableError(f"1行目 {col}列目: 見出しが空です")
        if name in seen:
            raise TableError(f"1行目 {col}列目: 見出し「{name}」が重複しています")
        seen.add(name)
    rows: list[Row] = []
    for number, raw in enumerate(body, start=2):
        cells = [_clean(v) for v in raw]
        if not any(cells):
            continue  # blank lines at the end of an Excel sheet
        if len(cells) > len(headers) and any(cells[len(headers) :]):
            raise TableError(
                f"{number}行目: 見出しは{len(headers)}列ですが、{len(cells)}列の値があります"
            )
        cells += [""] * (len(headers) - len(cells))
        rows.append(Row(number, dict(zip(headers, cells[: len(headers)], strict=True))))
    return Table(headers=headers, rows=rows, encoding=encoding)


def read_csv_bytes(data: bytes) -> Table:
    text, encoding = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise TableError("ファイルが空です") from None
    return _build(list(header), (list(r) for r in reader), encoding)


def read_xlsx_bytes(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableError(f"Excel ファイルとして読めません: {exc}") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = next(rows)
    except StopIteration:
        raise TableError("シートが空です") from None
    table = _build(list(header), (list(r) for r in rows), None)
    workbook.close()
    return table


def read_table(data: bytes, filename: str) -> Table:
    """Read CSV or XLSX bytes, chosen by the file name's suffix (or the XLSX zip magic)."""
    suffix = Path(filename).suffix.lower()
    if suffix in {".xlsx", ".xlsm"} or data[:2] == b"PK":
        return read_xlsx_bytes(data)
    if suffix in {".csv", ".txt", ""}:
        return read_csv_bytes(data)
    raise TableError(f"「{filename}」は CSV でも XLSX でもありません")


def read_path(path: str | Path) -> Table:
    p = Path(path)
    return read_table(p.read_bytes(), p.name)


# Cells that a spreadsheet would run as a formula (CWE-1236).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Guard an exported cell against spreadsheet formula injection."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value
