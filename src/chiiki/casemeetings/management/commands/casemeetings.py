"""``chiiki casemeetings``: community care meetings from the shell.

- ``import FILE [--municipality CODE] [--format text|json]``: past case reviews from a CSV
  (UTF-8 with or without a BOM, or Shift_JIS) or an XLSX, one row per review (the columns
  are in ``chiiki.casemeetings.records``). Every bad cell is reported with its row and
  column; nothing is stored unless every row is good, and the same file twice changes
  nothing. With ``--format json`` the counts (and the faults) are printed as one object.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from chiiki.casemeetings import importers
from chiiki.core.tabular import TableError, read_path
from chiiki.core.uploads import upload_limits
from chiiki.imports.runners import file_error
from chiiki.web.commands import ChiikiCommand

FAILED = "ファイルに誤りがあるため、何も保存していません"


class Command(ChiikiCommand):
    help = (
        "地域ケア会議。import: 過去の事例の検討を CSV（UTF-8/Shift_JIS）または XLSX から"
        "取り込む（1行が1回の検討。列は 会議日, 会議種別, 事例番号, 段階, 地区, 年齢, 性別, "
        "要介護度, 課題, 目標, 結果）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{import}")
        imp = sub.add_parser(
            "import", help="過去の事例の検討を取り込む", formatter_class=parser.formatter_class
        )
        imp.add_argument("file", metavar="FILE")
        for p in (imp,):
            p.add_argument("--municipality", metavar="CODE", help="地方公共団体コード")
            p.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        self.import_file(options)

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
