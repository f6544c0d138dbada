"""``chiiki indicators``: indicators and planning from the shell.

The subcommands live in ``chiiki.indicators.cli`` (one module each); ``chiiki indicators
--help`` lists them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from chiiki.indicators import cli
from chiiki.web.commands import ChiikiCommand


class Command(ChiikiCommand):
    help = "指標と計画。サブコマンドごとの説明は chiiki indicators SUBCOMMAND --help"

    def add_arguments(self, parser: CommandParser) -> None:
        mods = cli.modules()
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="{" + ",".join(m.NAME for m in mods) + "}"
        )
        for mod in mods:
            p = sub.add_parser(mod.NAME, help=mod.HELP, formatter_class=parser.formatter_class)
            mod.add_arguments(p)

    def handle(self, *args: Any, **options: Any) -> None:
        for mod in cli.modules():
            if mod.NAME == options["action"]:
                mod.run(self, options)
                return
        raise CommandError(f"サブコマンド {options['action']} はありません")
