"""Open data: published tables written as CSV and XLSX with a Frictionless Data Package.
Pure: no Django.

A :class:`Table` is what is published: its columns described (name, title, type,
description, unit, constraints) and its rows, with the cells that are suppressed. The
writers put a suppressed cell down as :data:`MARK`, never its number, and the package's
Table Schema declares the mark in ``missingValues`` so that a reader's tools take it for a
missing value rather than a text in a column of numbers.

Suppression of counts of people (:class:`Grid`): a count from 1 to 9 is hidden, and so is
whatever else must be hidden so that it cannot be worked out from a published total (the
row's total, the column's total, the grand total), by
:func:`chiiki.core.suppression.suppressed`. A rate made from a hidden count is hidden too
(:func:`rate_hidden`).

The package (:func:`files`) is the same bytes whether it is written to a folder by the
command or zipped for a download:

1. ``<name>.csv``: UTF-8 with a BOM (so that Excel reads the Japanese), a header row of the
   columns' names, every text cell guarded against formula injection;
2. ``<name>.xlsx``: one sheet, the same header row and cells;
3. ``datapackage.json``: the tabular-data-package profile, one resource per file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Generic, TypeVar

from chiiki.core.suppression import Margin, suppressed
from chiiki.core.tabular import safe_cell

_SAFE = re.compile(r"[a-z0-9][a-z0-9_-]*\.(csv|xlsx)")
MARK = "X"  # 秘匿: what a suppressed cell shows (declared in the schema's missingValues)
DESCRIPTOR = "datapackage.json"
PROFILE = "chiiki-opendata"  # our own packages say so, and the command overwrites only those
TYPES = ("integer", "number", "string", "date", "year")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}

R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


class Total:
    """The key of a total in a :class:`Grid` (the row's, the column's or the grand total)."""

    def __repr__(self) -> str:
        return "TOTAL"


TOTAL: Any = Total()


@dataclass(frozen=True)
class Column:
    """One published column. ``name`` is the CSV header; ``title`` a label with its unit."""

    name: str
    title: str
    type: str
    description: str
    unit: str = ""
    constraints: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"列 {self.name} の型 {self.type} は使えません")

    def field(self) -> dict[str, Any]:
        """The column as a Table Schema field."""
        out: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "type": self.type,
            "description": self.description,
        }
        if self.unit:
            out["unit"] = self.unit
        if self.constraints:
            out["constraints"] = dict(self.constraints)
        return out


@dataclass(frozen=True)
class Table:
    """A published table. ``hidden`` holds (row index, column name) of suppressed cells."""

    name: str  # lower-case ASCII: the files' stem and the resource's name
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    hidden: frozenset[tuple[int, str]] = frozenset()
    source: str = ""

    def __post_init__(self) -> None:
        width = len(self.columns)
        for i, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(f"表 {self.name} の{i + 1}行目の列数が{width}ではありません")
        names = {c.name for c in self.columns}
        if len(names) != width:
            raise ValueError(f"表 {self.name} に同じ名前の列があります")
        for _, name in self.hidden:
            if name not in names:
                raise ValueError(f"表 {self.name} に列 {name} はありません")

    @property
    def suppressed_count(self) -> int:
        return len(self.hidden)

    def cells(self) -> list[list[Any]]:
        """The rows as written: a suppressed cell is the mark, an absent one empty."""
        out = []
        for i, row in enumerate(self.rows):
            out.append(
                [
                    MARK if (i, col.name) in self.hidden else _cell(value)
                    for col, value in zip(self.columns, row, strict=True)
                ]
            )
        return out


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    # safe_cell also drops the control characters a worksheet cannot hold (a district's name
    # keyed in elsewhere may carry one, and the package must still be written).
    return safe_cell(value)


# --- suppression ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid(Generic[R, C]):
    """A table of counts of people by ``rows`` × ``cols`` with the totals it is published
    with: each row's total (``row_totals``), each column's (``col_totals``), and the grand
    total when both are. Missing cells count 0."""

    rows: tuple[R, ...]
    cols: tuple[C, ...]
    counts: Mapping[tuple[R, C], int]
    row_totals: bool = True
    col_totals: bool = True

    def value(self, r: Any, c: Any) -> int:
        rows = self.rows if r is TOTAL else (r,)
        cols = self.cols if c is TOTAL else (c,)
        return sum(self.counts.get((x, y), 0) for x in rows for y in cols)

    def keys(self) -> list[tuple[Any, Any]]:
        """Every published cell, members first, then the totals."""
        out: list[tuple[Any, Any]] = [(r, c) for r in self.rows for c in self.cols]
        if self.row_totals:
            out += [(r, TOTAL) for r in self.rows]
        if self.col_totals:
            out += [(TOTAL, c) for c in self.cols]
        if self.row_totals and self.col_totals:
            out.append((TOTAL, TOTAL))
        return out

    def margins(self) -> list[Margin[tuple[Any, Any]]]:
        """The published sums: each row and column, and the total row and column."""
        out: list[Margin[tuple[Any, Any]]] = []
        if self.row_totals:
            out += [Margin(tuple((r, c) for c in self.cols), (r, TOTAL)) for r in self.rows]
        if self.col_totals:
            out += [Margin(tuple((r, c) for r in self.rows), (TOTAL, c)) for c in self.cols]
        if self.row_totals and self.col_totals:
            out.append(Margin(tuple((TOTAL, c) for c in self.cols), (TOTAL, TOTAL)))
            out.append(Margin(tuple((r, TOTAL) for r in self.rows), (TOTAL, TOTAL)))
        return out

    def hidden(self) -> set[tuple[Any, Any]]:
        """The cells to suppress: 1–9, and their complements."""
        counts = {k: self.value(*k) for k in self.keys()}
        return suppressed(counts, self.margins())


def rate_hidden(*counts_hidden: bool) -> bool:
    """A rate is hidden when any count it is made from is."""
    return any(counts_hidden)


def primary(value: int | None) -> bool:
    """A count of people shown alone (no margin): hidden when from 1 to 9."""
    return value is not None and 0 < value < 10


# --- writers ------------------------------------------------------------------------------------


def csv_bytes(table: Table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    writer.writerows(table.cells())
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_bytes(table: Table) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:31] or "表"
    ws.append([c.name for c in table.columns])
    for row in table.cells():
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _schema(table: Table) -> dict[str, Any]:
    return {"fields": [c.field() for c in table.columns], "missingValues": ["", MARK]}


def descriptor(
    tables: Sequence[Table], *, name: str, title: str, description: str, created: dt.datetime
) -> dict[str, Any]:
    """The ``datapackage.json``: a CSV and an XLSX resource per table, one schema each."""
    resources: list[dict[str, Any]] = []
    for t in tables:
        common: dict[str, Any] = {
            "title": t.title,
            "description": t.description,
            "schema": _schema(t),
        }
        if t.source:
            common["sources"] = [{"title": t.source}]
        resources.append(
            {
                "name": t.name,
                "path": f"{t.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                **common,
            }
        )
        resources.append(
            {
                "name": f"{t.name}-xlsx",
                "path": f"{t.name}.xlsx",
                "profile": "tabular-data-resource",
                "format": "xlsx",
                "mediatype": XLSX,
                "encoding": "utf-8",
                **common,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": description,
        "licenses": [LICENSE],
        "created": created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "chiiki": {"profile": PROFILE, "suppression_mark": MARK, "threshold": 10},
        "resources": resources,
    }


def files(
    tables: Sequence[Table], *, name: str, title: str, description: str, created: dt.datetime
) -> dict[str, bytes]:
    """Every file of the package by its name: the CSVs, the XLSXs and the descriptor."""
    out: dict[str, bytes] = {}
    for t in tables:
        out[f"{t.name}.csv"] = csv_bytes(t)
        out[f"{t.name}.xlsx"] = xlsx_bytes(t)
    meta = descriptor(tables, name=name, title=title, description=description, created=created)
    out[DESCRIPTOR] = (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode()
    return out


def zip_bytes(package: Mapping[str, bytes], folder: str) -> bytes:
    """The package's files in one ZIP, under ``folder/``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for filename, content in package.items():
            z.writestr(f"{folder}/{filename}", content)
    return buf.getvalue()


def is_ours(directory: Path) -> bool:
    """Does the folder hold a package this module wrote (so that it may be overwritten)?"""
    try:
        meta = json.loads((directory / DESCRIPTOR).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and (meta.get("chiiki") or {}).get("profile") == PROFILE


def write(directory: Path, package: Mapping[str, bytes], stale: Iterable[str] = ()) -> list[Path]:
    """Write the files (the descriptor last, so a half-written folder is not taken for a
    package); ``stale`` are files of the previous package to remove first."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in stale:
        if old not in package:
            (directory / old).unlink(missing_ok=True)
    written = []
    for filename in sorted(package, key=lambda f: f == DESCRIPTOR):
        target = directory / filename
        target.write_bytes(package[filename])
        written.append(target)
    return written


def previous_files(directory: Path) -> list[str]:
    """The files the package in the folder lists (to remove those the new one drops)."""
    try:
        meta = json.loads((directory / DESCRIPTOR).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [
        r["path"]
        for r in meta.get("resources", [])
        if isinstance(r, dict) and isinstance(r.get("path"), str) and _SAFE.fullmatch(r["path"])
    ]
