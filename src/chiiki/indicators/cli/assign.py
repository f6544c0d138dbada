"""``chiiki indicators assign FILE --staff N``: districts to staff, the heaviest load least.

FILE is CSV (UTF-8 with or without a BOM, or Shift_JIS) or XLSX with the columns 地区, 圏域
and 高齢者数, and 高リスク者数 when ``--risk-weight W`` is given (load = 高齢者数 + W ×
高リスク者数). ``--within-life-area`` keeps each staff member's districts in one 圏域. With
``--format json`` it prints ``{"staff": N, "max_load": X, "groups": [{"staff": 1,
"districts": [...], "load": X}, ...]}``; the text output adds the greedy baseline's heaviest
load. A bad file prints ``{"errors": [...]}`` (each with its row and column) and fails.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from chiiki.core.params import ParamError, parse_int
from chiiki.core.tabular import TableError, read_path
from chiiki.core.uploads import upload_limits
from chiiki.imports.runners import cell, file_error
from chiiki.indicators import assignment as engine
from chiiki.web.commands import ChiikiCommand

NAME = "assign"
HELP = (
    "地区担当制: 地区を担当者N人に割り当て、最も重い担当の負担（高齢者数 + 重み×高リスク者数）を"
    "最小にする（混合整数計画で厳密に。貪欲法の結果も表示）。"
    "FILE は CSV または XLSX（列: 地区, 圏域, 高齢者数, 任意で 高リスク者数）"
)


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--staff", metavar="N", required=True, help="担当者の人数（1〜100）")
    parser.add_argument(
        "--within-life-area", action="store_true", help="各担当者の地区を1つの圏域内に限る"
    )
    parser.add_argument(
        "--risk-weight", metavar="W", help="高リスク者1人の重み（0〜100、小数点以下3桁まで）"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(command: ChiikiCommand, options: dict[str, Any]) -> None:
    as_json = options["format"] == "json"
    try:
        staff = parse_int(options["staff"], name="--staff", minimum=1, maximum=engine.MAX_STAFF)
    except ParamError as exc:
        raise CommandError(f"--staff は{exc.expected}（入力: {options['staff']}）") from exc
    try:
        weight = engine.parse_weight(options.get("risk_weight"))
    except engine.AssignmentError as exc:
        raise CommandError(str(exc)) from exc
    path = options["file"]
    try:
        table = read_path(path, upload_limits())
        districts = engine.read_districts(table, with_risk=options.get("risk_weight") is not None)
    except TableError as exc:
        _errors(command, as_json, [file_error(Path(path).name, exc)])
        raise CommandError(f"{path} を読めません: {exc}") from exc
    except OSError as exc:
        raise CommandError(f"{path}: ファイルを読めません（{exc.strerror}）") from exc
    except engine.DistrictFileError as exc:
        _errors(command, as_json, [cell(f) for f in exc.errors])
        raise CommandError(f"{path} に誤りがあります（{exc.count:,} 件）:\n{exc}") from exc
    within = options["within_life_area"]
    try:
        result = engine.assign(districts, staff, weight=weight, within_life_area=within)
        base = engine.greedy(districts, staff, weight=weight, within_life_area=within)
    except engine.AssignmentError as exc:
        raise CommandError(str(exc)) from exc
    if not result.proven:
        command.stderr.write(
            "注意: 計算の時間の上限までに最適であることを証明できませんでした"
            "（示すのはそれまでに見つかった最もよい割り当てです）"
        )
    if as_json:
        command.write_output(command.to_json(result.as_json()), None)
        return
    command.write_output(text(result, base, districts, weight), None)


def _errors(command: ChiikiCommand, as_json: bool, errors: list[dict[str, Any]]) -> None:
    if as_json:
        command.stdout.write(json.dumps({"errors": errors}, ensure_ascii=False))


def text(
    result: engine.Assignment,
    base: engine.Assignment,
    districts: list[engine.District],
    weight: Any,
) -> str:
    """The load table a person reads in a terminal, with the greedy's heaviest load."""
    lines = [
        f"担当者 {result.staff}人、地区 {len(districts)}か所"
        + (
            f"（負担 = 高齢者数 + {engine.shown(weight)} × 高リスク者数）"
            if weight
            else "（負担 = 高齢者数）"
        ),
        f"最も重い担当の負担: {engine.shown(result.max_load)}"
        + ("（最適）" if result.proven else "（最適性は未証明）"),
        f"貪欲法（重い地区から順に最も軽い担当へ）: {engine.shown(base.max_load)}",
        "",
    ]
    for g in result.groups:
        lines.append(
            f"担当{g.staff}  {engine.shown(g.load):>9}  {g.life_area}: {'、'.join(g.districts)}"
        )
    return "\n".join(lines)
