"""Benchmark of the district assignment (地区担当制) against its greedy baseline, in one run.

佐々町 gives 32 districts to 7 staff. A synthetic town of that shape (seeded): 32 districts
in 3 life areas, about 4,000 people aged 65+ in all, districts of 30 to 400. Timed: the
exact assignment (:func:`chiiki.indicators.assignment.assign`), with and without
``within_life_area`` and with a decimal risk weight, and the same with the subset-sum filling
left out once (HiGHS alone closes the gap from the greedy's load); beside each, the greedy
baseline's heaviest load and time. Target: under 1 s for 32 districts to 7 staff.

Run: `CHIIKI_TESTING=1 .venv/bin/python benchmarks/bench_indicators_assign.py` (or `make
bench`). Pure engine: no database.
"""

from __future__ import annotations

import random
import sys
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from chiiki.indicators.assignment import District, assign, greedy, shown

DISTRICTS, STAFF, AREAS = 32, 7, 3
TOTAL_AGED = 4_000
TARGET_S = 1.0
SEEDS = 10
HIGHS_ALONE_S = 5.0


def town(seed: int) -> list[District]:
    """Districts of 30 to 400 aged 65+, about 4,000 in all, and high-risk people among them."""
    rng = random.Random(seed)
    raw = [rng.lognormvariate(0, 0.7) for _ in range(DISTRICTS)]
    scale = TOTAL_AGED / sum(raw)
    out = []
    for i, r in enumerate(raw):
        aged = min(400, max(30, round(r * scale)))
        out.append(
            District(
                f"地区{i + 1}",
                f"圏域{i * AREAS // DISTRICTS + 1}",
                aged,
                round(aged * rng.uniform(0.05, 0.25)),
            )
        )
    return out


def run(
    name: str, districts: list[District], own: dict[str, object] | None = None, **kw: object
) -> tuple[float, bool]:
    t0 = time.perf_counter()
    base = greedy(districts, STAFF, **kw)  # type: ignore[arg-type]
    t_greedy = time.perf_counter() - t0
    t0 = time.perf_counter()
    best = assign(districts, STAFF, **kw, **(own or {}))  # type: ignore[arg-type]
    t_best = time.perf_counter() - t0
    ratio = best.max_load / base.max_load
    verdict = "ok" if t_best < TARGET_S else "OVER TARGET"
    print(
        f"   {name:<34} exact {shown(best.max_load):>7} in {t_best * 1000:7.1f} ms"
        f" ({'proven' if best.proven else 'NOT PROVEN'})   greedy {shown(base.max_load):>7}"
        f" in {t_greedy * 1000:5.1f} ms   exact/greedy {float(ratio):.3f}  [{verdict}]"
    )
    if best.max_load > base.max_load:
        raise SystemExit("FAIL: the exact assignment is heavier than the greedy's")
    return t_best, best.proven


def main() -> None:
    worst, unproven = 0.0, 0
    for seed in range(SEEDS):
        districts = town(seed)
        total = sum(d.aged for d in districts)
        print(
            f"-- town {seed}: {DISTRICTS} districts, {STAFF} staff, {total:,} aged 65+, "
            f"districts {min(d.aged for d in districts)}–{max(d.aged for d in districts)}"
        )
        for name, kw in (
            ("高齢者数", {}),
            ("高齢者数, within life area", {"within_life_area": True}),
            ("+ 1.5 × 高リスク者数", {"weight": Fraction(3, 2)}),
        ):
            t, proven = run(name, districts, **kw)
            worst = max(worst, t)
            unproven += not proven
    # What the subset-sum filling is for: HiGHS alone, from the greedy's load, on town 0.
    print("-- town 0 without the filling (HiGHS alone, 5 s limit; not part of the target)")
    run("高齢者数, HiGHS alone", town(0), {"fill": False, "time_limit": HIGHS_ALONE_S})
    print(
        f"slowest exact assignment: {worst * 1000:.1f} ms (target {TARGET_S * 1000:.0f} ms); "
        f"not proven: {unproven}"
    )


if __name__ == "__main__":
    sys.exit(main())
