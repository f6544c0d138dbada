"""Read answer files and turn their cells into item codes, reporting every bad cell.

Pure: no Django. The same code serves the web upload, the API and the CLI:

1. :func:`read_frame` reads CSV (UTF-8 with or without BOM, or cp932, detected) or XLSX into
   a frame of text columns plus ``__row``, the row number as Excel shows it;
2. :func:`auto_mapping` maps the file's headers to items (a saved mapping first, then the
   item id, its aliases such as 問2(1) or Q2_1, then its printed number);
3. :func:`prepare` converts every mapped column: an answer may be the printed option number,
   the option text, or both (「1.はい」), in full or half width. Each distinct value is parsed
   once, so a million rows cost what their few distinct values cost.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path

import polars as pl

from chiiki.core.tabular import (
    READING,
    Limits,
    Progress,
    TableError,
    check_size,
    clean_headers,
    csv_fault,
    csv_records,
    data_rows,
    is_xlsx,
    too_many_rows,
    xlsx_records,
)
from chiiki.core.text import fold
from chiiki.surveys.rules import Instrument, Item

ROW = "__row"
MAX_ERRORS = 500

# Respondent fields that are not questionnaire items: target name → header spellings.
META_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "回答者id", "回答者番号", "調査票番号", "整理番号", "no"),
    "insured_number": ("insured_number", "被保険者番号"),
    "sex": ("sex", "性別"),
    "age": ("age", "年齢"),
    "district": ("district", "地区", "地区コード", "小学校区"),
    "life_area": ("life_area", "圏域", "日常生活圏域", "圏域コード"),
    "method": ("method", "回答方法", "回収方法"),
}
META_LABELS = {
    "id": "回答者ID",
    "insured_number": "被保険者番号",
    "sex": "性別",
    "age": "年齢",
    "district": "地区",
    "life_area": "日常生活圏域",
    "method": "回答方法",
}
SEX_VALUES = {
    "男": "M",
    "男性": "M",
    "m": "M",
    "1": "M",
    "女": "F",
    "女性": "F",
    "f": "F",
    "2": "F",
}
METHOD_VALUES = {
    "郵送": "mail",
    "mail": "mail",
    "1": "mail",
    "訪問": "visit",
    "visit": "visit",
    "2": "visit",
    "窓口": "counter",
    "counter": "counter",
    "3": "counter",
}


FILE = "ファイル"


def file_error(filename: str, exc: TableError) -> CellError:
    """A fault of the whole file (as the reader found it) in the shape of a bad cell."""
    return CellError(exc.row or 1, FILE, filename, str(exc))


class AnswerError(ValueError):
    """A cell that is not a valid answer; the message says what was expected."""


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    value: str
    expected: str

    @property
    def message(self) -> str:
        if self.column == FILE:  # the file itself: the reader's message names row and column
            return f"ファイル「{self.value}」: {self.expected}"
        where = f"{self.row}行目" if self.row > 1 else "見出し行"
        return f"{where}「{self.column}」列: 「{self.value}」は使えません。{self.expected}"


@dataclass
class Prepared:
    """Typed answers (one column per mapped target, plus ``__row``) and the bad cells."""

    frame: pl.DataFrame
    errors: list[CellError] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def read_frame(
    data: bytes,
    filename: str,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> tuple[pl.DataFrame, str]:
    """Read a CSV or XLSX file as text columns plus ``__row``. Returns the frame and encoding.

    Every fault of the file is a :class:`TableError` naming its row and column, as the
    other readers of :mod:`chiiki.core.tabular` report it; ``limits`` are checked before
    parsing (size, XLSX dimension) and while reading (rows).
    """
    check_size(len(data), limits)
    if is_xlsx(data, filename):
        return _read_xlsx(data, limits, progress), "xlsx"
    if Path(filename).suffix.lower() not in {".csv", ".txt", ""}:
        raise TableError(f"「{filename}」は CSV でも XLSX でもありません")
    encoding = "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    try:
        # Polars would read cp932 bytes as UTF-8 with replacement characters rather than
        # fail, so the encoding is decided here: valid UTF-8, or else cp932.
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp932")
        except UnicodeDecodeError:
            raise TableError(
                "文字コードを判別できません（UTF-8 または Shift_JIS の CSV が必要です）"
            ) from None
        data, encoding = text.encode("utf-8"), "cp932"
    if progress is not None:
        progress(READING, 0, None)
    frame = _read_csv(data, text, limits)
    return frame, encoding


CHUNK = 50_000  # XLSX rows gathered as Python strings before they become a Polars frame


def _read_xlsx(data: bytes, limits: Limits | None, progress: Progress | None) -> pl.DataFrame:
    """Stream the sheet into Polars in chunks, so that memory holds one chunk of Python cells."""
    info, records = xlsx_records(data, limits)
    try:
        header = next(records)
    except StopIteration:
        raise TableError("シートが空です") from None
    headers = clean_headers(header, limits)
    schema = {**dict.fromkeys(headers, pl.String), ROW: pl.Int64}
    chunks: list[pl.DataFrame] = []
    columns: list[list[str | None]] = [[] for _ in headers]
    numbers: list[int] = []

    def flush() -> None:
        data = {h: c for h, c in zip(headers, columns, strict=True)}
        chunks.append(pl.DataFrame({**data, ROW: numbers}, schema=schema))
        for c in columns:
            c.clear()
        numbers.clear()

    total = info.rows - 1 if info.rows else None
    for number, cells in data_rows(headers, records, limits, progress, total):
        for column, value in zip(columns, cells, strict=True):
            column.append(value or None)
        numbers.append(number)
        if len(numbers) >= CHUNK:
            flush()
    if numbers or not chunks:
        flush()
    return pl.concat(chunks, rechunk=True) if len(chunks) > 1 else chunks[0]


def _read_csv(data: bytes, text: str, limits: Limits | None) -> pl.DataFrame:
    if not data.strip():
        raise TableError("ファイルが空です")
    # The header is read as the other readers read it: trimmed names, repeats refused.
    headers = clean_headers(next(csv_records(text)), limits)
    max_rows = limits.max_rows if limits is not None else None
    try:
        frame = _polars_csv(data, max_rows, ragged=False)
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
        # Polars says what went wrong but not where: find the row and column as the
        # strict reader does. A file it reads cleanly had only empty cells past the header.
        fault = csv_fault(text, limits)
        if fault is not None:
            raise fault from None
        try:
            frame = _polars_csv(data, max_rows, ragged=True)
        except (pl.exceptions.PolarsError, pl.exceptions.PanicException):
            raise TableError(f"CSV として読めません（{str(exc).splitlines()[0]}）") from None
    if max_rows is not None and frame.height > max_rows:
        assert limits is not None
        raise too_many_rows(limits)
    width = len(headers)
    for extra in frame.columns[width:]:  # columns under blank trailing headers
        filled = frame.with_row_index(ROW, offset=2).filter(pl.col(extra).is_not_null())
        if filled.height:
            row = filled.row(0, named=True)
            col = frame.columns.index(extra) + 1
            raise TableError(
                f"{row[ROW]}行目 {col}列目: 見出しのない{col}列目に値「{str(row[extra])[:20]}」があります"
            )
    frame = frame.select(frame.columns[:width])
    frame.columns = headers
    frame = frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    # A blank line is a row Excel shows too: keep the numbering, drop the row.
    values = [c for c in frame.columns if c != ROW]
    return frame.filter(~pl.all_horizontal(pl.col(values).is_null())) if values else frame


def _polars_csv(data: bytes, max_rows: int | None, *, ragged: bool) -> pl.DataFrame:
    return pl.read_csv(
        io.BytesIO(data),
        infer_schema=False,
        encoding="utf8",
        truncate_ragged_lines=ragged,
        n_rows=max_rows + 1 if max_rows is not None else None,
    )


def header_key(text: str) -> str:
    """Spellings of a question number compare equal: 問2(1), 問２（１）, Q2_1, q2-1 → q2_1."""
    s = unicodedata.normalize("NFKC", text).strip().lower()
    s = s.replace("問", "q").replace("(", "_").replace(")", "").replace("-", "_").replace(" ", "")
    return fold(s)


def auto_mapping(
    headers: list[str], instrument: Instrument, saved: dict[str, str] | None = None
) -> dict[str, str]:
    """Map headers to targets (item ids or respondent fields). Unmatched headers are left out."""
    targets: dict[str, str] = {}
    for name, spellings in META_FIELDS.items():
        for s in spellings:
            targets.setdefault(header_key(s), name)
    for item in instrument.items:
        targets.setdefault(header_key(item.id), item.id)
        for alias in item.aliases:
            targets.setdefault(header_key(alias), item.id)
    for item in instrument.items:  # printed numbers last: KCL "1"… "25", "問1"
        if item.number and item.kind == "choice":
            targets.setdefault(header_key(item.number), item.id)
            targets.setdefault(header_key(f"問{item.number}"), item.id)
    known = set(instrument.item_ids) | set(META_FIELDS)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        if header == ROW:
            continue
        target = (saved or {}).get(header)
        if target not in known:
            target = targets.get(header_key(header))
        if target and target not in used:
            mapping[header] = target
            used.add(target)
    return mapping


_NUMBERED = re.compile(r"^(\d+)\s*[.．、,:：)）]?\s*(.*)$")


def _expected_choice(item: Item) -> str:
    options = "、".join(f"{code}.{text}" for code, text in item.options.items())
    return f"選択肢の番号か文言（{options}）を入力してください"


def parse_choice(raw: str | None, item: Item) -> int | None:
    """An answer as its option code: 「1」「１」「はい」「1.はい」「１．はい」; empty is None."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", raw).strip()
    if text == "":
        return None
    by_text = {fold(t): code for code, t in item.options.items()}
    match = _NUMBERED.match(text)
    if match:
        try:
            code = int(match.group(1))
        except ValueError:  # e.g. a lone '٣': NFKC keeps some digits int() reads differently
            raise AnswerError(_expected_choice(item)) from None
        rest = fold(match.group(2))
        if code not in item.options:
            raise AnswerError(_expected_choice(item))
        if rest and by_text.get(rest, code) != code:
            raise AnswerError(f"番号と文言が一致しません。{_expected_choice(item)}")
        return code
    found = by_text.get(fold(text))
    if found is None:
        raise AnswerError(_expected_choice(item))
    return found


