"""Shared plumbing of the ``kcl`` and ``survey`` commands: read, map, check, write.

Pure: no Django. The commands stay thin over these functions, and the web upload and API
use the same reader and checker, so a file behaves the same wherever it is given.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import yaml

from chiiki.core.tabular import Limits, check_size
from chiiki.surveys import answers
from chiiki.surveys.rules import (
    Instrument,
    RuleSet,
    RuleSetError,
    builtin_ruleset,
    instrument,
    ruleset_from_yaml,
)
from chiiki.surveys.scoring import UNDETERMINED


class InputError(ValueError):
    """Bad input: the message lists every bad cell with its row, column and what was expected."""


def load_ruleset(name_or_path: str) -> RuleSet:
    """A built-in rule set by name, or a YAML file (a municipality's own edited rule set)."""
    path = Path(name_or_path)
    if path.suffix.lower() in {".yaml", ".yml"}:
        if not path.exists():
            raise RuleSetError(f"判定ルールのファイル {name_or_path} がありません")
        return ruleset_from_yaml(path.read_text(encoding="utf-8"))
    return builtin_ruleset(name_or_path)


def load_mapping(path: str | None) -> dict[str, str]:
    """A column mapping file: YAML/JSON ``{header: item}`` or a CSV with columns header,item."""
    if not path:
        return {}
    p = Path(path)
    raw = p.read_bytes()
    text = raw.decode("utf-8-sig") if raw[:3] == b"\xef\xbb\xbf" else _decode(raw)
    if p.suffix.lower() == ".csv":
        rows = list(csv.reader(io.StringIO(text)))
        if rows and [c.strip().lower() for c in rows[0][:2]] == ["header", "item"]:
            rows = rows[1:]
        return {r[0].strip(): r[1].strip() for r in rows if len(r) >= 2 and r[0].strip()}
    data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    if not isinstance(data, dict):
        raise InputError(f"{path}: 列の対応づけは「見出し: 項目」の形で書いてください")
    return {str(k): str(v) for k, v in data.items()}


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp932")


def read_answers(
    path: str,
    inst: Instrument,
    saved: dict[str, str] | None = None,
    required: tuple[str, ...] = ("id",),
    limits: Limits | None = None,
) -> answers.Prepared:
    """Read, map and check an answer file; raise InputError listing every bad cell."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"ファイル {path} がありません")
    check_size(p.stat().st_size, limits)
    frame, _encoding = answers.read_frame(p.read_bytes(), p.name, limits)
    mapping = answers.auto_mapping(frame.columns, inst, saved)
    item_ids = {item.id for item in inst.items}
    if not item_ids & set(mapping.values()):
        # Not one question of the instrument: the wrong file, not a file of blank answers.
        example = "、".join(item.id for item in inst.items[:3])
        raise InputError(
            f"{p.name} には{inst.name}の設問に当たる列が1つもありません"
            f"（見出しの例: {example}）。ファイルか --mapping を確かめてください"
        )
    prepared = answers.prepare(frame, mapping, inst, required=required)
    if not prepared.ok:
        lines = [e.message for e in prepared.errors]
        more = prepared.error_count - len(prepared.errors)
        if more > 0:
            lines.append(f"ほか {more} 件")
        raise InputError(
            f"{prepared.error_count} 件の誤りがあります（何も出力していません）:\n"
            + "\n".join(lines)
        )
    return prepared


def write_frame(frame: pl.DataFrame, fmt: str, text_columns: list[str]) -> bytes:
    """CSV (UTF-8) or JSON with 1/0/- as the contract says; Parquet keeps nulls for undetermined."""
    if fmt == "parquet":
        buf = io.BytesIO()
        frame.write_parquet(buf)
        return buf.getvalue()
    if fmt == "json":
        rows = frame.to_dicts()
        for row in rows:
            for c in text_columns:
                if c in row and row[c] is None:
                    row[c] = UNDETERMINED
        return (json.dumps(rows, ensure_ascii=False, indent=1) + "\n").encode()
    out = frame.with_columns(
        [
            pl.col(c).cast(pl.String).fill_null(UNDETERMINED)
            for c in text_columns
            if c in frame.columns
        ]
    )
    return out.write_csv().encode()


def instrument_for(ruleset: RuleSet) -> Instrument:
    return instrument(ruleset.instrument)
