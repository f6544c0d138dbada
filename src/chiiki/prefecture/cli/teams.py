"""``chiiki prefecture teams import FILE --prefecture CODE [--format text|json]`` and
``chiiki prefecture teams coverage --prefecture CODE [--year YYYY] [--format text|json]``:
the support team's visits (columns in ``chiiki.prefecture.visit_file``) and their coverage of
the prefecture's municipalities in one fiscal year (年度: April to March).
"""

from __future__ import annotations

import json
import re
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from chiiki.areas.models import Prefecture
from chiiki.core.bounds import FISCAL_YEAR
from chiiki.core.tabular import TableError, read_path
from chiiki.core.uploads import upload_limits
from chiiki.core.wareki import fiscal_year
from chiiki.imports.runners import file_error
from chiiki.prefecture.selectors.common import prefecture_by_code
from chiiki.prefecture.selectors.support import team_coverage, visit_years
from chiiki.prefecture.services.support import VisitImportResult, team_visit_import
from chiiki.web.commands import ChiikiCommand

NAME = "teams"
HELP = (
    "支援チームの訪問。import FILE: 訪問日, 市町村コード, チーム, 目的 の CSV/XLSX を取り込む"
    "（すべて正しいときだけ保存）。coverage: 年度の訪問状況（何市町村を訪問したか）"
)
FAILED = "ファイルに誤りがあるため、何も保存していません"


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "verb", choices=("import", "coverage"), help="import: 取り込む / coverage: 訪問状況"
    )
    parser.add_argument("file", metavar="FILE", nargs="?", help="import のファイル")
    parser.add_argument("--prefecture", metavar="CODE", required=True, help="都道府県コード（2桁）")
    parser.add_argument("--year", metavar="YYYY", help="coverage の年度（例: 2018 は平成30年度）")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def _prefecture(code: str) -> Prefecture:
    if not re.fullmatch(r"[0-9]{2}([0-9]{4})?", code.strip()):
        raise CommandError(
            f"--prefecture「{code}」は都道府県コード（2桁、例: 11 埼玉県）ではありません"
        )
    found = prefecture_by_code(code)
    if found is None:
        raise CommandError(f"都道府県コード {code} の都道府県は登録されていません")
    return found


def run(command: ChiikiCommand, options: dict[str, Any]) -> None:
    prefecture = _prefecture(options["prefecture"])
    if options["verb"] == "import":
        _import(command, prefecture, options)
    else:
        _coverage(command, prefecture, options)


def _import(command: ChiikiCommand, prefecture: Prefecture, options: dict[str, Any]) -> None:
    path, as_json = options["file"], options["format"] == "json"
    if not path:
        raise CommandError("取り込むファイルを指定してください（teams import FILE）")
    try:
        table = read_path(path, upload_limits())
    except TableError as exc:
        result = VisitImportResult(ok=False, errors=[file_error(Path(path).name, exc)])
        result.error_count = 1
        if as_json:
            command.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        raise CommandError(f"{path} は読み込みませんでした（何も保存していません）: {exc}") from exc
    except OSError as exc:
        raise CommandError(f"{path}: ファイルを読めません（{exc.strerror}）") from exc
    result = team_visit_import(user=None, prefecture=prefecture, table=table)
    if as_json:
        command.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
    elif result.ok:
        command.stdout.write(result.message())
    if not result.ok:
        lines = [e["message"] for e in result.errors[:50]]
        if result.error_count > len(lines):
            lines.append(f"ほか {result.error_count - len(lines):,} 件")
        raise CommandError(f"{FAILED}（{result.error_count:,} 件）:\n" + "\n".join(lines))


def _year(raw: str | None, prefecture: Prefecture) -> int:
    if raw is None:
        years = visit_years(prefecture)
        return years[-1] if years else fiscal_year(timezone.localdate())
    text = raw.strip()
    if not re.fullmatch(r"[0-9]{4}", text):
        raise CommandError(f"--year「{raw}」は西暦4桁の年度です（例: 2018 は平成30年度）")
    try:
        return FISCAL_YEAR.check(int(text), "年度")
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


def _coverage(command: ChiikiCommand, prefecture: Prefecture, options: dict[str, Any]) -> None:
    if options["file"]:
        raise CommandError("coverage はファイルを取りません")
    year = _year(options["year"], prefecture)
    coverage = team_coverage(prefecture=prefecture, years=[year])
    total = coverage.year(year)
    if options["format"] == "json":
        data = {
            "year": year,
            "municipalities": total.municipalities,
            "visited": total.visited,
            "rows": [
                {"code": r.code, "name": r.name, "visits": r.visits[0]} for r in coverage.rows
            ],
        }
        command.stdout.write(json.dumps(data, ensure_ascii=False))
        return
    lines = [total.line]
    lines += [
        f"{r.code} {r.name}: {'○ ' + str(r.visits[0]) if r.visits[0] else '—'}"
        for r in coverage.rows
    ]
    command.stdout.write("\n".join(lines))