def parse_number(raw: str | None, item: Item) -> Decimal | None:
    """A height or weight: a decimal with at most two places, inside the item's range."""
    if raw is None:
        return None
    text = (
        unicodedata.normalize("NFKC", raw)
        .strip()
        .lower()
        .removesuffix("cm")
        .removesuffix("kg")
        .strip()
    )
    if text == "":
        return None
    expected = f"{item.min}〜{item.max} の数値（小数第2位まで）を入力してください"
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise AnswerError(expected) from None
    if not value.is_finite() or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise AnswerError(expected)
    if (item.min is not None and value < item.min) or (item.max is not None and value > item.max):
        raise AnswerError(expected)
    return value


def _number_of(item: Item, raw: str) -> Decimal | None:
    return parse_number(raw, item)


def _choice_of(item: Item, raw: str) -> int | None:
    return parse_choice(raw, item)


def _parse_meta(target: str, raw: str) -> str | int:
    text = unicodedata.normalize("NFKC", raw).strip()
    if target == "sex":
        if fold(text) in SEX_VALUES:
            return SEX_VALUES[fold(text)]
        raise AnswerError("男・女（または 1・2）を入力してください")
    if target == "method":
        if fold(text) in METHOD_VALUES:
            return METHOD_VALUES[fold(text)]
        raise AnswerError("郵送・訪問・窓口（または 1・2・3）を入力してください")
    if target == "age":
        if text.isdigit() and 40 <= int(text) <= 120:
            return int(text)
        raise AnswerError("40〜120 の整数（歳）を入力してください")
    if target == "insured_number":
        if re.fullmatch(r"\d{10}", text):
            return text
        raise AnswerError("被保険者番号は10桁の数字です")
    return text


