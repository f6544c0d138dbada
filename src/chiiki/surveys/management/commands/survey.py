"""``chiiki survey score|aggregate …``: the needs survey from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import CommandError, CommandParser

from chiiki.core.tabular import TableError, check_size
from chiiki.core.uploads import upload_limits
from chiiki.surveys import cli, rules, selectors, services
from chiiki.surveys.aggregate import age_band_expr, aggregate
from chiiki.surveys.rules import NEEDS_DEFAULT, RuleSet, RuleSetError, builtin_rulesets
from chiiki.surveys.scoring import active_determinations, output_columns, score
from chiiki.surveys.sql import compile_sql
from chiiki.web.commands import ChiikiCommand

META = ["id", "insured_number", "life_area", "district", "sex", "age", "age_band", "method"]


class Command(ChiikiCommand):
    help = (
        "介護予防・日常生活圏域ニーズ調査を判定・集計します。"
        "score INPUT: 回答者ごとに各リスク 1 / 0 / -（判定不能）と IADL 得点・区分。"
        "aggregate INPUT --by life_area,sex,age_band: 集団ごとに回答者数、リスクごとの該当率と95%信頼区間（Wilson）、"
        "判定不能の数（分母から除く）。回答者 --suppress 人未満の集団は数値を伏せます。"
        f"判定ルールは --rules（既定 {NEEDS_DEFAULT}: 暫定）。使えるもの: {', '.join(builtin_rulesets())}、"
        "または YAML ファイル。すべての出力に使用した判定ルール名と版を記します（CSV は rule_set 列）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        s = sub.add_parser("score", help="回答者ごとに判定する")
        s.add_argument("input", metavar="INPUT")
        s.add_argument("--format", choices=("csv", "json", "parquet"), default="csv")
        a = sub.add_parser("aggregate", help="圏域・性別・年齢階級などで集計する")
        a.add_argument("input", metavar="INPUT", help="回答ファイル、または survey score の出力")
        a.add_argument(
            "--by",
            default="life_area,sex,age_band",
            help="集計する列（life_area, district, sex, age_band をカンマ区切り）",
        )
        a.add_argument(
            "--suppress", type=int, default=10, help="この人数未満の集団を伏せる（既定 10）"
        )
        a.add_argument("--format", choices=("csv", "json", "parquet"), default="csv")
        for p in (s, a):
            p.add_argument(
                "--rules", default=NEEDS_DEFAULT, help="判定ルール名または YAML ファイル"
            )
            p.add_argument(
                "--mapping",
                metavar="FILE",
                help="列の対応づけ（YAML/JSON: 見出し: 項目、または CSV）",
            )
            p.add_argument("-o", "--output", metavar="OUT")
        i = sub.add_parser(
            "import", help="回答をデータベースの調査に取り込む（全件成功時のみ・冪等）"
        )
        i.add_argument("input", metavar="INPUT")
        i.add_argument("--survey", type=int, required=True, metavar="ID", help="調査の番号")
        i.add_argument("--mapping", metavar="FILE", help="列の対応づけ（保存済みの対応づけに追加）")
        q = sub.add_parser("sql", help="判定ルールを1つの SQL 問い合わせに変換して表示する")
        q.add_argument("--rules", default=NEEDS_DEFAULT, help="判定ルール名または YAML ファイル")
        q.add_argument("--table", default="answers", help="回答の表の名前（列は項目 id）")
        m = sub.add_parser("mailing", help="発送名簿（被保険者番号の列）を取り込む")
        m.add_argument("input", metavar="INPUT")
        m.add_argument("--survey", type=int, required=True, metavar="ID")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] in ("import", "mailing"):
            self._import(options)
            return
        if options["subcommand"] == "sql":
            try:
                ruleset = cli.load_ruleset(options["rules"])
            except RuleSetError as exc:
                raise CommandError(str(exc)) from None
            columns = set(rules.instrument(ruleset.instrument).item_ids) | {"id"}
            self.stdout.write(
                f"-- {ruleset.ref}\n" + compile_sql(ruleset, options["table"], columns, keep=["id"])
            )
            return
        try:
            ruleset = cli.load_ruleset(options["rules"])
            if options["subcommand"] == "score":
                frame, scored_cols = self._score(options, ruleset)
                data = cli.write_frame(frame, options["format"], scored_cols)
            else:
                data = self._aggregate(options, ruleset)
        except (cli.InputError, TableError, RuleSetError, OSError) as exc:
            raise CommandError(str(exc)) from None
        except pl.exceptions.PolarsError as exc:  # a scored file read as it is, not checked
            raise CommandError(
                f"{options['input']} を読めません（{str(exc).splitlines()[0]}）"
            ) from None
        self.write_output(data, options["output"])

    def _import(self, options: dict[str, Any]) -> None:
        """Same files and same checks as the web upload; the system user is recorded as (system)."""
        survey = selectors.survey_for_system(survey_id=options["survey"])
        if survey is None:
            raise CommandError(f"調査 {options['survey']} はありません")
        path = Path(options["input"])
        if not path.exists():
            raise CommandError(f"ファイル {path} がありません")
        try:
            check_size(path.stat().st_size, upload_limits())
        except TableError as exc:
            raise CommandError(f"{path.name}: {exc}（何も取り込んでいません）") from None
        if options["subcommand"] == "mailing":
            result = services.mailing_import(
                user=None, survey=survey, data=path.read_bytes(), filename=path.name
            )
        else:
            result = services.survey_import(
                user=None,
                survey=survey,
                data=path.read_bytes(),
                filename=path.name,
                extra_mapping=cli.load_mapping(options.get("mapping")),
                channel="cli",
            )
        if not result.ok:
            lines = [e.message for e in result.errors]
            raise CommandError(
                f"{result.error_count} 件の誤りがあります（何も取り込んでいません）:\n"
                + "\n".join(lines)
            )
        self.stdout.write(
            f"{survey.name}: 新規 {result.created} 件、更新 {result.updated} 件、変更なし {result.unchanged} 件"
            f"（判定ルール {survey.ruleset_ref}）"
        )

    def _score(self, options: dict[str, Any], ruleset: RuleSet) -> tuple[pl.DataFrame, list[str]]:
        prepared = cli.read_answers(
            options["input"],
            cli.instrument_for(ruleset),
            cli.load_mapping(options["mapping"]),
            limits=upload_limits(),
        )
        frame = prepared.frame
        if "age" in frame.columns:
            frame = frame.with_columns(age_band_expr(pl.col("age")).alias("age_band"))
        scored = score(frame, ruleset, keep=[c for c in META if c in frame.columns])
        outputs = output_columns(ruleset, set(frame.columns))
        return scored.with_columns(pl.lit(ruleset.ref).alias("rule_set")), outputs

    def _aggregate(self, options: dict[str, Any], ruleset: RuleSet) -> bytes:
        by = [b.strip() for b in options["by"].split(",") if b.strip()]
        path = Path(options["input"])
        already = None
        if path.suffix.lower() == ".parquet":
            already = pl.read_parquet(path)
        else:
            head = (
                pl.read_csv(path, n_rows=0, infer_schema=False).columns
                if path.suffix.lower() == ".csv"
                else []
            )
            if "rule_set" in head:  # the output of `survey score`
                already = pl.read_csv(path, infer_schema=False, null_values=["-", ""])
        if already is not None:
            risks = [d for d in ruleset.determination_ids if d in already.columns]
            scored = already.with_columns([pl.col(r).cast(pl.Int8) for r in risks])
        else:
            scored, _ = self._score(options, ruleset)
            risks = active_determinations(ruleset, set(scored.columns))
        if "age_band" in by and "age_band" not in scored.columns and "age" in scored.columns:
            scored = scored.with_columns(
                age_band_expr(pl.col("age").cast(pl.Int16)).alias("age_band")
            )
        missing = [b for b in by if b not in scored.columns]
        if missing:
            raise cli.InputError(
                f"集計する列 {', '.join(missing)} がファイルにありません（列: {', '.join(scored.columns)}）"
            )
        result = aggregate(scored, by, risks, suppress=options["suppress"]).with_columns(
            pl.lit(ruleset.ref).alias("rule_set")
        )
        if options["format"] == "parquet":
            return cli.write_frame(result, "parquet", [])
        return cli.write_frame(result, options["format"], [])
