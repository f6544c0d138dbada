"""``chiiki prefecture``: the prefecture's support of its municipalities from the shell.

The subcommands live in ``chiiki.prefecture.cli`` (one module each); ``chiiki prefecture
--help`` lists them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from chiiki.prefecture import cli
from chiiki.web.commands import ChiikiCommand


class Command(ChiikiCommand):
    help = "都道府県による市町村支援。サブコマンドごとの説明は chiiki prefecture SUBCOMMAND --help"

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
