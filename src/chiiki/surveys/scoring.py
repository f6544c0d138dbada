"""The one scoring engine: compile a rule set into Polars expressions and score a whole frame.

Pure: no Django. Input: one row per respondent, one column per item. Choice items hold the
printed option number (an integer) or null when unanswered; number items (height, weight)
hold the value as a number with at most two decimals.

Three-valued results. Every flag, determination and band is 1, 0 or null, where null means
*undetermined* (判定不能): the missing answers could still change it. A determination that
the missing answers can no longer change is decided:

1. count rules: with ``k`` flags at 1 and ``m`` unknown, "at least n" is 1 when k ≥ n,
   0 when k + m < n, otherwise undetermined;
2. scores: the known points give a range [k, k + m]; a band (or a score threshold) is
   decided when the whole range falls in one band (one side of the threshold);
3. BMI: exact decimal arithmetic on integers (RULES.md §1: 160 cm and 47.36 kg is exactly 18.5).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, cast

import polars as pl

from chiiki.surveys.rules import Flag, RuleSet, Score

UNDETERMINED = "-"


def hundredths(expr: pl.Expr) -> pl.Expr:
    """A decimal with at most two places as an exact integer count of hundredths.

    Import checks that no value has more than two decimals, so rounding only removes the
    binary representation error (47.36 * 100 = 4736.000000000001 → 4736).
    """
    return (expr.cast(pl.Float64) * 100).round(0).cast(pl.Int64)


def bmi_flag_expr(flag: Flag, height: pl.Expr, weight: pl.Expr) -> pl.Expr:
    """1 when BMI = kg / m² is below (or at most) the threshold, compared exactly.

    With h and w in hundredths of cm and kg, BMI < p/q  ⇔  w · 10⁶ · q < p · h².
    """
    assert flag.bmi_threshold is not None
    threshold = Fraction(flag.bmi_threshold)
    p, q = threshold.numerator, threshold.denominator
    h = hundredths(height)
    w = hundredths(weight)
    left = w * (1_000_000 * q)
    right = h * h * p
    hit = left < right if flag.bmi_strict else left <= right
    valid = h.is_not_null() & w.is_not_null() & (h > 0)
    return pl.when(valid).then(hit.cast(pl.Int8)).otherwise(None)


def flag_expr(flag: Flag, columns: set[str]) -> pl.Expr:
    def col(name: str) -> pl.Expr:
        return pl.col(name) if name in columns else pl.lit(None, dtype=pl.Int64)

    if flag.bmi_threshold is not None:
        return bmi_flag_expr(flag, col(flag.height), col(flag.weight))
    value = col(flag.item)
    return (
        pl.when(value.is_null()).then(None).otherwise(value.is_in(list(flag.answers)).cast(pl.Int8))
    )


def _known_and_missing(refs: tuple[str, ...]) -> tuple[pl.Expr, pl.Expr]:
    known = pl.sum_horizontal([pl.col(r).fill_null(0).cast(pl.Int16) for r in refs])
    missing = pl.sum_horizontal([pl.col(r).is_null().cast(pl.Int16) for r in refs])
    return known, missing


def at_least_expr(refs: tuple[str, ...], n: int) -> pl.Expr:
    """Three-valued "n or more of refs hold" (step 1 above)."""
    known, missing = _known_and_missing(refs)
    return (
        pl.when(known >= n)
        .then(pl.lit(1, pl.Int8))
        .when(known + missing < n)
        .then(pl.lit(0, pl.Int8))
        .otherwise(pl.lit(None, pl.Int8))
    )


def _band_expr(score: Score, value: pl.Expr) -> pl.Expr:
    """The label of the highest band whose minimum ``value`` reaches (bands are sorted high first)."""
    expr: Any = pl.when(value >= score.bands[0].min).then(pl.lit(score.bands[0].label))
    for band in score.bands[1:]:
        expr = expr.when(value >= band.min).then(pl.lit(band.label))
    return cast(pl.Expr, expr.otherwise(None))


def score_exprs(score: Score) -> list[pl.Expr]:
    """The score (null unless every item is answered) and the range of its possible values."""
    known, missing = _known_and_missing(score.items)
    return [
        pl.when(missing == 0).then(known).otherwise(None).cast(pl.Int16).alias(score.id),
        known.alias(f"__{score.id}_min"),
        (known + missing).alias(f"__{score.id}_max"),
    ]


def band_exprs(score: Score) -> list[pl.Expr]:
    """The band, null unless the whole range of possible values falls in one band."""
    if not score.bands:
        return []
    low = _band_expr(score, pl.col(f"__{score.id}_min"))
    high = _band_expr(score, pl.col(f"__{score.id}_max"))
    return [
        pl.when(low == high).then(low).otherwise(None).alias(score.band_name or f"{score.id}_band")
    ]


def _score_threshold_expr(score_id: str, at_least: int | None, at_most: int | None) -> pl.Expr:
    low, high = pl.col(f"__{score_id}_min"), pl.col(f"__{score_id}_max")
    if at_most is not None:
        yes, no = high <= at_most, low > at_most
    else:
        yes, no = low >= at_least, high < at_least  # type: ignore[operator]
    return (
        pl.when(yes)
        .then(pl.lit(1, pl.Int8))
        .when(no)
        .then(pl.lit(0, pl.Int8))
        .otherwise(pl.lit(None, pl.Int8))
    )


def active_determinations(ruleset: RuleSet, columns: set[str]) -> list[str]:
    """The determinations to report: optional ones only when the file asked their items."""
    return [
        d.id for d in ruleset.determinations if not d.optional or ruleset.base_items(d.id) & columns
    ]


def output_columns(ruleset: RuleSet, columns: set[str]) -> list[str]:
    out = active_determinations(ruleset, columns)
    for score in ruleset.scores:
        out.append(score.id)
        if score.bands:
            out.append(score.band_name or f"{score.id}_band")
    return out


def score_lazy(
    frame: pl.LazyFrame | pl.DataFrame,
    ruleset: RuleSet,
    *,
    keep: list[str] | None = None,
    flags: bool = False,
) -> pl.LazyFrame:
    """Compile ``ruleset`` and return the lazy scored frame.

    Columns: ``keep`` (e.g. id, area), then each determination (Int8: 1, 0 or null =
    undetermined), then each score (Int16, null unless complete) with its band (String,
    null unless decided). ``flags=True`` also keeps the item flags (``f_<flag>``).
    """
    lf = frame.lazy()
    columns = set(lf.collect_schema().names())
    keep = [c for c in (keep or []) if c in columns]
    lf = lf.select(
        keep + [flag_expr(f, columns).alias(f"f_{fid}") for fid, f in ruleset.flags.items()]
    )
    # Rename flags to their own ids inside the computation; outputs never collide with them
    # because a rule set refuses duplicate ids.
    lf = lf.rename({f"f_{fid}": fid for fid in ruleset.flags})
    if ruleset.scores:
        lf = lf.with_columns([e for s in ruleset.scores for e in score_exprs(s)])
        lf = lf.with_columns([e for s in ruleset.scores for e in band_exprs(s)])
    # Determinations may refer to earlier ones: group them into stages by dependency depth.
    depth: dict[str, int] = {}
    for det in ruleset.determinations:
        depth[det.id] = 1 + max((depth.get(r, 0) for r in det.rule.refs), default=0)
    for level in sorted(set(depth.values())):
        exprs = []
        for det in ruleset.determinations:
            if depth[det.id] != level:
                continue
            if det.rule.score:
                expr = _score_threshold_expr(det.rule.score, det.rule.at_least, det.rule.at_most)
            else:
                assert det.rule.at_least is not None
                expr = at_least_expr(det.rule.refs, det.rule.at_least)
            exprs.append(expr.alias(det.id))
        lf = lf.with_columns(exprs)
    outputs = output_columns(ruleset, columns)
    flag_cols = [pl.col(fid).alias(f"f_{fid}") for fid in ruleset.flags] if flags else []
    return lf.select([*keep, *outputs, *flag_cols])


def score(
    frame: pl.DataFrame, ruleset: RuleSet, *, keep: list[str] | None = None, flags: bool = False
) -> pl.DataFrame:
    """Score a whole frame at once (see :func:`score_lazy`)."""
    return score_lazy(frame, ruleset, keep=keep, flags=flags).collect()


def missing_expr(ruleset: RuleSet, columns: set[str]) -> pl.Expr:
    """The unanswered flags of each row, space-separated (q12 when height or weight is missing)."""
    parts = [
        pl.when(flag_expr(f, columns).is_null()).then(pl.lit(fid)).otherwise(None)
        for fid, f in ruleset.flags.items()
    ]
    return pl.concat_str(parts, separator=" ", ignore_nulls=True).fill_null("")


# The result columns of ``chiiki kcl score`` after ``id``: a contract other tools read.
KCL_RESULT_COLUMNS = (
    "total_1_20",
    "total_25",
    "band",
    "c1",
    "c2",
    "c3",
    "c4",
    "c5",
    "c6",
    "c7",
    "eligible",
    "missing",
)


def kcl_score(frame: pl.DataFrame, ruleset: RuleSet, *, id_column: str = "id") -> pl.DataFrame:
    """The ``chiiki kcl score`` result: id, total_1_20, total_25, band, c1…c7, eligible, missing."""
    columns = set(frame.columns)
    scored = score_lazy(
        frame.with_columns(missing_expr(ruleset, columns).alias("missing")),
        ruleset,
        keep=[id_column, "missing"],
    ).collect()
    det_cols = [d for d in ruleset.determination_ids]
    score_cols = [c for s in ruleset.scores for c in ([s.id, s.band_name] if s.bands else [s.id])]
    return scored.select([id_column, *score_cols, *det_cols, "missing"])


def as_text(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Results for a file: 1 / 0 / - (undetermined) as text, scores and bands with - when unknown."""
    return frame.with_columns(
        [pl.col(c).cast(pl.String).fill_null(UNDETERMINED) for c in columns if c in frame.columns]
    )
