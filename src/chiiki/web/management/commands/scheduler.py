"""`chiiki scheduler`: wake every minute and enqueue the periodic jobs that fell due."""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from typing import Any

from django.core.management.base import CommandParser
from django.db import close_old_connections
from django.utils.timezone import now as timezone_now

from chiiki.scheduler import services
from chiiki.web.commands import ChiikiCommand

logger = logging.getLogger("chiiki.scheduler")


def _until_next_minute(now: dt.datetime) -> float:
    return 60 - now.second - now.microsecond / 1_000_000


class Command(ChiikiCommand):
    help = (
        "定期処理の起動役: 毎分、予定の時刻になった処理（ポイントの失効など）をバックグラウンド処理の"
        "列に入れ、chiiki db_worker が実行します。crontab は要りません。止まっていた間の処理は、"
        "戻ったときに最後の1回分だけ行います。2つ動かしても同じ予定を2度入れることはありません。"
        "--once: 1回だけ確かめて終了。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # No --municipality: the scheduler serves every municipality of the installation.
        parser.add_argument("--once", action="store_true", help="1回だけ確かめて終了する")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self._tick()
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write("chiiki scheduler: 毎分確かめます（SIGTERM で終了）")
        while not stop.is_set():
            close_old_connections()  # a connection the database dropped meanwhile is not reused
            self._tick()
            stop.wait(_until_next_minute(timezone_now()))

    def _tick(self) -> None:
        try:
            slots = services.scheduler_tick(now=timezone_now())
        except Exception:
            # A locked or unreachable database: try again at the next minute.
            logger.exception("scheduler tick failed")
            return
        for slot in slots:
            self.stdout.write(f"{slot.job}: {slot.due_at:%Y-%m-%d %H:%M} の分を受け付けました")
