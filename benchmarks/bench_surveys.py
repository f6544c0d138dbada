"""Needs-survey engine at national scale: 1,000,000 synthetic respondents.

Measures, on this machine, in one run:
1. reading the CSV (UTF-8 and cp932) into text columns, then checking and converting every
   cell to item codes (the import path: every bad cell would be reported);
2. scoring every determination of the default rule set, undetermined logic included, and
   aggregating by life area × sex × 5-year age band (the engine: rule set compiled to Polars);
3. the same rules written by hand as one DuckDB SQL query over the same in-memory data, and
   as a plain Python per-row loop (on a subsample, extrapolated);
4. peak memory of the process.

Targets (issue 3): scoring + aggregation < 0.5 s; reading < 2 s (UTF-8) and < 4 s (cp932);
peak < 3 GB; within 1.5× of DuckDB; at least 50× faster than the loop.

Run: ``CHIIKI_TESTING=1 .venv/bin/python benchmarks/bench_surveys.py [N]``. No database.
"""

from __future__ import annotations

import resource
import sys
import time

import duckdb
import numpy as np
import polars as pl

from chiiki.surveys import aggregate, answers, rules, scoring
from chiiki.surveys.sql import compile_sql

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
LOOP_SAMPLE = 50_000
MISSING = 0.02
AREAS = ["中央圏域", "東部圏域", "北部圏域", "南部圏域"]
BY = ["life_area", "sex", "age_band"]


def synthetic(n: int, seed: int = 2018) -> pl.DataFrame:
    """Answer sheets as a municipality's file would have them: text cells, some blank."""
    rng = np.random.default_rng(seed)
    age = rng.integers(65, 100, n)
    old = (age - 65) / 35  # risk rises with age
    cols: dict[str, np.ndarray] = {
        "回答者ID": np.char.add("R", np.arange(n).astype(str)),
        "圏域": np.array(AREAS)[rng.integers(0, 4, n)],
        "性別": np.where(rng.random(n) < 0.45, "男", "女"),
        "年齢": age.astype(str),
    }

    def choice(p_risk: np.ndarray, risk: list[str], other: list[str]) -> np.ndarray:
        hit = rng.random(n) < p_risk
        return np.where(
            hit,
            np.array(risk)[rng.integers(0, len(risk), n)],
            np.array(other)[rng.integers(0, len(other), n)],
        )

    for q in ("問2(1)", "問2(2)", "問2(3)"):
        cols[q] = choice(0.05 + 0.3 * old, ["3"], ["1", "2"])
    cols["問2(4)"] = choice(0.2 + 0.2 * old, ["1", "2"], ["3"])
    cols["問2(5)"] = choice(0.3 + 0.3 * old, ["1", "2"], ["3", "4"])
    cols["問2(6)"] = choice(0.1 + 0.2 * old, ["1", "2"], ["3", "4"])
    cols["問3(1)身長"] = np.round(rng.normal(155, 8, n), 1).astype(str)
    cols["問3(1)体重"] = np.round(np.clip(rng.normal(55, 9, n), 30, 120), 1).astype(str)
    for q in ("問3(2)", "問3(3)", "問3(4)"):
        cols[q] = choice(0.2 + 0.15 * old, ["1"], ["2"])
    cols["問3(7)"] = choice(0.08 + 0.05 * old, ["1"], ["2"])
    cols["問4(1)"] = choice(0.35 + 0.2 * old, ["1"], ["2"])
    for q in ("問4(2)", "問4(3)", "問4(4)", "問4(5)", "問4(6)"):
        cols[q] = choice(0.9 - 0.3 * old, ["1", "2"], ["3"])
    cols["問7(3)"] = choice(0.3, ["1"], ["2"])
    cols["問7(4)"] = choice(0.2, ["1"], ["2"])
    frame = pl.DataFrame(cols)
    items = [c for c in frame.columns if c.startswith("問")]
    return frame.with_columns(
        [
            pl.when(pl.Series(rng.random(n) < MISSING)).then(None).otherwise(pl.col(c)).alias(c)
            for c in items
        ]
    )


