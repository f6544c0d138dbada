"""``chiiki indicators project``: the projection to 2040 from the latest population table."""

from __future__ import annotations

import argparse
import csv
import io
import math
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import CommandError

from chiiki.core.tabular import safe_cell
from chiiki.indicators import projection as engine

NAME = "project"
HELP = (
    "最新の人口表（男女・5歳階級）を2040年まで進め、認定者・給付費と、予防で認定率を"
    "下げたときの第1号保険料の推計を出す"
)
MAX_REDUCTION_PERCENT = 50


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--municipality", metavar="CODE", help="地方公共団体コード")
    parser.add_argument(
        "--reduction",
        type=float,
        default=0.0,
        metavar="PERCENT",
        help=f"認定率の相対的な引き下げ（%%、0〜{MAX_REDUCTION_PERCENT}。既定 0）",
    )
    parser.add_argument(
        "--from-age",
        type=int,
        choices=engine.CERT_BANDS,
        default=75,
        help="引き下げる年齢（この年齢以上。既定 75）",
    )
    parser.add_argument(
        "--births",
        choices=engine.BIRTHS,
        default="cwr",
        help="0〜4歳: cwr 子ども女性比を保つ（既定）、flat 今の人数のまま、none 出生なし",
    )
    parser.add_argument(
        "--rates",
        choices=("approx", "register"),
        default="approx",
        help="認定率: approx おおよその全国値（既定）、register 人の記録から",
    )
    parser.add_argument("--cost", type=int, metavar="YEN", help="認定者1人あたり給付費（円/年）")
    parser.add_argument("--premium", type=int, metavar="YEN", help="今の第1号保険料（円/月）")
    parser.add_argument("--until", type=int, default=engine.DEFAULT_UNTIL, help="推計の終わりの年")
    parser.add_argument(
        "--assumptions",
        metavar="FILE",
        help="前提のYAML（survival, births, certification, cost, premium, migration の項を差し替え）",
    )
    parser.add_argument("--format", choices=("json", "csv"), default="json")
    parser.add_argument("-o", "--output", metavar="OUT", help="出力ファイル（省略時は標準出力）")


def _override(path: str | None) -> dict[str, Any] | None:
    if not path:
        return None
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CommandError(f"前提のファイル「{path}」を読めません: {exc}") from exc
    if not isinstance(data, dict):
        raise CommandError(f"前提のファイル「{path}」は項目名と値の表（YAML）にしてください")
    return data


def run(command: Any, options: dict[str, Any]) -> None:
    from chiiki.indicators.selectors import projection as selectors

    reduction = options["reduction"]
    if not math.isfinite(reduction) or not 0 <= reduction <= MAX_REDUCTION_PERCENT:
        raise CommandError(
            f"--reduction は0〜{MAX_REDUCTION_PERCENT}（%）です（{reduction:g}）:"
            " 負の値や、根拠のない大きな引き下げは使えません"
        )
    municipality = command.municipality(options["municipality"])
    try:
        defaults = engine.read_defaults(override=_override(options["assumptions"]))
        base = selectors.latest_population(municipality=municipality)
        if base is None:
            raise CommandError(f"{municipality.name}の人口表がないため推計できません")
        rates = defaults.rates
        if options["rates"] == "register":
            own = selectors.register_rates(user=None, municipality=municipality, base=base).rates
            if own is None:
                raise CommandError("人の記録から認定率を出せない年齢階級があります")
            rates = own
        a = defaults.assumptions
        result = engine.project(
            base.pyramid,
            base.date.year,
            assumptions=engine.Assumptions(
                survival=a.survival,
                births=options["births"],
                mother_bands=a.mother_bands,
                sex_ratio=a.sex_ratio,
                migration=a.migration,
                source=a.source,
            ),
            rates=rates,
            money=engine.Money(
                options["cost"] or defaults.cost_per_certified,
                options["premium"] or defaults.premium_today,
                defaults.first_insured_share,
            ),
            scenario=engine.Scenario(reduction / 100, options["from_age"]),
            until=options["until"],
        )
    except engine.ProjectionError as exc:
        raise CommandError(str(exc)) from exc
    if options["format"] == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerows([safe_cell(c) for c in row] for row in engine.summary_rows(result))
        command.write_output(out.getvalue().encode("utf-8-sig"), options["output"])
        return
    data = {
        "municipality": {"code": municipality.code, "name": municipality.name},
        "base_date": base.date.isoformat(),
        "from_districts": base.from_districts,
        "missing_bands": base.missing,
        "rates_source": options["rates"],
        **result.as_dict(),
        "sources": defaults.sources,
        "summary": engine.summary_lines(result),
    }
    command.write_output(command.to_json(data), options["output"])
