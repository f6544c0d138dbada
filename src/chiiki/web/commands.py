"""The base every chiiki command builds on: common options and errors as CommandError."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiiki.accounts import audit
from chiiki.areas.models import Municipality
from chiiki.areas.selectors import municipality_by_code


class ChiikiCommand(BaseCommand):
    """Adds ``--municipality CODE`` (default: the only one) and helpers for output files."""

    formats: tuple[str, ...] = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--municipality",
            metavar="CODE",
            help="地方公共団体コード（省略時は登録されている唯一の市町村）",
        )
        if self.formats:
            parser.add_argument("--format", choices=self.formats, default=self.formats[0])
            parser.add_argument(
                "-o", "--output", metavar="OUT", help="出力ファイル（省略時は標準出力）"
            )

    def execute(self, *args: Any, **options: Any) -> Any:
        # Whatever the command reads or writes is recorded in the audit trail as the CLI's.
        token = audit.bind(channel=audit.Channel.CLI, path=f"chiiki {self._name()}")
        try:
            return super().execute(*args, **options)
        finally:
            audit.unbind(token)

    def _name(self) -> str:
        return type(self).__module__.rsplit(".", 1)[-1]

    def municipality(self, code: str | None) -> Municipality:
        found = municipality_by_code(code=code)
        if found is None:
            if code:
                raise CommandError(f"市町村コード {code} は登録されていません")
            raise CommandError("--municipality で市町村コードを指定してください")
        return found

    def write_output(self, data: str | bytes, output: str | None) -> None:
        if output:
            try:
                Path(output).write_bytes(data.encode() if isinstance(data, str) else data)
            except OSError as exc:
                raise CommandError(f"「{output}」に書き出せません: {exc.strerror}") from exc
        elif isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            self.stdout.write(data, ending="" if data.endswith("\n") else "\n")

    @staticmethod
    def to_json(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n"
