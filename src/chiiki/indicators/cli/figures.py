"""``chiiki indicators figures import FILE [--municipality CODE] [--format text|json]``: the
介護保険事業状況報告's yearly figures (one row per 年度; the columns are in
``chiiki.indicators.insurance_file``). All or nothing; the same file twice changes nothing.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from chiiki.core.tabular import TableError, read_path
from chiiki.core.uploads import upload_limits
from chiiki.imports.runners import file_error
from chiiki.indicators.services.insurance import InsuranceImportResult, insurance_import
from chiiki.web.commands import ChiikiCommand

NAME = "figures"
HELP = (
    "介護保険事業状況報告の年度別の数値を取り込む（import FILE。列は 年度, 第1号被保険者数, "
    "要支援1〜要介護5, 給付費, 第1号保険料）"
)
FAILED = "ファイルに誤りがあるため、何も保存していません"


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("verb", choices=("import",), help="import: ファイルを取り込む")
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--municipality", metavar="CODE", help="地方公共団体コード")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(command: ChiikiCommand, options: dict[str, Any]) -> None:
    municipality = command.municipality(options.get("municipality"))
    path, as_json = options["file"], options["format"] == "json"
    try:
        table = read_path(path, upload_limits())
    except TableError as exc:
        result = InsuranceImportResult(municipality=municipality.code, ok=False)
        result.errors, result.error_count = [file_error(Path(path).name, exc)], 1
        if as_json:
            command.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        raise CommandError(f"{path} は読み込みませんでした（何も保存していません）: {exc}") from exc
    except OSError as exc:
        raise CommandError(f"{path}: ファイルを読めません（{exc.strerror}）") from exc
    result = insurance_import(user=None, municipality=municipality, table=table)
    if as_json:
        command.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
    elif result.ok:
        command.stdout.write(result.message())
    if not result.ok:
        lines = [e["message"] for e in result.errors[:50]]
        if result.error_count > len(lines):
            lines.append(f"ほか {result.error_count - len(lines):,} 件")
        raise CommandError(f"{FAILED}（{result.error_count:,} 件）:\n" + "\n".join(lines))
