"""Benchmark of the weekly matching engine against a greedy baseline, in one run.

A synthetic week: 2,000 requests and 500 volunteers in 13 districts (each covering its own
district and the neighbouring ones), 14 half-day slots, skills and tools drawn at random,
1-5 jobs a week per volunteer. Then a constrained instance (scarce mowers, volunteers who
can do many things, tight weekly maxima) where taking requests in order loses jobs.

Run: `CHIIKI_TESTING=1 .venv/bin/python benchmarks/bench_mutualaid.py` (or `make bench`).
Pure engine: no database.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from chiiki.mutualaid.matching import Request, Volunteer, check, greedy, match

TASKS = ["weeding", "mowing", "tilling", "shopping", "company", "repair", "rubbish", "field_work"]
TASK_WEIGHTS = [20, 15, 5, 20, 15, 10, 10, 5]
TOOLS_FOR = {"mowing": {"mower"}, "tilling": {"tiller"}, "shopping": {"car"}}
DISTRICTS = 13
SLOTS = 14  # 7 days × morning/afternoon


def neighbours() -> dict[int, frozenset[int]]:
    """Districts on a 4-wide grid: the neighbours are the adjacent cells."""
    out: dict[int, frozenset[int]] = {}
    for d in range(DISTRICTS):
        x, y = d % 4, d // 4
        cells = [(x + dx, y + dy) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))]
        out[d] = frozenset(
            cx + 4 * cy
            for cx, cy in cells
            if 0 <= cx < 4 and 0 <= cx + 4 * cy < DISTRICTS and cy >= 0
        )
    return out


def centre(d: int) -> tuple[float, float]:
    return (d % 4) * 4.0, (d // 4) * 4.0


def instance(
    n_requests: int, n_volunteers: int, seed: int
) -> tuple[list[Request], list[Volunteer]]:
    rng = random.Random(seed)
    nb = neighbours()
    volunteers = []
    for i in range(n_volunteers):
        home = rng.randrange(DISTRICTS)
        cx, cy = centre(home)
        tools = {t for t, p in (("mower", 0.3), ("tiller", 0.15), ("car", 0.5)) if rng.random() < p}
        skills = set(rng.sample(TASKS, rng.randint(2, 5)))
        volunteers.append(
            Volunteer(
                id=i,
                skills=frozenset(skills),
                tools=frozenset(tools),
                districts=frozenset({home} | nb[home]),
                home=home,
                slots=frozenset(rng.sample(range(SLOTS), rng.randint(3, 8))),
                max_jobs=rng.randint(1, 5),
                location=(cx + rng.uniform(-2, 2), cy + rng.uniform(-2, 2)),
            )
        )
    requests = []
    for i in range(n_requests):
        d = rng.randrange(DISTRICTS)
        task = rng.choices(TASKS, TASK_WEIGHTS)[0]
        cx, cy = centre(d)
        requests.append(
            Request(
                id=i,
                task=task,
                district=d,
                slots=frozenset(rng.sample(range(SLOTS), rng.randint(1, 4))),
                tools=frozenset(TOOLS_FOR.get(task, set())),
                location=(cx + rng.uniform(-2, 2), cy + rng.uniform(-2, 2)),
            )
        )
    return requests, volunteers


def constrained() -> tuple[list[Request], list[Volunteer]]:
    """Generalists with one free slot and specialists: in order, greedy gives the
    generalists easy jobs first and leaves the mowing nobody else can do."""
    requests, volunteers = [], []
    for i in range(100):
        # Every request is in district 0; even ids are weeding (anyone), odd ids mowing.
        task = "weeding" if i % 2 == 0 else "mowing"
        requests.append(
            Request(
                id=i,
                task=task,
                district=0,
                slots=frozenset({(i // 2) % SLOTS}),
                tools=frozenset(TOOLS_FOR.get(task, set())),
            )
        )
    for s in range(SLOTS):
        # A mower owner who also weeds, free in every slot, one job a week... ×4 per slot
        for _k in range(4):
            volunteers.append(
                Volunteer(
                    id=len(volunteers),
                    skills=frozenset({"weeding", "mowing"}),
                    tools=frozenset({"mower"}),
                    districts=frozenset({0}),
                    home=0,
                    slots=frozenset({s}),
                    max_jobs=1,
                )
            )
        # …and weeders from a neighbouring district, who cost a little more.
        for _k in range(4):
            volunteers.append(
                Volunteer(
                    id=len(volunteers),
                    skills=frozenset({"weeding"}),
                    tools=frozenset(),
                    districts=frozenset({0, 1}),
                    home=1,
                    slots=frozenset({s}),
                    max_jobs=1,
                )
            )
    return requests, volunteers


def run(
    name: str, requests: list[Request], volunteers: list[Volunteer], nb: dict[int, frozenset[int]]
) -> None:
    t0 = time.perf_counter()
    base = greedy(requests, volunteers, nb)
    t_greedy = time.perf_counter() - t0
    t0 = time.perf_counter()
    best = match(requests, volunteers, nb)
    t_opt = time.perf_counter() - t0
    assert not check(best, requests, volunteers), check(best, requests, volunteers)[:3]
    assert not check(base, requests, volunteers)
    own = sum(p.relation == "own" for p in best.proposals)
    own_g = sum(p.relation == "own" for p in base.proposals)
    print(f"-- {name}: {len(requests):,} requests × {len(volunteers):,} volunteers")
    print(
        f"   optimiser (HiGHS min-cost flow): {t_opt:6.2f} s  served {best.served:5,}  own district {own:5,}"
    )
    print(
        f"   greedy baseline               : {t_greedy:6.2f} s  served {base.served:5,}  own district {own_g:5,}"
    )
    ratio = best.served / base.served if base.served else float("inf")
    print(
        f"   served optimiser / greedy = {ratio:.3f}; time optimiser / greedy = {t_opt / max(t_greedy, 1e-9):.1f}"
    )
    if best.served < base.served:
        raise SystemExit("FAIL: the optimiser served fewer requests than greedy")


def main() -> None:
    nb = neighbours()
    requests, volunteers = instance(2000, 500, seed=2018)
    run("week (random)", requests, volunteers, nb)
    t0 = time.perf_counter()
    requests, volunteers = instance(2000, 500, seed=2018)
    _ = match(requests, volunteers, nb)
    t = time.perf_counter() - t0
    print(
        f"   second run (instance build + match): {t:.2f} s — target < 2 s: {'ok' if t < 2 else 'MISSED'}"
    )
    requests, volunteers = constrained()
    run("constrained (scarce mowers)", requests, volunteers, {0: frozenset({1}), 1: frozenset({0})})


if __name__ == "__main__":
    main()
