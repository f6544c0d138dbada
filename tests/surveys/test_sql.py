"""The rule sets compiled to SQL give exactly what the Polars engine gives (checked on DuckDB)."""

from __future__ import annotations

import random

import duckdb
import polars as pl
import pytest

from chiiki.surveys import rules, scoring
from chiiki.surveys.sql import compile_sql


def random_frame(ruleset: rules.RuleSet, n: int, seed: int) -> pl.DataFrame:
    rng = random.Random(seed)
    inst = rules.instrument(ruleset.instrument)
    data: dict[str, list] = {"id": [str(i) for i in range(n)]}
    schema: dict = {"id": pl.String}
    for item in inst.items:
        if item.kind == "number":
            lo, hi = (140, 180) if "height" in item.id else (35, 80)
            data[item.id] = [
                None if rng.random() < 0.1 else round(rng.uniform(lo, hi), rng.choice([0, 1, 2]))
                for _ in range(n)
            ]
            schema[item.id] = pl.Float64
        else:
            data[item.id] = [
                None if rng.random() < 0.1 else rng.choice(list(item.options)) for _ in range(n)
            ]
            schema[item.id] = pl.Int8
    # the BMI boundary itself, both ways
    data["height_cm"][0], data["weight_kg"][0] = 160.0, 47.36
    data["height_cm"][1], data["weight_kg"][1] = 160.0, 47.35
    return pl.DataFrame(data, schema=schema)


@pytest.mark.parametrize("name", sorted(rules.builtin_rulesets()))
def test_the_compiled_sql_agrees_with_the_engine_row_by_row(name):
    ruleset = rules.builtin_ruleset(name)
    frame = random_frame(ruleset, 3000, seed=len(name))
    ours = scoring.score(frame, ruleset, keep=["id"])
    con = duckdb.connect()
    con.register("answers", frame.to_arrow())
    theirs = pl.from_arrow(
        con.sql(compile_sql(ruleset, "answers", set(frame.columns), keep=["id"])).to_arrow_table()
    )
    assert theirs.columns == ours.columns
    cast = [pl.col(c).cast(ours.schema[c]) for c in ours.columns]
    assert theirs.select(cast).sort("id").equals(ours.sort("id"))


def test_the_cli_prints_the_compiled_query_naming_the_rule_set(capsys):
    from django.core.management import call_command

    call_command("survey", "sql", "--rules", "needs_default")
    out = capsys.readouterr().out
    assert out.startswith("-- needs_default 2026.1（provisional）") and "SELECT" in out
