from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from chiiki.areas import services
from chiiki.areas.population import PopulationFileError
from chiiki.core.tabular import TableError, read_path
from chiiki.core.uploads import upload_limits
from chiiki.web.commands import ChiikiCommand


class Command(ChiikiCommand):
    help = (
        "人口データを取り込む: chiiki population import FILE [--municipality CODE]. "
        "CSV (UTF-8/Shift_JIS) または XLSX、列は 地区, 基準日, 性別, 年齢階級, 人数。"
        "すべての行が正しいときだけ保存し、同じファイルの再取り込みでは何も変わりません。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("action", choices=["import"])
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = self.municipality(options["municipality"])
        try:
            table = read_path(options["file"], upload_limits())
            result = services.population_import(municipality=municipality, table=table)
        except PopulationFileError as exc:
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
        self.stdout.write(result.message())
