"""``chiiki prefecture dispatch import FILE --prefecture CODE [--format text|json]`` and
``chiiki prefecture dispatch summary --prefecture CODE --year YYYY [--format text|json]``:
the professionals the prefecture dispatches to its municipalities (the columns are in
``chiiki.prefecture.dispatch_file``). The import is all or nothing; the same file twice
changes nothing. ``--year`` is the fiscal year (年度, April to March): 2017 is 平成29年度.
"""

from __future__ import annotations

import json
import unicodedata
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from chiiki.areas.models import Prefecture
from chiiki.core import wareki
from chiiki.core.bounds import FISCAL_YEAR
from chiiki.core.tabular import TableError, read_path
from chiiki.core.uploads import upload_limits
from chiiki.imports.runners import file_error
from chiiki.prefecture.dispatch_summary import LABELS, ORDERS, Line, Summary
from chiiki.prefecture.selectors.common import prefecture_by_code
from chiiki.prefecture.selectors.dispatch import dispatch_summary
from chiiki.prefecture.services.dispatch import DispatchImportResult, dispatch_import
from chiiki.web.commands import ChiikiCommand

NAME = "dispatch"
HELP = (
    "専門職の派遣実績（import FILE: 列は 日付, 市町村コード, 派遣元, 事業区分, 職種, 件数。"
    "summary --year YYYY: 年度の派遣元別・市町村別の集計）"
)
FAILED = "ファイルに誤りがあるため、何も保存していません"


def add_arguments(parser: ArgumentParser) -> None:
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="{import,summary}")
    imp = verbs.add_parser(
        "import",
        help="派遣の記録を取り込む（すべての行が正しいときだけ保存。同じファイルは何度でも同じ結果）",
    )
    imp.add_argument("file", metavar="FILE", help="CSV（UTF-8・BOM・Shift_JIS）または XLSX")
    summary = verbs.add_parser("summary", help="年度の派遣実績を派遣元別・市町村別に集計する")
    summary.add_argument(
        "--year", type=int, required=True, metavar="YYYY", help="年度（2017 = 平成29年度）"
    )
    summary.add_argument(
        "--order", choices=ORDERS, default="first", help="派遣元の順: first 記録順 / total 合計順"
    )
    for p in (imp, summary):
        p.add_argument("--prefecture", metavar="CODE", required=True, help="都道府県コード（43）")
        p.add_argument("--format", choices=("text", "json"), default="text")


def _prefecture(code: str) -> Prefecture:
    found = prefecture_by_code(unicodedata.normalize("NFKC", code or ""))
    if found is None:
        raise CommandError(f"都道府県コード {code} は登録されていません")
    return found


def run(command: ChiikiCommand, options: dict[str, Any]) -> None:
    prefecture = _prefecture(options["prefecture"])
    if options["verb"] == "summary":
        _summary(command, prefecture, options)
    else:
        _import(command, prefecture, options)


def _import(command: ChiikiCommand, prefecture: Prefecture, options: dict[str, Any]) -> None:
    path, as_json = options["file"], options["format"] == "json"
    try:
        table = read_path(path, upload_limits())
    except TableError as exc:
        result = DispatchImportResult(prefecture=prefecture.code, source=Path(path).name, ok=False)
        result.errors, result.error_count = [file_error(Path(path).name, exc)], 1
        if as_json:
            command.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        raise CommandError(f"{path} は読み込みませんでした（何も保存していません）: {exc}") from exc
    except OSError as exc:
        raise CommandError(f"{path}: ファイルを読めません（{exc.strerror}）") from exc
    result = dispatch_import(user=None, prefecture=prefecture, table=table, source=Path(path).name)
    if as_json:
        command.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
    elif result.ok:
        command.stdout.write(result.message())
    if not result.ok:
        lines = [e["message"] for e in result.errors[:50]]
        if result.error_count > len(lines):
            lines.append(f"ほか {result.error_count - len(lines):,} 件")
        raise CommandError(f"{FAILED}（{result.error_count:,} 件）:\n" + "\n".join(lines))


def _summary(command: ChiikiCommand, prefecture: Prefecture, options: dict[str, Any]) -> None:
    year = options["year"]
    if year not in FISCAL_YEAR:
        raise CommandError(f"--year は{FISCAL_YEAR.expected()}です（入力: {year}）")
    found = dispatch_summary(prefecture=prefecture, year=year, order=options["order"])
    if options["format"] == "json":
        command.stdout.write(json.dumps(found.as_json(), ensure_ascii=False))
    else:
        command.stdout.write(text_table(prefecture, found))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _table(head: str, lines: list[Line], total: Line) -> list[str]:
    header = [head, *LABELS, "合計"]
    body = [[line.label, *map(str, line.counts), str(line.total)] for line in [*lines, total]]
    widths = [max(_width(row[i]) for row in [header, *body]) for i in range(len(header))]
    return [
        "  ".join(_pad(c, w, right=i > 0) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        for row in [header, *body]
    ]


def text_table(prefecture: Prefecture, found: Summary) -> str:
    """The guide's table, then the same by municipality, for a terminal."""
    label = wareki.format_fiscal_year(found.year)
    out = [f"{prefecture.name} 専門職の派遣実績（件数） {label}（{found.year}年度）", ""]
    out += _table(label, found.senders, found.total)
    out += ["", "市町村別"]
    out += _table("市町村", found.municipalities, found.municipalities_total)
    return "\n".join(out)
