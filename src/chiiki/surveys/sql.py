"""Compile a rule set to one SQL query, for an engine that spans machines (DuckDB, PostgreSQL…).

Pure: no Django. The same three-valued semantics as :mod:`chiiki.surveys.scoring` (NULL is
undetermined), written as a chain of CTEs: flags, then score ranges and bands, then the
determinations by dependency depth. Tests check it against the Polars engine.
"""

from __future__ import annotations

from fractions import Fraction

from chiiki.surveys.rules import Flag, RuleSet, Score
from chiiki.surveys.scoring import active_determinations, output_columns


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _flag_sql(flag: Flag, columns: set[str]) -> str:
    def col(name: str) -> str:
        return _q(name) if name in columns else "NULL"

    if flag.bmi_threshold is not None:
        t = Fraction(flag.bmi_threshold)
        h = f"CAST(round({col(flag.height)} * 100) AS BIGINT)"
        w = f"CAST(round({col(flag.weight)} * 100) AS BIGINT)"
        op = "<" if flag.bmi_strict else "<="
        return (
            f"CASE WHEN {h} IS NULL OR {w} IS NULL OR {h} <= 0 THEN NULL "
            f"WHEN {w} * {1_000_000 * t.denominator} {op} {t.numerator} * {h} * {h} THEN 1 ELSE 0 END"
        )
    item = col(flag.item)
    answers = ", ".join(str(a) for a in flag.answers)
    return f"CASE WHEN {item} IS NULL THEN NULL WHEN {item} IN ({answers}) THEN 1 ELSE 0 END"


def _known(refs: tuple[str, ...]) -> str:
    return " + ".join(f"COALESCE({_q(r)}, 0)" for r in refs)


def _missing(refs: tuple[str, ...]) -> str:
    return " + ".join(f"CASE WHEN {_q(r)} IS NULL THEN 1 ELSE 0 END" for r in refs)


def _band_sql(score: Score, value: str) -> str:
    whens = " ".join(f"WHEN {value} >= {b.min} THEN '{b.label}'" for b in score.bands)
    return f"CASE {whens} END"


def compile_sql(
    ruleset: RuleSet, table: str, columns: set[str], keep: list[str] | None = None
) -> str:
    """One SELECT that scores every row of ``table`` (whose item columns are ``columns``)."""
    keep = [c for c in (keep or []) if c in columns]
    kept = "".join(f"{_q(c)}, " for c in keep)
    ctes = [
        "flags AS (SELECT "
        + kept
        + ", ".join(f"{_flag_sql(f, columns)} AS {_q(fid)}" for fid, f in ruleset.flags.items())
        + f" FROM {_q(table)})"
    ]
    prev = "flags"
    if ruleset.scores:
        parts = []
        for s in ruleset.scores:
            k, m = _known(s.items), _missing(s.items)
            parts += [
                f"CASE WHEN ({m}) = 0 THEN {k} END AS {_q(s.id)}",
                f"{k} AS {_q('__' + s.id + '_min')}",
                f"({k}) + ({m}) AS {_q('__' + s.id + '_max')}",
            ]
        ctes.append(f"scores AS (SELECT *, {', '.join(parts)} FROM {prev})")
        bands = []
        for s in ruleset.scores:
            if s.bands:
                low = _band_sql(s, _q("__" + s.id + "_min"))
                high = _band_sql(s, _q("__" + s.id + "_max"))
                bands.append(
                    f"CASE WHEN {low} = {high} THEN {low} END AS {_q(s.band_name or s.id + '_band')}"
                )
        ctes.append(f"bands AS (SELECT *{''.join(', ' + b for b in bands)} FROM scores)")
        prev = "bands"
    depth: dict[str, int] = {}
    for det in ruleset.determinations:
        depth[det.id] = 1 + max((depth.get(r, 0) for r in det.rule.refs), default=0)
    for level in sorted(set(depth.values())):
        parts = []
        for det in ruleset.determinations:
            if depth[det.id] != level:
                continue
            rule = det.rule
            if rule.score:
                low, high = _q("__" + rule.score + "_min"), _q("__" + rule.score + "_max")
                if rule.at_most is not None:
                    yes, no = f"{high} <= {rule.at_most}", f"{low} > {rule.at_most}"
                else:
                    yes, no = f"{low} >= {rule.at_least}", f"{high} < {rule.at_least}"
            else:
                k, m = _known(rule.refs), _missing(rule.refs)
                yes, no = f"({k}) >= {rule.at_least}", f"({k}) + ({m}) < {rule.at_least}"
            parts.append(f"CASE WHEN {yes} THEN 1 WHEN {no} THEN 0 END AS {_q(det.id)}")
        name = f"d{level}"
        ctes.append(f"{name} AS (SELECT *, {', '.join(parts)} FROM {prev})")
        prev = name
    wanted = set(active_determinations(ruleset, columns))
    outputs = [
        c
        for c in output_columns(ruleset, columns)
        if c in wanted or c not in ruleset.determination_ids
    ]
    return (
        "WITH "
        + ",\n".join(ctes)
        + f"\nSELECT {kept}{', '.join(_q(c) for c in outputs)} FROM {prev}"
    )
