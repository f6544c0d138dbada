"""``chiiki backup FILE``: the whole database as one gzip-compressed file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chiiki.web import backup


class Command(BaseCommand):
    help = (
        "データベース全体をバックアップします（gzip 圧縮の JSON Lines。"
        "先頭行にマイグレーション・バージョン・日時）。ファイルは個人情報を含むため権限 600 で作ります。"
        "SQLite でも PostgreSQL でも同じ形式で、`chiiki restore` で戻せます"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", metavar="FILE", help="書き出すファイル（例: chiiki-2026-04-01.jsonl.gz）"
        )

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        target = Path(file)
        if target.is_dir():  # a timer's folder of dated backups
            target = target / f"chiiki-{timezone.localtime():%Y%m%d-%H%M%S}.jsonl.gz"
        try:
            counts = backup.backup(target, progress=self.stderr.write if verbose else None)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"]:
            total = sum(counts.values())
            self.stdout.write(
                f"{target} にバックアップしました（{len(counts)} モデル、{total} 行）"
            )
