"""``chiiki indicators grant``: the grant's self-assessment of a year as JSON, CSV or XLSX,
or a check of an indicator file before it is shipped."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from chiiki.indicators.grant import selectors, sheet
from chiiki.indicators.grant.catalog import CatalogError, parse_text

NAME = "grant"
HELP = (
    "保険者機能強化推進交付金の自己評価を出力します（--year 年度、4月始まり）。"
    "--check FILE は評価指標のYAMLを検査します（知らないキー・重複したID・出典のない指標を拒否）"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--municipality", metavar="CODE", help="地方公共団体コード")
    parser.add_argument(
        "--year", type=int, metavar="YYYY", help="年度（西暦。2024 = 2024年4月〜2025年3月）"
    )
    parser.add_argument("--check", metavar="FILE", help="評価指標のYAMLを検査するだけ")
    parser.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
    parser.add_argument("-o", "--output", metavar="OUT", help="出力ファイル（省略時は標準出力）")


def _check(command: Any, path: str) -> None:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"「{path}」を読めません: {exc}") from exc
    try:
        found = parse_text(text, version=p.stem)
    except CatalogError as exc:
        raise CommandError(f"{p.name}: {exc}") from exc
    command.write_output(
        command.to_json(
            {
                "version": found.version,
                "fiscal_year": found.fiscal_year,
                "categories": [c.id for c in found.categories],
                "indicators": [i.id for i in found.indicators],
                "uncertain": [i.id for i in found.indicators if not i.certain],
            }
        ),
        None,
    )


def as_dict(view: selectors.YearView) -> dict[str, Any]:
    return {
        "municipality": view.municipality.code,
        "fiscal_year": view.fiscal_year,
        "version": view.catalog.version,
        "indicators": [
            {
                "id": r.indicator.id,
                "category": r.indicator.category.id,
                "text": r.indicator.text,
                "points": r.indicator.points,
                "certain": r.indicator.certain,
                "answer": r.answer.answer if r.answer else None,
                "evidence": [
                    {"kind": e.kind, "id": e.record_id, "label": e.label, "on": e.on}
                    for e in (r.answer.evidence if r.answer else ())
                ],
                "flag": r.flag,
            }
            for r in view.rows
        ],
        "flagged": len(view.flagged),
    }


def run(command: Any, options: dict[str, Any]) -> None:
    if options.get("check"):
        _check(command, options["check"])
        return
    year = options.get("year")
    if year is None or not 2000 <= year <= 2100:
        raise CommandError("--year に 2000〜2100 の年度を指定してください")
    municipality = command.municipality(options.get("municipality"))
    view = selectors.year_of(municipality=municipality, fiscal_year=year)
    fmt = options["format"]
    if fmt == "xlsx":
        data: str | bytes = sheet.xlsx_bytes(
            view.catalog, view.rows, municipality=municipality.name, fiscal_year=year
        )
    elif fmt == "csv":
        data = sheet.csv_bytes(view.rows)
    else:
        data = command.to_json(as_dict(view))
    command.write_output(data, options.get("output"))