_PLAIN_NUMBER = r"^\d{1,3}(\.\d{1,2})?$"


def _fast_expr(header: str, target: str, item: Item | None) -> pl.Expr | None:
    """Cells already in canonical form, converted in bulk (null where the slow path must look).

    Most cells of a real file are plain half-width option numbers; only the rest (text,
    full width, 「1.はい」, mistakes) go through the per-value parser. All columns' fast paths
    run in one query, so Polars spreads them over the cores.
    """
    col = pl.col(header)
    if item is not None and item.kind == "choice":
        as_int = col.cast(pl.Int64, strict=False)
        return pl.when(as_int.is_in(list(item.options))).then(as_int).otherwise(None).cast(pl.Int8)
    if item is not None and item.kind == "number":
        value = col.cast(pl.Float64, strict=False)
        ok = col.str.contains(_PLAIN_NUMBER) & value.is_between(
            float(item.min or 0), float(item.max or 1e9)
        )
        return pl.when(ok).then(value).otherwise(None)
    if target in ("id", "district", "life_area"):
        return col.str.strip_chars()
    if target == "age":
        value = col.cast(pl.Int16, strict=False)
        return pl.when(value.is_between(40, 120)).then(value).otherwise(None)
    if target == "sex":
        return col.replace_strict(
            {k: v for k, v in SEX_VALUES.items() if k != "m" and k != "f"} | {"M": "M", "F": "F"},
            default=None,
            return_dtype=pl.String,
        )
    if target == "method":
        return col.replace_strict(METHOD_VALUES, default=None, return_dtype=pl.String)
    return None