def best(fn, repeat: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


DUCKDB_SQL = """
WITH f AS (
  SELECT life_area, sex,
    CASE WHEN age < 70 THEN '65-69' WHEN age < 75 THEN '70-74' WHEN age < 80 THEN '75-79'
         WHEN age < 85 THEN '80-84' WHEN age < 90 THEN '85-89' ELSE '90+' END AS age_band,
    CASE WHEN stairs IS NULL THEN NULL WHEN stairs = 3 THEN 1 ELSE 0 END AS f1,
    CASE WHEN chair_stand IS NULL THEN NULL WHEN chair_stand = 3 THEN 1 ELSE 0 END AS f2,
    CASE WHEN walk_15min IS NULL THEN NULL WHEN walk_15min = 3 THEN 1 ELSE 0 END AS f3,
    CASE WHEN falls IS NULL THEN NULL WHEN falls IN (1, 2) THEN 1 ELSE 0 END AS f4,
    CASE WHEN fall_anxiety IS NULL THEN NULL WHEN fall_anxiety IN (1, 2) THEN 1 ELSE 0 END AS f5,
    CASE WHEN outings_weekly IS NULL THEN NULL WHEN outings_weekly IN (1, 2) THEN 1 ELSE 0 END AS f6,
    CASE WHEN height_cm IS NULL OR weight_kg IS NULL THEN NULL
         WHEN CAST(round(weight_kg * 100) AS BIGINT) * 2000000
              < 37 * CAST(round(height_cm * 100) AS BIGINT) * CAST(round(height_cm * 100) AS BIGINT) THEN 1 ELSE 0 END AS bmi,
    CASE WHEN weight_loss IS NULL THEN NULL WHEN weight_loss = 1 THEN 1 ELSE 0 END AS wl,
    CASE WHEN hard_food IS NULL THEN NULL WHEN hard_food = 1 THEN 1 ELSE 0 END AS o1,
    CASE WHEN choking IS NULL THEN NULL WHEN choking = 1 THEN 1 ELSE 0 END AS o2,
    CASE WHEN dry_mouth IS NULL THEN NULL WHEN dry_mouth = 1 THEN 1 ELSE 0 END AS o3,
    CASE WHEN forgetful IS NULL THEN NULL WHEN forgetful = 1 THEN 1 ELSE 0 END AS cog,
    CASE WHEN mood_low IS NULL THEN NULL WHEN mood_low = 1 THEN 1 ELSE 0 END AS d1,
    CASE WHEN no_interest IS NULL THEN NULL WHEN no_interest = 1 THEN 1 ELSE 0 END AS d2,
    CASE WHEN iadl_bus IS NULL THEN NULL WHEN iadl_bus IN (1, 2) THEN 1 ELSE 0 END AS i1,
    CASE WHEN iadl_shopping IS NULL THEN NULL WHEN iadl_shopping IN (1, 2) THEN 1 ELSE 0 END AS i2,
    CASE WHEN iadl_meals IS NULL THEN NULL WHEN iadl_meals IN (1, 2) THEN 1 ELSE 0 END AS i3,
    CASE WHEN iadl_bills IS NULL THEN NULL WHEN iadl_bills IN (1, 2) THEN 1 ELSE 0 END AS i4,
    CASE WHEN iadl_savings IS NULL THEN NULL WHEN iadl_savings IN (1, 2) THEN 1 ELSE 0 END AS i5
  FROM answers
), k AS (
  SELECT life_area, sex, age_band,
    coalesce(f1,0)+coalesce(f2,0)+coalesce(f3,0)+coalesce(f4,0)+coalesce(f5,0) AS mk,
    (f1 IS NULL)::INT+(f2 IS NULL)::INT+(f3 IS NULL)::INT+(f4 IS NULL)::INT+(f5 IS NULL)::INT AS mm,
    f4, f6,
    coalesce(bmi,0)+coalesce(wl,0) AS nk, (bmi IS NULL)::INT+(wl IS NULL)::INT AS nm,
    coalesce(o1,0)+coalesce(o2,0)+coalesce(o3,0) AS ok, (o1 IS NULL)::INT+(o2 IS NULL)::INT+(o3 IS NULL)::INT AS om,
    cog,
    coalesce(d1,0)+coalesce(d2,0) AS dk, (d1 IS NULL)::INT+(d2 IS NULL)::INT AS dm,
    coalesce(i1,0)+coalesce(i2,0)+coalesce(i3,0)+coalesce(i4,0)+coalesce(i5,0) AS ik,
    (i1 IS NULL)::INT+(i2 IS NULL)::INT+(i3 IS NULL)::INT+(i4 IS NULL)::INT+(i5 IS NULL)::INT AS im
  FROM f
), d AS (
  SELECT life_area, sex, age_band,
    CASE WHEN mk >= 3 THEN 1 WHEN mk + mm < 3 THEN 0 END AS motor,
    f4 AS fall, f6 AS withdrawal,
    CASE WHEN nk >= 2 THEN 1 WHEN nk + nm < 2 THEN 0 END AS nutrition,
    CASE WHEN ok >= 2 THEN 1 WHEN ok + om < 2 THEN 0 END AS oral,
    cog AS cognition,
    CASE WHEN dk >= 1 THEN 1 WHEN dk + dm < 1 THEN 0 END AS depression,
    CASE WHEN ik + im <= 4 THEN 1 WHEN ik > 4 THEN 0 END AS iadl_low
  FROM k
)
SELECT life_area, sex, age_band, count(*) AS respondents,
  sum(motor) AS motor_pos, count(motor) AS motor_det, sum(fall) AS fall_pos, count(fall) AS fall_det,
  sum(withdrawal) AS withdrawal_pos, count(withdrawal) AS withdrawal_det,
  sum(nutrition) AS nutrition_pos, count(nutrition) AS nutrition_det, sum(oral) AS oral_pos, count(oral) AS oral_det,
  sum(cognition) AS cognition_pos, count(cognition) AS cognition_det,
  sum(depression) AS depression_pos, count(depression) AS depression_det,
  sum(iadl_low) AS iadl_low_pos, count(iadl_low) AS iadl_low_det
FROM d GROUP BY ALL
"""


def python_loop(rows: list[dict]) -> dict:
    """The same rules one row at a time, as a script without the engine would do it."""

    def at_least(flags: list, n: int) -> int | None:
        k = sum(1 for f in flags if f == 1)
        m = sum(1 for f in flags if f is None)
        return 1 if k >= n else 0 if k + m < n else None

    def flag(v: object, risk: tuple) -> int | None:
        return None if v is None else int(v in risk)

    out: dict = {}
    for r in rows:
        h, w = r["height_cm"], r["weight_kg"]
        bmi = (
            None
            if h is None or w is None
            else int(round(w * 100) * 2_000_000 < 37 * round(h * 100) ** 2)
        )
        ik = [
            flag(r[c], (1, 2))
            for c in ("iadl_bus", "iadl_shopping", "iadl_meals", "iadl_bills", "iadl_savings")
        ]
        kk, mm = sum(1 for f in ik if f == 1), sum(1 for f in ik if f is None)
        det = {
            "motor": at_least(
                [
                    flag(r["stairs"], (3,)),
                    flag(r["chair_stand"], (3,)),
                    flag(r["walk_15min"], (3,)),
                    flag(r["falls"], (1, 2)),
                    flag(r["fall_anxiety"], (1, 2)),
                ],
                3,
            ),
            "fall": flag(r["falls"], (1, 2)),
            "withdrawal": flag(r["outings_weekly"], (1, 2)),
            "nutrition": at_least([bmi, flag(r["weight_loss"], (1,))], 2),
            "oral": at_least([flag(r[c], (1,)) for c in ("hard_food", "choking", "dry_mouth")], 2),
            "cognition": flag(r["forgetful"], (1,)),
            "depression": at_least([flag(r["mood_low"], (1,)), flag(r["no_interest"], (1,))], 1),
            "iadl_low": 1 if kk + mm <= 4 else 0 if kk > 4 else None,
        }
        age = r["age"]
        band = "90+" if age >= 90 else f"{65 + (age - 65) // 5 * 5}-{65 + (age - 65) // 5 * 5 + 4}"
        key = (r["life_area"], r["sex"], band)
        cell = out.setdefault(key, {"n": 0, **{d: [0, 0] for d in det}})
        cell["n"] += 1
        for d, v in det.items():
            if v is not None:
                cell[d][0] += v
                cell[d][1] += 1
    return out


def main() -> None:
    ruleset = rules.builtin_ruleset(rules.NEEDS_DEFAULT)
    inst = rules.instrument("needs")
    print(f"surveys benchmark: {N:,} synthetic needs-survey respondents, rule set {ruleset.ref}")
    t = time.perf_counter()
    raw = synthetic(N)
    utf8 = raw.write_csv().encode("utf-8")
    sjis = utf8.decode("utf-8").encode("cp932")
    print(
        f"  generated in {time.perf_counter() - t:.1f} s: CSV {len(utf8) / 1e6:.0f} MB (UTF-8), {len(sjis) / 1e6:.0f} MB (cp932)"
    )
    del raw

    figures: dict[str, float] = {}
    for label, data in (("utf-8", utf8), ("cp932", sjis)):
        read_s, (frame, encoding) = best(
            lambda d=data: answers.read_frame(d, "answers.csv"), repeat=2
        )
        mapping = answers.auto_mapping(frame.columns, inst)
        check_s, prepared = best(lambda f=frame, m=mapping: answers.prepare(f, m, inst), repeat=2)
        assert prepared.ok, prepared.errors[:3]
        figures[label] = read_s + check_s
        print(
            f"  read {label:5s} ({encoding}): {read_s:.2f} s + check/convert every cell {check_s:.2f} s "
            f"= {read_s + check_s:.2f} s  (target < {2 if label == 'utf-8' else 4} s)"
        )
    del sjis, utf8
    typed = prepared.frame.drop(answers.ROW).with_columns(
        aggregate.age_band_expr(pl.col("age")).alias("age_band")
    )
    dets = scoring.active_determinations(ruleset, set(typed.columns))

    def engine() -> pl.DataFrame:
        scored = scoring.score_lazy(typed, ruleset, keep=BY)
        return aggregate.aggregate(scored, BY, dets, suppress=10)

    engine_s, result = best(engine, repeat=5)
    score_only_s, _ = best(lambda: scoring.score(typed, ruleset, keep=BY), repeat=5)
    print(
        f"  engine: score {len(dets)} determinations + IADL score/band with undetermined logic, "
        f"and aggregate by {' × '.join(BY)}: {engine_s:.3f} s  (scoring alone {score_only_s:.3f} s; target < 0.5 s)"
    )

    con = duckdb.connect()
    arrow = typed.to_arrow()
    con.register("answers", arrow)
    duck_s, duck = best(lambda: pl.from_arrow(con.sql(DUCKDB_SQL).to_arrow_table()), repeat=5)
    print(
        f"  DuckDB, the same rules by hand in one SQL query over the same in-memory data: {duck_s:.3f} s"
    )
    compiled = compile_sql(ruleset, "answers", set(typed.columns), keep=BY)
    compiled_s, _ = best(lambda: con.sql(compiled).to_arrow_table(), repeat=3)
    print(
        f"  (for reference: the rule set compiled to SQL, scoring only, on DuckDB: {compiled_s:.3f} s)"
    )

    sample = typed.head(LOOP_SAMPLE).to_dicts()
    loop_s, loop = best(lambda: python_loop(sample), repeat=1)
    loop_full = loop_s * N / LOOP_SAMPLE
    print(
        f"  Python per-row loop: {loop_s:.2f} s for {LOOP_SAMPLE:,} rows → {loop_full:.1f} s extrapolated to {N:,}"
    )

    # The three agree (on the whole data for DuckDB, on the sample for the loop).
    ours = result.filter(pl.col("life_area") != aggregate.TOTAL_LABEL)
    for d in dets:
        a = (
            ours.filter(pl.col("risk") == d)
            .select(pl.col("positive").sum(), pl.col("determined").sum())
            .row(0)
        )
        b = duck.select(pl.col(f"{d}_pos").sum(), pl.col(f"{d}_det").sum()).row(0)
        assert tuple(int(x) for x in a) == tuple(int(x) for x in b), (d, a, b)
    small = aggregate.aggregate(
        scoring.score(typed.head(LOOP_SAMPLE), ruleset, keep=BY), BY, dets, suppress=0
    )
    for d in dets:
        a = small.filter((pl.col("risk") == d) & (pl.col("life_area") != aggregate.TOTAL_LABEL))[
            "positive"
        ].sum()
        assert a == sum(c[d][0] for c in loop.values()), d  # type: ignore[union-attr]
    print("  results agree: engine = DuckDB (all rows) = loop (sample)")

    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"  peak memory: {peak_gb:.2f} GB  (target < 3 GB)")
    print(f"  ratio engine / DuckDB: {engine_s / duck_s:.2f}×  (target ≤ 1.5×)")
    print(f"  ratio loop / engine: {loop_full / engine_s:.0f}×  (target ≥ 50×)")


if __name__ == "__main__":
    main()
