from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from chiiki.areas import services
from chiiki.areas.area_tree import AreaFileError
from chiiki.core.tabular import TableError, read_path
from chiiki.core.uploads import upload_limits
from chiiki.web.commands import ChiikiCommand


class Command(ChiikiCommand):
    help = (
        "圏域・地区・町丁目を取り込む: chiiki areas import FILE [--format json]. "
        "CSV (UTF-8/Shift_JIS) または XLSX、列は 市町村コード, 市町村名, 圏域, 地区, 町丁目、"
        "1行に1つの町丁目（大字）。都道府県と市町村がなければ作ります（コードは検査数字と"
        "全国地方公共団体コードの一覧で確かめます）。1ファイルに1市町村。すべての行が正しい"
        "ときだけ保存し、同じファイルの再取り込みでは何も変わりません。何も消しません。"
    )
    formats = ("text", "json")

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("action", choices=["import"])
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["municipality"]
        municipality = self.municipality(code) if code else None
        try:
            table = read_path(options["file"], upload_limits())
            result = services.area_tree_import(table=table, municipality=municipality)
        except AreaFileError as exc:
            raise CommandError(
                "ファイルに誤りがあるため、何も保存していません:\n" + str(exc)
            ) from exc
        except TableError as exc:
            raise CommandError(
                f"{options['file']} は読み込みませんでした（何も保存していません）: {exc}"
            ) from exc
        except OSError as exc:
            raise CommandError(
                f"{options['file']}: ファイルを読めません（{exc.strerror}）"
            ) from exc
        if options["format"] == "json":
            self.write_output(
                json.dumps(result.as_json(), ensure_ascii=False) + "\n", options["output"]
            )
        else:
            self.write_output(result.message() + "\n", options["output"])
