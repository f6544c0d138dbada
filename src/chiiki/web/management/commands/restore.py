"""``chiiki restore FILE [--force]``: a backup back into a migrated database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiiki.web import backup


class Command(BaseCommand):
    help = (
        "`chiiki backup` のファイルを復元します。`chiiki migrate` 済みの空のデータベースにだけ、"
        "バックアップと同じマイグレーションのときだけ、1 つのトランザクションで戻します"
        "（失敗したときは何も変わりません）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="`chiiki backup` で作ったファイル")
        parser.add_argument(
            "--force",
            action="store_true",
            help="空でないデータベースでも、監査ログを含む既存のデータをすべて消して復元する",
        )

    def handle(self, *args: Any, file: str, force: bool, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        try:
            header = backup.read_header(Path(file))
            counts = backup.restore(
                Path(file), force=force, progress=self.stderr.write if verbose else None
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"]:
            self.stdout.write(
                f"{file}（chiiki {header['app_version']}、{header['created']}）を復元しました"
                f"（{sum(counts.values())} 行）"
            )