def _slow(
    column: pl.Series,
    fast: pl.Series,
    target: str,
    parse: Callable[[str], object],
    dtype: pl.DataType,
) -> tuple[pl.Series, list[str], list[str]]:
    """Parse each distinct value the fast path left, once; return the column and the bad values."""
    rest_mask = column.is_not_null() & fast.is_null()
    values = column.filter(rest_mask).unique().to_list()
    good: dict[str, object] = {}
    bad: list[str] = []
    messages: list[str] = []
    for value in values:
        try:
            parsed = parse(value)
        except AnswerError as exc:
            bad.append(value)
            messages.append(str(exc))
            continue
        good[value] = float(parsed) if isinstance(parsed, Decimal) else parsed
    if good:
        slow = column.replace_strict(
            list(good), list(good.values()), default=None, return_dtype=dtype
        )
        out = pl.select(pl.when(rest_mask).then(slow).otherwise(fast.cast(dtype))).to_series()
    else:
        out = fast.cast(dtype)
    return out.alias(target), bad, messages


_Plan = list[tuple[str, str, Callable[[str], object], pl.DataType]]


def _missing_required(mapping: dict[str, str], required: tuple[str, ...]) -> list[CellError]:
    errors = []
    for target in required:
        if target not in mapping.values():
            label = META_LABELS.get(target, target)
            errors.append(
                CellError(
                    1,
                    label,
                    "",
                    f"列「{target}」（{label}）が見つかりません。列の対応づけを確認してください",
                )
            )
    return errors


