"""``chiiki opendata export (--prefecture CODE | --municipality CODE) -o DIR``: the published
tables as CSV and XLSX with a Frictionless ``datapackage.json`` (the tables and their
columns: docs/prefecture/opendata.md).

DIR is created when missing. A folder that already holds files is written into only when it
holds a package this command wrote (its ``datapackage.json`` says so): someone's own folder
is never overwritten.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from chiiki.prefecture import opendata as engine
from chiiki.prefecture.selectors.common import prefecture_by_code
from chiiki.prefecture.selectors.opendata import (
    municipality_package,
    municipality_tables,
    prefecture_package,
    prefecture_tables,
)
from chiiki.web.commands import ChiikiCommand


class Command(ChiikiCommand):
    help = (
        "オープンデータ（CSV・XLSX と datapackage.json）を書き出す。"
        "export --prefecture CODE または export --municipality CODE のどちらか一方と -o DIR。"
        "1〜9の人数・件数は「X」で秘匿し、合計から逆算できる値も秘匿します。"
        "DIR が空でなく、このコマンドの書いたパッケージでもないときは書き出しません。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Not the base's --municipality: here it has no default (one of the two is given).
        parser.add_argument("verb", choices=("export",), help="export: 書き出す")
        parser.add_argument("--municipality", metavar="CODE", help="地方公共団体コード（6桁）")
        parser.add_argument("--prefecture", metavar="CODE", help="都道府県コード（2桁）")
        parser.add_argument("-o", "--output", metavar="DIR", required=True, help="出力フォルダ")
        parser.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        pref_code, mun_code = options.get("prefecture"), options.get("municipality")
        if bool(pref_code) == bool(mun_code):
            raise CommandError("--prefecture と --municipality のどちらか一方を指定してください")
        directory = Path(options["output"])
        _check_directory(directory)
        if pref_code:
            if not re.fullmatch(r"\d{2}", pref_code.strip()):
                raise CommandError(f"都道府県コード {pref_code} は2桁の数字ではありません")
            prefecture = prefecture_by_code(pref_code)
            if prefecture is None:
                raise CommandError(f"都道府県コード {pref_code} は登録されていません")
            tables = prefecture_tables(prefecture)
            package = prefecture_package(prefecture, tables=tables)
        else:
            municipality = self.municipality(mun_code)
            tables = municipality_tables(municipality)
            package = municipality_package(municipality, tables=tables)
        try:
            written = engine.write(directory, package, engine.previous_files(directory))
        except OSError as exc:
            raise CommandError(f"「{directory}」に書き出せません: {exc.strerror}") from exc
        resources = [
            {"name": t.name, "rows": len(t.rows), "suppressed": t.suppressed_count} for t in tables
        ]
        if options["format"] == "json":
            self.stdout.write(
                self.to_json({"directory": str(directory), "resources": resources}), ending=""
            )
            return
        for path in written:
            self.stdout.write(str(path))
        for r in resources:
            self.stdout.write(f"{r['name']}: {r['rows']:,}行（秘匿 {r['suppressed']:,}セル）")


def _check_directory(directory: Path) -> None:
    """Refuse a file, and a folder with files that is not one of our packages."""
    if directory.exists() and not directory.is_dir():
        raise CommandError(f"「{directory}」はフォルダではありません")
    if directory.is_dir() and any(directory.iterdir()) and not engine.is_ours(directory):
        raise CommandError(
            f"「{directory}」は空ではなく、このコマンドの書いたパッケージでもないため、"
            "書き出しません（空のフォルダか新しいフォルダを指定してください）"
        )
