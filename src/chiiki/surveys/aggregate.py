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

from chiiki.core import suppression

Z95 = 1.959963984540054
AGE_BANDS = (65, 70, 75, 80, 85, 90)
TOTAL_LABEL = "全体"
GROUPS = ("life_area", "district", "sex", "age_band")
# A district's figures add up to its life area's, which is published too.
PARENTS = {"district": "life_area"}


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
    """5-year bands 65-69 … 85-89 and 90+ (under 65 as '-64'); no age, no band (null)."""
    expr: Any = pl.when(age.is_null()).then(pl.lit(None, dtype=pl.String))
    expr = expr.when(age < AGE_BANDS[0]).then(pl.lit(f"-{AGE_BANDS[0] - 1}"))
    for lo in AGE_BANDS[:-1]:
        expr = expr.when(age < lo + 5).then(pl.lit(f"{lo}-{lo + 4}"))
    return cast(pl.Expr, expr.otherwise(pl.lit(f"{AGE_BANDS[-1]}+")))


def complementary_suppression(
    sizes: dict[tuple[str, ...], int],
    suppress: int,
    parents: list[dict[str, str] | None] | None = None,
) -> set[tuple[str, ...]]:
    """The groups to hide: those under ``suppress`` (primary), and then enough others that
    no hidden group can be worked out by subtraction from a published margin (secondary),
    as ``core.suppression`` decides it.

    A margin is every set of groups that differ in one dimension only (the rest of a row
    or column of a cross, and the whole of a one-way table against its 全体 row), and, for
    a dimension with a parent (district → life area), the groups under one parent; its
    total is published apart (the 全体 row, the life area's table).
    """
    keys = list(sizes)
    width = len(keys[0]) if keys else 0
    parents = parents or [None] * width
    margins: list[suppression.Margin[tuple[str, ...]]] = []
    for axis in range(width):
        for with_parent in (False, True):
            parent = parents[axis]
            if with_parent and not parent:
                continue
            groups: dict[tuple[Any, ...], list[tuple[str, ...]]] = {}
            for k in keys:
                rest = k[:axis] + k[axis + 1 :]
                key = (*rest, parent.get(k[axis]) if with_parent and parent else None)
                groups.setdefault(key, []).append(k)
            # A margin of one group protects nothing here; leaving it out (rather than
            # pinning its group) keeps the published tables exactly as they were.
            margins += [suppression.Margin(tuple(g)) for g in groups.values() if len(g) > 1]
    # Ties between groups of one size go to the first in label order (a missing label last).
    ordered = dict(sorted(sizes.items(), key=lambda kv: [(v is None, v or "") for v in kv[0]]))
    return suppression.suppressed(ordered, margins, suppress)


def _parents(lf: pl.LazyFrame, by: list[str]) -> list[dict[str, str] | None]:
    """For each ``by`` column with a parent column in the frame, its group -> parent."""
    parents: list[dict[str, str] | None] = []
    for b in by:
        parent = PARENTS.get(b)
        if parent and parent in lf.collect_schema().names():
            pairs = (
                lf.select(pl.col(b).cast(pl.String), pl.col(parent).cast(pl.String))
                .unique()
                .collect()
            )
            parents.append(dict(pairs.iter_rows()))
        else:
            parents.append(None)
    return parents


def _with_hidden(
    grouped: pl.DataFrame, lf: pl.LazyFrame, by: list[str], suppress: int
) -> pl.DataFrame:
    """Mark the groups to hide, primary and secondary, decided on the group sizes alone."""
    if not by:
        return grouped.with_columns(pl.lit(False).alias("__hidden"))
    sizes = {tuple(r[:-1]): r[-1] for r in grouped.select([*by, "respondents"]).iter_rows()}
    hidden = complementary_suppression(sizes, suppress, _parents(lf, by))
    return grouped.with_columns(
        pl.Series(
            "__hidden",
            [tuple(r) in hidden for r in grouped.select(by).iter_rows()],
            dtype=pl.Boolean,
        )
    )


def _risk_rows(wide: pl.DataFrame, overall: pl.DataFrame, by: list[str], r: str) -> pl.DataFrame:
    """The long rows of one risk: counts, rate, interval and whether above the whole."""
    pos, det = pl.col(f"{r}\x00pos"), pl.col(f"{r}\x00det")
    low, high = wilson_exprs(pos, det)
    base_pos = overall.get_column(f"{r}\x00pos")[0] or 0
    base_det = overall.get_column(f"{r}\x00det")[0] or 0
    base_rate = base_pos / base_det if base_det else None
    return wide.select(
        [
            *[pl.col(b) for b in by],
            pl.lit(r).alias("risk"),
            pl.col("respondents"),
            pl.col("__hidden"),
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
    grouped = _with_hidden(grouped, lf, by, suppress)
    counts = [c for c in grouped.columns if c not in by and c != "__hidden"]
    overall = grouped.select([pl.col(c).sum() for c in counts])
    wide = grouped
    if with_total and by:
        total_row = overall.with_columns(
            [pl.lit(TOTAL_LABEL).alias(b) for b in by] + [pl.lit(False).alias("__hidden")]
        )
        wide = pl.concat([grouped, total_row.select(grouped.columns).cast(grouped.schema)])
    long_parts = [_risk_rows(wide, overall, by, r) for r in risks]
    out = pl.concat(long_parts) if long_parts else pl.DataFrame()
    if out.is_empty():
        return out
    small = pl.col("__hidden") | (pl.col("respondents") < suppress)
    numbers = ["respondents", "determined", "positive", "undetermined", "rate", "ci_low", "ci_high"]
    out = out.with_columns(
        [pl.when(small).then(None).otherwise(pl.col(c)).alias(c) for c in numbers]
        + [
            pl.when(small).then(False).otherwise(pl.col("above")).alias("above"),
            small.alias("suppressed"),
        ]
    ).drop("__hidden")
    return out.sort([*by, "risk"], nulls_last=True)
