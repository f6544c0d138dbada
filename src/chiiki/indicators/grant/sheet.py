"""The self-assessment as a table: one row per indicator with its answer, its evidence and
its flag, and that table as XLSX and CSV. Pure: no Django.

The flag is the grant's own rule of thumb made visible: an answer of 「はい」 or 「一部」
that links no record of chiiki is a claim the municipality cannot show, so it is marked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from chiiki.core.tabular import safe_cell
from chiiki.indicators.grant.catalog import EVIDENCE_KINDS, Catalog, Indicator

ANSWERS: dict[str, str] = {"yes": "はい", "partly": "一部", "no": "いいえ"}
CLAIMS = frozenset({"yes", "partly"})
NO_EVIDENCE = "根拠がありません"
UNANSWERED = "未回答"

HEADER = (
    "類型",
    "指標ID",
    "評価指標",
    "配点",
    "回答",
    "根拠",
    "注意",
    "メモ",
    "回答者",
    "回答日時",
    "出典",
    "未確認の点",
)


@dataclass(frozen=True)
class EvidenceItem:
    kind: str
    record_id: int
    label: str
    on: dt.date | None

    def describe(self) -> str:
        day = f"{self.on:%Y-%m-%d} " if self.on else ""
        return f"{EVIDENCE_KINDS.get(self.kind, self.kind)}: {day}{self.label}"


@dataclass(frozen=True)
class AnswerItem:
    answer: str
    note: str
    staff: str
    at: dt.datetime | None
    evidence: tuple[EvidenceItem, ...]


def flag(answer: str | None, evidence_count: int) -> str:
    """「根拠がありません」 for a claim (はい・一部) with no evidence; "" otherwise."""
    return NO_EVIDENCE if answer in CLAIMS and evidence_count == 0 else ""


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    answer: AnswerItem | None

    @property
    def answer_label(self) -> str:
        return ANSWERS.get(self.answer.answer, "") if self.answer else UNANSWERED

    @property
    def flag(self) -> str:
        if self.answer is None:
            return ""
        return flag(self.answer.answer, len(self.answer.evidence))

    def cells(self) -> list[object]:
        ind, a = self.indicator, self.answer
        uncertain = (
            " / ".join(n for n in (ind.note, ind.category.note) if n)
            if not (ind.certain and ind.category.certain)
            else ""
        )
        return [
            ind.category.label,
            ind.id,
            ind.text,
            ind.points if ind.points is not None else ind.points_shown,
            self.answer_label,
            "\n".join(e.describe() for e in a.evidence) if a else "",
            self.flag,
            a.note if a else "",
            a.staff if a else "",
            f"{a.at:%Y-%m-%d %H:%M}" if a and a.at else "",
            ind.source.describe(),
            uncertain,
        ]


def rows(catalog: Catalog, answers: Mapping[str, AnswerItem]) -> list[Row]:
    """The catalog's indicators in its order, each with its answer (None: not answered)."""
    return [Row(ind, answers.get(ind.id)) for ind in catalog.indicators]


def flagged(table: Iterable[Row]) -> list[Row]:
    return [r for r in table if r.flag]


def _title(catalog: Catalog, municipality: str, fiscal_year: int) -> str:
    return f"{municipality} {fiscal_year}年度 {catalog.name}（評価指標 {catalog.version}年度版）"


def xlsx_bytes(
    catalog: Catalog, table: Sequence[Row], *, municipality: str, fiscal_year: int
) -> bytes:
    """The assessment as a workbook: a title line, the header, one row per indicator."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "自己評価"
    ws.append([safe_cell(_title(catalog, municipality, fiscal_year))])
    ws.append(list(HEADER))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    warn = PatternFill("solid", fgColor="FDE8E8")
    for row in table:
        # openpyxl writes a string starting with "=" as a formula: guard it like the CSV.
        ws.append([safe_cell(c) for c in row.cells()])
        if row.flag:
            for cell in ws[ws.max_row]:
                cell.fill = warn
    for column, width in zip(
        "ABCDEFGHIJKL", (28, 22, 60, 8, 8, 50, 16, 30, 14, 17, 50, 50), strict=True
    ):
        ws.column_dimensions[column].width = width
    for line in ws.iter_rows(min_row=3):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(table: Sequence[Row]) -> bytes:
    """The same table as CSV (UTF-8 with BOM, for Excel), every cell formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in table:
        writer.writerow([safe_cell(c) for c in row.cells()])
    return out.getvalue().encode("utf-8-sig")
