"""Area results: rates with Wilson 95% intervals, undetermined counted apart, small cells suppressed.

Pure: no Django. Input is a scored frame (determinations as 1 / 0 / null) with the grouping
columns; output is one row per group and risk ("long" form, which is what the heat table,
the charts and the exports read).

- ``determined`` = respondents with a decided result; the rate is positive / determined,
  so an undetermined answer never counts as "not at risk";
- the 95% interval is Wilson's score interval, which stays inside [0, 1] for small groups;
- ``above`` marks a group whose interval lies wholly above the municipality's rate;
- groups with fewer than ``suppress`` respondents keep only their labels (``suppressed``).
"""

from __future__ import annotations

import math
from typing import Any, cast

import polars as pl

Z95 = 1.959963984540054
AGE_BANDS = (65, 70, 75, 80, 85, 90)
TOTAL_LABEL = "全体"
GROUPS = ("life_area", "district", "sex", "age_band")


def wilson(positive: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for positive/n (n > 0)."""
    if n <= 0:
        raise ValueError("n must be positive")
    p = positive / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At 0/n and n/n the bounds are exactly 0 and 1; float rounding must not move them.
    low = 0.0 if positive == 0 else max(0.0, centre - half)
    high = 1.0 if positive == n else min(1.0, centre + half)
    return low, high


def wilson_exprs(positive: pl.Expr, n: pl.Expr, z: float = Z95) -> tuple[pl.Expr, pl.Expr]:
    nf = n.cast(pl.Float64)
    p = positive.cast(pl.Float64) / nf
    denom = 1 + z * z / nf
    centre = (p + z * z / (2 * nf)) / denom
    half = z * ((p * (1 - p) / nf + z * z / (4 * nf * nf)).sqrt()) / denom
    valid = n > 0
    low = (
        pl.when(valid & (positive == 0))
        .then(0.0)
        .when(valid)
        .then(pl.max_horizontal(centre - half, pl.lit(0.0)))
    )
    high = (
        pl.when(valid & (positive == n))
        .then(1.0)
        .when(valid)
        .then(pl.min_horizontal(centre + half, pl.lit(1.0)))
    )
    return low, high


def age_band_expr(age: pl.Expr) -> pl.Expr:
    """5-year bands 65-69 … 85-89 and 90+ (under 65 as '-64')."""
    expr: Any = pl.when(age < AGE_BANDS[0]).then(pl.lit(f"-{AGE_BANDS[0] - 1}"))
    for lo in AGE_BANDS[:-1]:
        expr = expr.when(age < lo + 5).then(pl.lit(f"{lo}-{lo + 4}"))
    return cast(pl.Expr, expr.otherwise(pl.lit(f"{AGE_BANDS[-1]}+")))


def aggregate(
    scored: pl.DataFrame | pl.LazyFrame,
    by: list[str],
    risks: list[str],
    *,
    suppress: int = 10,
    with_total: bool = True,
) -> pl.DataFrame:
    """One row per group and risk: respondents, determined, positive, undetermined, rate,
    ci_low, ci_high, above (interval above the overall rate) and suppressed.

    ``with_total`` adds the whole population as a group labelled 全体 in every ``by`` column.
    """
    lf = scored.lazy()
    aggs = [pl.len().alias("respondents")]
    for r in risks:
        aggs += [
            pl.col(r).sum().cast(pl.Int64).alias(f"{r}\x00pos"),
            pl.col(r).count().alias(f"{r}\x00det"),
        ]
    # One pass over the rows: the groups' counts, from which the total is summed (scoring
    # the rows a second time for the total would double the cost).
    grouped = (lf.group_by(by).agg(aggs) if by else lf.select(aggs)).collect()
    grouped = grouped.with_columns([pl.col(b).cast(pl.String) for b in by])
    counts = [c for c in grouped.columns if c not in by]
    overall = grouped.select([pl.col(c).sum() for c in counts])
    wide = grouped
    if with_total and by:
        total_row = overall.with_columns([pl.lit(TOTAL_LABEL).alias(b) for b in by])
        wide = pl.concat([grouped, total_row.select(grouped.columns).cast(grouped.schema)])
    long_parts = []
    for r in risks:
        pos, det = pl.col(f"{r}\x00pos"), pl.col(f"{r}\x00det")
        low, high = wilson_exprs(pos, det)
        base_pos = overall.get_column(f"{r}\x00pos")[0] or 0
        base_det = overall.get_column(f"{r}\x00det")[0] or 0
        base_rate = base_pos / base_det if base_det else None
        part = wide.select(
            [
                *[pl.col(b) for b in by],
                pl.lit(r).alias("risk"),
                pl.col("respondents"),
                det.alias("determined"),
                pos.alias("positive"),
                (pl.col("respondents") - det).alias("undetermined"),
                pl.when(det > 0).then(pos / det).alias("rate"),
                low.alias("ci_low"),
                high.alias("ci_high"),
            ]
        ).with_columns(
            (pl.col("ci_low") > base_rate).fill_null(False).alias("above")
            if base_rate is not None
            else pl.lit(False).alias("above")
        )
        long_parts.append(part)
    out = pl.concat(long_parts) if long_parts else pl.DataFrame()
    if out.is_empty():
        return out
    small = pl.col("respondents") < suppress
    numbers = ["respondents", "determined", "positive", "undetermined", "rate", "ci_low", "ci_high"]
    out = out.with_columns(
        [pl.when(small).then(None).otherwise(pl.col(c)).alias(c) for c in numbers]
        + [
            pl.when(small).then(False).otherwise(pl.col("above")).alias("above"),
            small.alias("suppressed"),
        ]
    )
    return out.sort([*by, "risk"], nulls_last=True)
