"""``chiiki kcl score INPUT [--format csv|json] [-o OUT]``."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.core.management.base import CommandError, CommandParser

from chiiki.core.tabular import TableError
from chiiki.core.uploads import upload_limits
from chiiki.surveys import cli
from chiiki.surveys.rules import KCL, RuleSetError, instrument
from chiiki.surveys.scoring import KCL_RESULT_COLUMNS, kcl_score
from chiiki.web.commands import ChiikiCommand

COLUMNS = ["id", *KCL_RESULT_COLUMNS]


class Command(ChiikiCommand):
    help = (
        "基本チェックリストを採点します。score INPUT: 列 id, q1〜q11, q13〜q25, height_cm, weight_kg。"
        "回答は用紙の点数（1/0）、文言（はい/いいえ）または「1.いいえ」の形。"
        "出力: id, total_1_20, total_25, band, c1〜c7（事業対象者の基準①〜⑦）, eligible, missing。"
        "c1〜c7 と eligible は 1 / 0 / -（判定不能: 未回答の項目しだいで結果が変わる）。"
        "項目12は BMI 18.5 未満（10進で厳密に計算）。⑤は項目16のみ。band は 25項目合計による研究上の区分"
        "（Satake 2016: 0〜3 robust, 4〜7 prefrail, 8以上 frail）。合計は未回答があれば -。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        score = sub.add_parser("score", help="ファイルを採点する")
        score.add_argument("input", metavar="INPUT", help="CSV（UTF-8 / Shift_JIS）または XLSX")
        score.add_argument("--format", choices=("csv", "json"), default="csv")
        score.add_argument("-o", "--output", metavar="OUT")
        score.add_argument("--rules", default=KCL, help="判定ルール名または YAML ファイル")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ruleset = cli.load_ruleset(options["rules"])
            prepared = cli.read_answers(
                options["input"], instrument(ruleset.instrument), limits=upload_limits()
            )
        except (cli.InputError, TableError, RuleSetError) as exc:
            raise CommandError(str(exc)) from None
        result = kcl_score(prepared.frame, ruleset)
        if options["format"] == "csv":  # an empty cell, not "", when nothing is missing
            result = result.with_columns(pl.col("missing").replace("", None))
        text_cols = [c for c in COLUMNS if c not in ("id", "missing")]
        self.write_output(
            cli.write_frame(result.select(COLUMNS), options["format"], text_cols), options["output"]
        )
