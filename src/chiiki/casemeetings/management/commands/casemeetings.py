"""``chiiki casemeetings``: community care meetings from the shell.

- ``import FILE [--municipality CODE] [--format text|json]``: past case reviews from a CSV
  (UTF-8 with or without a BOM, or Shift_JIS) or an XLSX, one row per review (the columns
  are in ``chiiki.casemeetings.records``). Every bad cell is reported with its row and
  column; nothing is stored unless every row is good, and the same file twice changes
  nothing. With ``--format json`` the counts (and the faults) are printed as one object.
- ``rollup [--municipality CODE] [--from YYYY-MM] [--to YYYY-MM] [--format text|json]``:
  the cases behind each issue seed, district by district, most cases first (the months are
  whole: ``--from 2025-04 --to 2026-03`` is 2025-04-01 to 2026-03-31).
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from chiiki.casemeetings import importers, rollup, selectors
from chiiki.core.params import ParamError, parse_month
from chiiki.core.tabular import TableError, read_path
from chiiki.core.uploads import upload_limits
from chiiki.imports.runners import file_error
from chiiki.web.commands import ChiikiCommand

FAILED = "ファイルに誤りがあるため、何も保存していません"


class Command(ChiikiCommand):
    help = (
        "地域ケア会議。import: 過去の事例の検討を CSV（UTF-8/Shift_JIS）または XLSX から"
        "取り込む（1行が1回の検討。列は 会議日, 会議種別, 事例番号, 段階, 地区, 年齢, 性別, "
        "要介護度, 課題, 目標, 結果）。rollup: 課題の種ごとの事例数を地区別に出力する。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{import,rollup}")
        imp = sub.add_parser(
            "import", help="過去の事例の検討を取り込む", formatter_class=parser.formatter_class
        )
        imp.add_argument("file", metavar="FILE")
        roll = sub.add_parser(
            "rollup", help="課題の種の地区別集計", formatter_class=parser.formatter_class
        )
        roll.add_argument("--from", dest="start", metavar="YYYY-MM", help="この月の初めから")
        roll.add_argument("--to", dest="end", metavar="YYYY-MM", help="この月の終わりまで")
        for p in (imp, roll):
            p.add_argument("--municipality", metavar="CODE", help="地方公共団体コード")
            p.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self.import_file(options)
        else:
            self.roll_up(options)

    # import ---------------------------------------------------------------------------

    def import_file(self, options: dict[str, Any]) -> None:
        municipality = self.municipality(options.get("municipality"))
        path, as_json = options["file"], options["format"] == "json"
        result = importers.ReviewImportResult(
            municipality=municipality.code, name=str(municipality)
        )
        try:
            table = read_path(path, upload_limits())
        except TableError as exc:
            result.errors, result.error_count = [file_error(Path(path).name, exc)], 1
            if as_json:
                self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            raise CommandError(
                f"{path} は読み込みませんでした（何も保存していません）: {exc}"
            ) from exc
        except OSError as exc:
            raise CommandError(f"{path}: ファイルを読めません（{exc.strerror}）") from exc
        result = importers.reviews_import(municipality=municipality, table=table)
        if as_json:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        elif result.ok:
            self.stdout.write(result.message())
        if not result.ok:
            lines = [e["message"] for e in result.errors[:50]]
            if result.error_count > len(lines):
                lines.append(f"ほか {result.error_count - len(lines):,} 件")
            raise CommandError(f"{FAILED}（{result.error_count:,} 件）:\n" + "\n".join(lines))

    # roll-up --------------------------------------------------------------------------

    def roll_up(self, options: dict[str, Any]) -> None:
        municipality = self.municipality(options.get("municipality"))
        start, end = (_month(options[k], f"--{n}") for k, n in (("start", "from"), ("end", "to")))
        try:
            first, last = rollup.months(start, end)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rolls = selectors.rollup_for(municipality=municipality, start=first, end=last)
        if options["format"] == "json":
            self.stdout.write(json.dumps([r.as_json() for r in rolls], ensure_ascii=False))
            return
        span = f"{_shown(start, '最初')}〜{_shown(end, '最後')}" if start or end else "全期間"
        self.stdout.write(f"{municipality}（{municipality.code}） 課題の種の地区別事例数（{span}）")
        self.stdout.write(table_text(rolls))


def _month(raw: str | None, name: str) -> tuple[int, int] | None:
    if not raw:
        return None
    try:
        return parse_month(raw, name=name)
    except ParamError as exc:
        raise CommandError(f"{name} には {exc.expected}（入力: {raw}）") from exc


def _shown(month: tuple[int, int] | None, default: str) -> str:
    return f"{month[0]}-{month[1]:02d}" if month else default


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def table_text(rolls: list[rollup.TagRoll]) -> str:
    """A table a person reads in a terminal: the tag, its cases, and its districts."""
    if not rolls:
        return "（この期間に課題の種のある事例はありません）"
    head = ("課題の種", "事例数", "地区別")
    tag_w = max(_width(head[0]), *(_width(r.name) for r in rolls))
    n_w = max(_width(head[1]), *(len(f"{r.cases:,}") for r in rolls))
    lines = [f"{_pad(head[0], tag_w)}  {_pad(head[1], n_w, right=True)}  {head[2]}"]
    lines.append("-" * (tag_w + n_w + 4 + _width(head[2])))
    for r in rolls:
        districts = "、".join(f"{name} {n:,}" for name, n in r.districts.items())
        lines.append(f"{_pad(r.name, tag_w)}  {_pad(f'{r.cases:,}', n_w, right=True)}  {districts}")
    return "\n".join(lines)
