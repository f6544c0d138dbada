"""``chiiki indicators attendance``: gathering places' attendance sheets and participation.

- ``import FILE [--municipality CODE] [--format text|json]``: an attendance sheet from a CSV
  (UTF-8 with or without a BOM, or Shift_JIS) or an XLSX, in one of two layouts told apart
  by the columns: 通いの場, 日付 and 宛名番号 (or 氏名 and 生年月日), one row per person and
  day; or 通いの場, 日付, 参加者数 (and 65歳以上の参加者数), one row per day. Every bad
  cell is reported with its row and column; nothing is stored unless every row is good, and
  the same file twice changes nothing.
- ``rate --year YYYY [--municipality CODE] [--format text|json]``: the participation rate of
  those aged 65+ by district in the fiscal year (年度) starting in April of YYYY.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from chiiki.core.bounds import FISCAL_YEAR
from chiiki.core.tabular import TableError, read_path
from chiiki.core.uploads import upload_limits
from chiiki.imports.runners import file_error
from chiiki.indicators.selectors.participation import participation_by_district
from chiiki.indicators.services import attendance
from chiiki.web.commands import ChiikiCommand

NAME = "attendance"
HELP = (
    "通いの場の出席簿を取り込む（import）、65歳以上の参加率を地区別に出す（rate）。"
    "列は 通いの場, 日付, 宛名番号（または 氏名, 生年月日）か、通いの場, 日付, 参加者数"
    "（, 65歳以上の参加者数）"
)
FAILED = "ファイルに誤りがあるため、何も保存していません"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="attendance_action", required=True, metavar="{import,rate}")
    imp = sub.add_parser("import", help="出席簿（CSV/XLSX）を取り込む")
    imp.add_argument("file", metavar="FILE")
    rate = sub.add_parser("rate", help="65歳以上の参加率（地区別）")
    rate.add_argument("--year", type=int, required=True, metavar="YYYY", help="年度（4月始まり）")
    for p in (imp, rate):
        p.add_argument("--municipality", metavar="CODE", help="地方公共団体コード")
        p.add_argument("--format", choices=("text", "json"), default="text")


def run(command: ChiikiCommand, options: dict[str, Any]) -> None:
    if options["attendance_action"] == "import":
        _import(command, options)
    else:
        _rate(command, options)


def _import(command: ChiikiCommand, options: dict[str, Any]) -> None:
    municipality = command.municipality(options.get("municipality"))
    path, as_json = options["file"], options["format"] == "json"
    result = attendance.AttendanceImportResult(
        municipality=municipality.code, name=str(municipality)
    )
    try:
        table = read_path(path, upload_limits())
    except TableError as exc:
        result.errors, result.error_count = [file_error(Path(path).name, exc)], 1
        if as_json:
            command.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        raise CommandError(f"{path} は読み込みませんでした（何も保存していません）: {exc}") from exc
    except OSError as exc:
        raise CommandError(f"{path}: ファイルを読めません（{exc.strerror}）") from exc
    result = attendance.attendance_import(
        user=None, municipality=municipality, table=table, source=Path(path).name
    )
    if as_json:
        command.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
    elif result.ok:
        command.stdout.write(result.message())
    if not result.ok:
        lines = [e["message"] for e in result.errors[:50]]
        if result.error_count > len(lines):
            lines.append(f"ほか {result.error_count - len(lines):,} 件")
        raise CommandError(f"{FAILED}（{result.error_count:,} 件）:\n" + "\n".join(lines))


def _rate(command: ChiikiCommand, options: dict[str, Any]) -> None:
    municipality = command.municipality(options.get("municipality"))
    year = options["year"]
    if year not in FISCAL_YEAR:
        raise CommandError(f"--year は{FISCAL_YEAR.expected()}です（入力: {year}）")
    table = participation_by_district(municipality=municipality, fiscal_year=year)
    if options["format"] == "json":
        command.stdout.write(
            command.to_json(
                {
                    "municipality": municipality.code,
                    "fiscal_year": year,
                    "population_date": table.population_date,
                    "districts": [r.as_json() for r in table.rows],
                    "total": table.total.as_json(),
                    "notes": table.notes,
                }
            ),
            ending="",
        )
        return
    command.stdout.write(f"{municipality}（{municipality.code}） {table.summary()}")
    for r in [*table.rows, table.total]:
        shown = f"{r.rate}%" if r.rate is not None else "—"
        command.stdout.write(
            f"{r.district}\t参加者(65+) {r.participants_65:,}\t65歳以上人口 {r.population_65:,}"
            f"（{r.source_label}）\t参加率 {shown}\t延べ {r.attendances:,}"
        )
