"""``chiiki indicators leverage``: who pays what in the community support projects.

``--period N`` takes a built-in plan period (7, 8, 9); ``--shares FILE`` a municipality's or
a new period's table in the same YAML (``period: 10`` and ``programmes:``). ``--budget YEN``
splits a budget into whole yen that add up exactly.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from chiiki.indicators import leverage
from chiiki.web.commands import ChiikiCommand

NAME = "leverage"
HELP = (
    "地域支援事業の負担割合と倍率（市町村の持ち分＝市町村＋第1号保険料、倍率＝100÷持ち分）。"
    "--budget で予算を負担者ごとに円単位で分けます"
)


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--period", metavar="N", help="計画期（組み込み: 7、8、9）")
    parser.add_argument("--budget", metavar="YEN", help="事業費（円、整数）")
    parser.add_argument(
        "--shares", metavar="FILE", help="負担割合の YAML（period: と programmes:）"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("-o", "--output", metavar="OUT", help="出力ファイル（省略時は標準出力）")


def _period(raw: str) -> int:
    text = raw.strip()
    if not re.fullmatch(r"[0-9]{1,2}", text):
        raise CommandError(f"--period「{raw}」は使えません: 第何期かを整数で（例: 7）")
    return int(text)


def run(command: ChiikiCommand, options: dict[str, Any]) -> None:
    try:
        period = _period(options["period"]) if options["period"] is not None else None
        budget = leverage.parse_budget(options["budget"]) if options["budget"] is not None else None
        if options["shares"]:
            table = leverage.read_file(Path(options["shares"]))
            if period is not None and period != table.period:
                raise CommandError(
                    f"--period は第{period}期、ファイルは第{table.period}期です。どちらかにしてください"
                )
        elif period is not None:
            table = leverage.load_period(period)
        else:
            raise CommandError("--period（組み込みの計画期）か --shares FILE を指定してください")
    except leverage.LeverageError as exc:
        raise CommandError(str(exc)) from exc
    if options["format"] == "json":
        text = json.dumps(leverage.as_json(table, budget), ensure_ascii=False) + "\n"
    else:
        text = leverage.as_text(table, budget)
    command.write_output(text, options["output"])
