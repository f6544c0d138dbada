from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from chiiki.accounts.audit_guard import lifted_for_flush
from chiiki.web import demo


class Command(BaseCommand):
    help = (
        "Build the demo municipality (a synthetic 萩市, April 2018: 48,234 people, 19,977 aged 65+, "
        "a synthetic person for each of them, one login per role). A second run reuses it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=2018, help="random seed (same seed, same data)"
        )
        parser.add_argument(
            "--reset", action="store_true", help="flush the database and build again"
        )

    def handle(self, *args: Any, seed: int, reset: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if reset:
            self.stderr.write(
                "データベースを初期化しています（監査ログを含むすべてのデータを消去します）"
            )
            with lifted_for_flush(connection):
                call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        municipality = demo.existing()
        if municipality is not None:
            self.stdout.write("デモ市町村はすでにあります。そのまま使います。")
        else:
            municipality = demo.build(seed=seed)
            self.stdout.write(
                f"デモ市町村（萩市モデル）を作成しました（{time.perf_counter() - started:.1f}秒）"
            )
        started = time.perf_counter()
        with transaction.atomic():
            demo.build_modules(municipality, seed)
        self.stdout.write(
            f"各機能のデモデータを確認しました（{time.perf_counter() - started:.1f}秒）"
        )
        self.stdout.write("ログイン（ユーザー名 / パスワード / 役割）:")
        for username, password, role in demo.logins():
            self.stdout.write(f"  {username:<10} {password:<14} {role}")
