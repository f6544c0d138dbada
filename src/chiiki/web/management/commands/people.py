from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from chiiki.core.bounds import DATE
from chiiki.core.tabular import TableError, read_path
from chiiki.core.uploads import upload_limits
from chiiki.people import care, services
from chiiki.people.care_file import CareFileError
from chiiki.people.register import RegisterFileError
from chiiki.web.commands import ChiikiCommand


def _day(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--on は YYYY-MM-DD の日付です（入力: {text}）") from exc
    if not DATE.low <= day <= DATE.high:
        raise CommandError(f"--on は{DATE.expected()}です（入力: {text}）")
    return day


class Command(ChiikiCommand):
    help = (
        "住民記録の抽出ファイルから住民を取り込む: chiiki people import FILE "
        "--municipality CODE [--format json] [--on YYYY-MM-DD]. CSV (UTF-8/Shift_JIS) または "
        "XLSX、列は 宛名番号, 氏名, 氏名カナ, 性別, 生年月日, 住所（任意で 電話番号, 世帯人数）。"
        "地区は住所の町丁目・大字から決めます（先に chiiki areas import）。ファイルにない"
        "宛名番号の人は --on の日（省略時は今日）で転出等とし、消しません。すべての行が正しい"
        "ときだけ保存し、同じファイルの再取り込みでは何も変わりません。"
        " chiiki people import-care FILE --municipality CODE [--format json]: 要介護認定の"
        "ファイルから認定期間を取り込む。列は 被保険者番号, 宛名番号, 要介護度, 認定有効期間"
        "（または 認定有効期間開始 と 認定有効期間終了）。人は宛名番号で探し、認定の履歴を残して"
        "今日を含む期間の要介護度を現在のものにします。"
    )
    formats = ("text", "json")

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("action", choices=["import", "import-care"])
        parser.add_argument("file")
        parser.add_argument("--on", metavar="YYYY-MM-DD", help="転出等とする日（省略時は今日）")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = self.municipality(options["municipality"])
        if options["action"] == "import-care" and options["on"]:
            raise CommandError("--on は import（住民記録）のときだけ指定できます")
        on = _day(options["on"]) if options["on"] else None
        result: services.RegisterImportResult | care.CareImportResult
        try:
            table = read_path(options["file"], upload_limits())
            if options["action"] == "import-care":
                result = care.care_import(
                    municipality=municipality, table=table, source=Path(options["file"]).name
                )
            else:
                result = services.register_import(municipality=municipality, table=table, on=on)
        except (RegisterFileError, CareFileError) as exc:
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
            self.write_output(json.dumps(result.as_json()) + "\n", options["output"])
        else:
            self.write_output(result.message() + "\n", options["output"])
