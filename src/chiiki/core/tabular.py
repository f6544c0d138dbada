"""Read the files municipal staff exchange: CSV (UTF-8 with or without BOM, or cp932) and XLSX.

Every reader returns the same shape, a :class:`Table` whose rows remember the line number a
person sees in Excel (the header is row 1), so that an error can name the row and column.
Every fault of a file is a :class:`TableError` in Japanese, never another exception:

1. the size and, for XLSX, the zip members' declared sizes and the sheet's dimension are
   checked against :class:`Limits` before anything is parsed (a zip bomb is refused unread);
2. CSV is read strictly: an unterminated quote or text after a closing quote names the row
   and column where the value began;
3. rows are streamed (XLSX in openpyxl's read-only mode), so the row limit is enforced while
   reading and memory stays bounded by what the caller keeps.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

ENCODINGS = ("utf-8-sig", "cp932")
READING = "読み込み中"
PROGRESS_EVERY = 10_000  # rows between two progress reports while reading

# Callback a long read reports to: (stage, rows done, rows in all or None when unknown).
Progress = Callable[[str, int, int | None], None]


class TableError(ValueError):
    """A file that cannot be read as a table at all; ``row`` and ``column`` say where, if known."""

    def __init__(self, message: str, *, row: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.row = row
        self.column = column


@dataclass(frozen=True)
class Limits:
    """What one uploaded or imported file may hold (the settings give the deployed values)."""

    max_bytes: int
    max_rows: int  # data rows, the header not counted
    max_columns: int
    max_expanded_bytes: int  # XLSX: the zip members' uncompressed sizes added up


NO_LIMITS = Limits(sys.maxsize, sys.maxsize, sys.maxsize, sys.maxsize)


def size_text(size: int) -> str:
    """A byte count as a person reads it: 「437 KB」「74.0 MB」「1.0 GB」."""
    if size < 1024:
        return f"{size:,} バイト"
    if size < 1024**2:
        return f"{size / 1024:,.0f} KB"
    if size < 1024**3:
        return f"{size / 1024**2:,.1f} MB"
    return f"{size / 1024**3:,.1f} GB"


def check_size(size: int, limits: Limits | None) -> None:
    """Refuse a file over the byte limit before it is read."""
    if limits is not None and size > limits.max_bytes:
        raise TableError(
            f"ファイルが大きすぎます: {size_text(size)}（上限 {size_text(limits.max_bytes)}）。"
            "ファイルを分けて取り込んでください"
        )


def too_many_rows(limits: Limits, rows: int | None = None) -> TableError:
    found = f"{rows:,}行" if rows is not None else f"{limits.max_rows + 1:,}行以上"
    return TableError(
        f"行数が上限を超えています: このファイルは{found}あります（上限 {limits.max_rows:,}行、"
        "見出し行を除く）。ファイルを分けて取り込んでください"
    )


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # as Excel shows it: the header is row 1, the first data row is row 2
    values: dict[str, str]


class Table:
    """The header and the data rows of a file; each row is made as it is iterated.

    Rows are kept as tuples of cells (a tuple costs a fraction of a dict), so that a file
    of hundreds of thousands of rows fits in bounded memory while it is validated.
    """

    def __init__(
        self,
        headers: list[str],
        rows: list[Row] | None = None,
        encoding: str | None = None,
        *,
        cells: list[tuple[int, tuple[str, ...]]] | None = None,
    ) -> None:
        self.headers = headers
        self.encoding = encoding
        self._cells = cells if cells is not None else []
        for row in rows or []:
            self._cells.append((row.number, tuple(row.values.get(h, "") for h in headers)))

    @property
    def rows(self) -> list[Row]:
        return list(self)

    def __iter__(self) -> Iterator[Row]:
        headers = self.headers
        for number, cells in self._cells:
            yield Row(number, dict(zip(headers, cells, strict=True)))

    def __len__(self) -> int:
        return len(self._cells)


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


def clean_headers(header_row: Sequence[object], limits: Limits | None = None) -> list[str]:
    """The header row's names, trimmed; trailing blank cells dropped, blanks and repeats refused.

    Names compare after trimming, so 「地区」 and 「 地区 」 are the same header twice.
    """
    headers = [_clean(h) for h in header_row]
    while headers and headers[-1] == "":
        headers.pop()
    if not headers:
        raise TableError("1行目に見出し行がありません")
    if limits is not None and len(headers) > limits.max_columns:
        raise TableError(
            f"列が多すぎます: 見出しが{len(headers):,}列あります（上限 {limits.max_columns:,}列）"
        )
    seen: dict[str, int] = {}
    for col, name in enumerate(headers, start=1):
        if name == "":
            raise TableError(f"1行目 {col}列目: 見出しが空です", row=1, column=col)
        if name in seen:
            raise TableError(
                f"1行目 {col}列目: 見出し「{name}」が重複しています（{seen[name]}列目と同じ。"
                "前後の空白は無視して比べます）",
                row=1,
                column=col,
            )
        seen[name] = col
    return headers


def data_rows(
    headers: list[str],
    body: Iterator[Sequence[object]],
    limits: Limits | None = None,
    progress: Progress | None = None,
    total: int | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """The body's rows as (Excel row number, one trimmed cell per header), blank rows left out.

    A row with a value beyond the last header is refused with its row and column; empty
    cells there (trailing commas, Excel's blank columns) are fine. The row limit counts
    every row, blank ones too, as it streams.
    """
    width = len(headers)
    max_rows = limits.max_rows if limits is not None else sys.maxsize
    for number, raw in enumerate(body, start=2):
        if number - 1 > max_rows:
            assert limits is not None
            raise too_many_rows(limits)
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(READING, number - 1, total)
        cells = [_clean(v) for v in raw]
        if not any(cells):
            continue  # blank lines at the end of an Excel sheet
        if len(cells) > width:
            extra = next((i for i in range(width, len(cells)) if cells[i]), None)
            if extra is not None:
                raise TableError(
                    f"{number}行目 {extra + 1}列目: 見出しは{width}列ですが、"
                    f"見出しのない{extra + 1}列目に値「{cells[extra][:20]}」があります"
                    f"（この行は{len(cells)}列）",
                    row=number,
                    column=extra + 1,
                )
            del cells[width:]
        else:
            cells += [""] * (width - len(cells))
        yield number, cells


def _table(
    records: Iterator[Sequence[object]],
    encoding: str | None,
    limits: Limits | None,
    progress: Progress | None,
    total: int | None = None,
) -> Table:
    try:
        header = next(records)
    except StopIteration:
        raise TableError("ファイルが空です") from None
    headers = clean_headers(header, limits)
    cells = [
        (number, tuple(row)) for number, row in data_rows(headers, records, limits, progress, total)
    ]
    return Table(headers=headers, encoding=encoding, cells=cells)


# -- CSV ---------------------------------------------------------------------------------


class _Lines:
    """The lines of a text, remembering where the next one starts (for error positions)."""

    def __init__(self, text: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self.offset = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.offset += len(line)
        return line


_QUOTED = re.compile(r'"[^"]*(?:""[^"]*)*"')
_PLAIN = re.compile(r"[^,\r\n]*")


def _quote_fault(text: str, pos: int) -> tuple[int, str]:
    """Scan one CSV record from ``pos``: the column (1-based) of its faulty quoted value.

    Returns (column, "open") for a quote never closed, (column, "after") for text after a
    closing quote, or (column, "") when the record has no quote fault.
    """
    column, end = 1, len(text)
    while pos < end:
        if text[pos] == '"':
            match = _QUOTED.match(text, pos)
            if match is None:
                return column, "open"
            pos = match.end()
            if pos < end and text[pos] not in ",\r\n":
                return column, "after"
        else:
            pos = _PLAIN.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= end or text[pos] in "\r\n":
            return column, ""
        pos += 1  # the comma
        column += 1
    return column, ""


def _csv_fault(text: str, start: int, number: int, exc: csv.Error) -> TableError:
    column, kind = _quote_fault(text, start)
    if kind == "open":
        return TableError(
            f'{number}行目 {column}列目: 引用符（"）で始まる値が閉じられていません'
            "（ファイルの終わりまで1つの値として続いてしまいます）",
            row=number,
            column=column,
        )
    if kind == "after":
        return TableError(
            f'{number}行目 {column}列目: 引用符（"）で囲んだ値の後に文字があります'
            '（値の中の " は "" と2つ続けて書きます）',
            row=number,
            column=column,
        )
    if "field larger than field limit" in str(exc):
        return TableError(
            f"{number}行目: 1つの値が長すぎます（{csv.field_size_limit():,}文字まで）",
            row=number,
        )
    return TableError(f"{number}行目: CSV として読めません", row=number)


def csv_records(text: str) -> Iterator[list[str]]:
    """The records of CSV text, read strictly; a quoting fault names its row and column."""
    lines = _Lines(text)
    reader = csv.reader(lines, strict=True)
    number = 0
    while True:
        start = lines.offset
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _csv_fault(text, start, number + 1, exc) from None
        number += 1
        yield record


def csv_fault(text: str, limits: Limits | None = None) -> TableError | None:
    """The first fault of CSV text that a faster reader refused, found with its row and column.

    ``None`` when the text reads cleanly (every row within the header's columns). Nothing
    is kept while it reads, so a large file costs time here, not memory.
    """
    records = csv_records(text)
    try:
        headers = clean_headers(next(records), limits)
        for _ in data_rows(headers, records, limits):
            pass
    except StopIteration:
        return None
    except TableError as exc:
        return exc
    return None


def read_csv_bytes(
    data: bytes, limits: Limits | None = None, progress: Progress | None = None
) -> Table:
    check_size(len(data), limits)
    text, encoding = decode(data)
    return _table(csv_records(text), encoding, limits, progress)


# -- XLSX --------------------------------------------------------------------------------

_RESAVE = "Excel で開いて保存し直すか、CSV で保存してください"
BROKEN_XLSX = f"Excel ファイル（.xlsx）として開けません。ファイルが途中で切れているか、壊れています（{_RESAVE}）"
MAX_ZIP_MEMBERS = 10_000
_HEAD = 64 * 1024  # bytes of XML read to find a sheet's name or dimension
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\b\w+:id=\"([^\"]+)\"")
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?\""
)


@dataclass(frozen=True)
class XlsxInfo:
    """What a workbook declares before it is parsed."""

    expanded_bytes: int  # its members' uncompressed sizes added up
    rows: int | None  # the first sheet's dimension, when it states one (header included)
    columns: int | None


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


def _head(zf: zipfile.ZipFile, name: str) -> bytes:
    with zf.open(name) as member:
        return member.read(_HEAD)


def _first_sheet(zf: zipfile.ZipFile, names: set[str]) -> str | None:
    """The path of the workbook's first sheet, as openpyxl will read it (workbook order)."""
    if "xl/workbook.xml" in names and "xl/_rels/workbook.xml.rels" in names:
        found = _SHEET.search(_head(zf, "xl/workbook.xml"))
        if found:
            rels = _head(zf, "xl/_rels/workbook.xml.rels")
            for rel in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
                tag = rel.group(0)
                if re.search(rb'\bId="' + re.escape(found.group(1)) + rb'"', tag):
                    target = re.search(rb'\bTarget="([^"]+)"', tag)
                    if target:
                        path = target.group(1).decode("utf-8", "replace")
                        return path.lstrip("/") if path.startswith("/") else f"xl/{path}"
    return "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in names else None


def inspect_xlsx(source: bytes | BinaryIO, limits: Limits | None = None) -> XlsxInfo:
    """Check a workbook's zip directory and its first sheet's dimension, without parsing it.

    Refuses a file that is not a whole zip, one whose members would expand past
    ``max_expanded_bytes`` (a zip bomb: the sizes are the ones the zip declares, and
    Python's zip reader stops at a declared size), and a sheet whose dimension already
    says it has more rows or columns than the limits allow.
    """
    limits = limits or NO_LIMITS
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            expanded = sum(i.file_size for i in infos)
            sheet = None
            if len(infos) <= MAX_ZIP_MEMBERS and expanded <= limits.max_expanded_bytes:
                sheet = _first_sheet(zf, names)
            head = _head(zf, sheet) if sheet is not None and sheet in names else b""
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError):
        raise TableError(BROKEN_XLSX) from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise TableError(
            f"Excel ファイルの中身が多すぎます（{len(infos):,}個）。"
            "圧縮爆弾の疑いがあるため読み込みません"
        )
    if expanded > limits.max_expanded_bytes:
        raise TableError(
            f"Excel ファイルを展開すると {size_text(expanded)} になり、"
            f"上限（{size_text(limits.max_expanded_bytes)}）を超えます。"
            "圧縮爆弾の疑いがあるため読み込みません（CSV で保存するか、ファイルを分けてください）"
        )
    rows = columns = None
    dim = _DIMENSION.search(head)
    if dim and dim.group(3):
        rows = int(dim.group(4)) - int(dim.group(2)) + 1
        columns = _column_number(dim.group(3)) - _column_number(dim.group(1)) + 1
    if columns is not None and columns > limits.max_columns:
        raise TableError(
            f"列が多すぎます: シートの範囲は{columns:,}列あります（上限 {limits.max_columns:,}列）"
        )
    if rows is not None and rows - 1 > limits.max_rows:
        raise too_many_rows(limits, rows - 1)
    return XlsxInfo(expanded_bytes=expanded, rows=rows, columns=columns)


def xlsx_records(
    data: bytes, limits: Limits | None = None
) -> tuple[XlsxInfo, Iterator[Sequence[object]]]:
    """The first sheet's rows as openpyxl streams them, after :func:`inspect_xlsx`.

    The sheet's own dimension is not trusted for reading (openpyxl would stop at its last
    row, or pad up to it); a row wider than the column limit stops the read at that row.
    """
    check_size(len(data), limits)
    info = inspect_xlsx(data, limits)
    max_columns = (limits or NO_LIMITS).max_columns

    def rows() -> Iterator[Sequence[object]]:
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a broken file
            raise TableError(BROKEN_XLSX) from None
        try:
            if not workbook.worksheets:
                raise TableError("Excel ファイルにシートがありません")
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # type: ignore[union-attr]
            source = sheet.iter_rows(values_only=True)
            number = 0
            while True:
                try:
                    row = next(source)
                except StopIteration:
                    return
                except Exception:  # a sheet cut short: XML, zip or CRC errors
                    raise TableError(
                        f"{number + 1}行目: Excel ファイルがこの行で途中で切れているか、壊れています"
                        f"（{number}行目までは読めました。{_RESAVE}）",
                        row=number + 1,
                    ) from None
                number += 1
                if len(row) > max_columns:
                    raise TableError(
                        f"{number}行目: 列が多すぎます（{len(row):,}列、上限 {max_columns:,}列）"
                    )
                yield row
        finally:
            workbook.close()

    return info, rows()


def read_xlsx_bytes(
    data: bytes, limits: Limits | None = None, progress: Progress | None = None
) -> Table:
    info, records = xlsx_records(data, limits)
    return _table(records, None, limits, progress, info.rows - 1 if info.rows else None)


def is_xlsx(data: bytes, filename: str) -> bool:
    return Path(filename).suffix.lower() in {".xlsx", ".xlsm"} or data[:2] == b"PK"


def read_table(
    data: bytes, filename: str, limits: Limits | None = None, progress: Progress | None = None
) -> Table:
    """Read CSV or XLSX bytes, chosen by the file name's suffix (or the XLSX zip magic)."""
    check_size(len(data), limits)
    if is_xlsx(data, filename):
        return read_xlsx_bytes(data, limits, progress)
    if Path(filename).suffix.lower() in {".csv", ".txt", ""}:
        return read_csv_bytes(data, limits, progress)
    raise TableError(f"「{filename}」は CSV でも XLSX でもありません")


def read_path(
    path: str | Path, limits: Limits | None = None, progress: Progress | None = None
) -> Table:
    p = Path(path)
    check_size(p.stat().st_size, limits)
    return read_table(p.read_bytes(), p.name, limits, progress)


# Cells that a spreadsheet would run as a formula (CWE-1236).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# Control characters an XLSX sheet cannot hold (openpyxl refuses them: one such character
# typed into a name would take every workbook download that shows it down).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value: object) -> object:
    """Guard an exported cell: against spreadsheet formula injection, and against the control
    characters a workbook cannot hold (dropped; tab and line breaks stay)."""
    if isinstance(value, str):
        value = _CONTROL.sub("", value)
        if value.startswith(_FORMULA_PREFIXES):
            return "'" + value
    return value