def _plan(mapping: dict[str, str], instrument: Instrument) -> tuple[_Plan, list[pl.Expr]]:
    """(header, target, parser, dtype) of each mapped column, and its fast-path expression."""
    items = {i.id: i for i in instrument.items}
    plan: _Plan = []
    fast_exprs: list[pl.Expr] = []
    for header, target in mapping.items():
        parse: Callable[[str], object]
        dtype: pl.DataType
        item = items.get(target)
        if item is not None:
            if item.kind == "number":
                parse, dtype = partial(_number_of, item), pl.Float64()
            else:
                parse, dtype = partial(_choice_of, item), pl.Int8()
        elif target in META_FIELDS:
            parse = partial(_parse_meta, target)
            dtype = pl.Int16() if target == "age" else pl.String()
        else:
            continue
        plan.append((header, target, parse, dtype))
        fast = _fast_expr(header, target, item)
        fast_exprs.append(
            (fast if fast is not None else pl.lit(None, dtype)).cast(dtype).alias(f"\x00{target}")
        )
    return plan, fast_exprs


def _id_errors(frame: pl.DataFrame, mapping: dict[str, str]) -> tuple[list[CellError], int]:
    """Blank and repeated respondent IDs (the first MAX_ERRORS of each), and how many."""
    id_header = next((h for h, t in mapping.items() if t == "id"), None)
    if id_header is None:
        return [], 0
    errors = []
    blank = frame.filter(pl.col(id_header).is_null()).get_column(ROW).to_list()
    for row in blank:
        errors.append(CellError(row, id_header, "", "回答者IDは必須です"))
    dup = frame.filter(pl.col(id_header).is_not_null() & pl.col(id_header).is_duplicated())
    for row, value in dup.select(ROW, id_header).head(MAX_ERRORS).iter_rows():
        errors.append(CellError(row, id_header, value, "回答者IDが重複しています（1人1行です）"))
    return errors, len(blank) + dup.height


def prepare(
    frame: pl.DataFrame,
    mapping: dict[str, str],
    instrument: Instrument,
    required: tuple[str, ...] = ("id",),
) -> Prepared:
    """Convert mapped columns to typed targets and collect every bad cell (row, column, value)."""
    errors = _missing_required(mapping, required)
    count = len(errors)
    plan, fast_exprs = _plan(mapping, instrument)
    # ROW keeps the frame's length when a fast path is only a literal (null) column.
    fast_frame = frame.lazy().select([pl.col(ROW), *fast_exprs]).collect().drop(ROW)
    # Which columns have cells the fast path could not read: only those take the slow path.
    leftover = (
        pl.concat([frame.select(h for h, *_ in plan), fast_frame], how="horizontal")
        .select(
            [
                (pl.col(h).is_not_null() & pl.col(f"\x00{t}").is_null()).any().alias(t)
                for h, t, *_ in plan
            ]
        )
        .row(0, named=True)
        if plan
        else {}
    )
    columns: list[pl.Series] = [frame.get_column(ROW)]
    for header, target, parse, dtype in plan:
        fast_series = fast_frame.get_column(f"\x00{target}")
        if not leftover[target]:
            columns.append(fast_series.alias(target))
            continue
        series, bad, messages = _slow(frame.get_column(header), fast_series, target, parse, dtype)
        columns.append(series)
        if bad:
            reason = dict(zip(bad, messages, strict=True))
            hits = frame.filter(pl.col(header).is_in(bad)).select(ROW, header)
            count += hits.height
            for row, value in hits.head(MAX_ERRORS).iter_rows():
                errors.append(CellError(row, header, value, reason[value]))
    typed = pl.DataFrame(columns)
    id_errors, id_count = _id_errors(frame, mapping)
    errors += id_errors
    count += id_count
    errors.sort(key=lambda e: (e.row, e.column))
    unused = [h for h in frame.columns if h != ROW and h not in mapping]
    return Prepared(frame=typed, errors=errors[:MAX_ERRORS], unused=unused, error_count=count)
