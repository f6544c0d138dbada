from __future__ import annotations

import json
import os
from typing import Any

from django.core.management.base import CommandError, CommandParser

from chiiki.accounts import services
from chiiki.accounts.staff_file import StaffFileError
from chiiki.core.tabular import TableError, read_path
from chiiki.core.uploads import upload_limits
from chiiki.web.commands import ChiikiCommand


class Command(ChiikiCommand):
    help = (
        "職員のログインを取り込む: chiiki staff import FILE --municipality CODE "
        "[--format json] [-o OUT]. CSV (UTF-8/Shift_JIS) または XLSX、列は ログインID, 氏名, "
        "役割（必須）と 圏域（、か ; で区切る）, 所属（地域包括支援センター）, メール, 有効"
        "（任意。列がなければ今の値のまま）。すべての行が正しいときだけ保存し、同じファイルの"
        "再取り込みでは何も変わりません。誰も消さず、有効を「無効」にすると停止します。"
        "新しいログインの初期パスワードはこの出力に一度だけ書きます（保存しません）。"
    )
    formats = ("text", "json")

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("action", choices=["import"])
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = self.municipality(options["municipality"])
        try:
            table = read_path(options["file"], upload_limits())
            result = services.staff_import(
                municipality=municipality, table=table, initial_passwords=True
            )
        except StaffFileError as exc:
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
            text = json.dumps(
                {**result.as_json(), "initial_passwords": result.passwords}, ensure_ascii=False
            )
        else:
            lines = [result.message()]
            if result.passwords:
                lines += ["", "初期パスワード（一度だけ表示。本人に直接渡してください）:"]
                lines += [f"{login}\t{password}" for login, password in result.passwords.items()]
            text = "\n".join(lines)
        self._write(text + "\n", options["output"])

    def _write(self, text: str, output: str | None) -> None:
        """Passwords in a file: made readable by its owner only, as the secret key is."""
        if not output:
            self.write_output(text, None)
            return
        try:
            fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(fd, 0o600)  # a file that was there already
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise CommandError(f"「{output}」に書き出せません: {exc.strerror}") from exc
