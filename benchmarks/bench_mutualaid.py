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


def db_week(url: str) -> None:
    """End to end in the database: 500 volunteer profiles and 2,000 open requests, then
    ``matching_run`` (load, optimise, store each proposal with a conditional UPDATE)."""
    import datetime as dt
    import os

    os.environ["DJANGO_SETTINGS_MODULE"] = "chiiki.settings"
    os.environ["CHIIKI_DATABASE_URL"] = url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from chiiki.areas import services as area_services
    from chiiki.mutualaid.models import HelpRequest, Service, VolunteerProfile
    from chiiki.mutualaid.services import matching_run
    from chiiki.people.models import Person, Volunteer

    m = area_services.municipality_create(
        code="352047", name="萩市", prefecture_code="35", prefecture_name="山口県"
    )
    la = area_services.life_area_create(municipality=m, code="A", name="全域", order=1)
    districts = [
        area_services.district_create(life_area=la, code=f"D{d:02d}", name=f"地区{d}", order=d)
        for d in range(DISTRICTS)
    ]
    for d, near in neighbours().items():
        districts[d].neighbours.add(*(districts[n] for n in near))
    service = Service.objects.create(
        municipality=m, district=districts[0], name="bench", started_on=dt.date(2019, 4, 1)
    )
    requests, volunteers = instance(2000, 500, seed=2018)

    def person(i: int, d: int) -> Person:
        return Person(
            municipality=m,
            district=districts[d],
            family_name="試験",
            given_name=f"{i}",
            family_kana="シケン",
            given_kana="イチ",
            sex="F",
            birth_date=dt.date(1945, 1, 1),
            address=f"地区{d} {i}番地",
        )

    people = Person.objects.bulk_create([person(i, v.home) for i, v in enumerate(volunteers)])
    vols = Volunteer.objects.bulk_create(
        [Volunteer(person=p, registered_on=dt.date(2019, 4, 1)) for p in people]
    )
    profiles = VolunteerProfile.objects.bulk_create(
        [
            VolunteerProfile(
                volunteer=vo,
                service=service,
                skills=sorted(v.skills),
                tools=sorted(v.tools),
                availability=sorted(v.slots),
                max_jobs_per_week=v.max_jobs,
            )
            for vo, v in zip(vols, volunteers, strict=True)
        ]
    )
    through = VolunteerProfile.districts.through
    through.objects.bulk_create(
        [
            through(volunteerprofile_id=p.pk, district_id=districts[d].pk)
            for p, v in zip(profiles, volunteers, strict=True)
            for d in v.districts
        ]
    )
    residents = Person.objects.bulk_create(
        [person(10_000 + i, r.district) for i, r in enumerate(requests)]
    )
    week = dt.date(2019, 6, 3)
    HelpRequest.objects.bulk_create(
        [
            HelpRequest(
                service=service,
                person=p,
                task=r.task,
                district=p.district,
                address=p.address,
                week=week,
                preferred_slots=sorted(r.slots),
                estimated_minutes=30,
            )
            for p, r in zip(residents, requests, strict=True)
        ]
    )
    t0 = time.perf_counter()
    result = matching_run(municipality=m, week=week, service=service)
    t = time.perf_counter() - t0
    vendor = url.split(":", 1)[0]
    print(
        f"-- database ({vendor}): matching_run over {result['open']:,} requests × 500 volunteers: "
        f"{t:.2f} s, {result['served']:,} proposals stored"
    )


def main() -> None:
    import os
    import subprocess
    import tempfile

    if len(sys.argv) == 3 and sys.argv[1] == "--db":
        db_week(sys.argv[2])
        return
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
    # The database runs in child processes: Django is configured once per process.
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        subprocess.run([sys.executable, __file__, "--db", url], check=True)
    pg = os.environ.get("CHIIKI_BENCH_POSTGRES_URL")
    if pg:
        subprocess.run([sys.executable, __file__, "--db", pg], check=True)
    else:
        print("-- database (postgres): skipped, CHIIKI_BENCH_POSTGRES_URL is not set")


if __name__ == "__main__":
    main()
