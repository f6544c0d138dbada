"""The prefecture's side by side at 埼玉県's size: 63 municipalities.

Builds a synthetic prefecture (fixed seed; fictional figures) of 埼玉県's 63 real
municipalities (codes and names from the country's list), each with 2–6 districts,
population tables, the insurer's five years, coordination bodies, mutual-aid services,
gathering places with a year of named and headcount attendance, and shared grant
self-assessments. Then times the side-by-side page as the prefecture's viewer through the
whole Django stack (the test client: middleware, the access door, template, the tile grid),
sorted by a column (the figures kept, as the page is read; the first read after a change,
which computes them, is printed too), against a baseline measured in the same run: the
population, the insurer's figures, participation and the grant read one municipality at a
time (what a page that loops over the municipality's own selectors does; the spread is left
out of the baseline, whose per-municipality reader takes a municipal user).

Target (issue 13): p95 < 150 ms on both databases.

SQLite by default (a fresh database in a temporary folder); also PostgreSQL when
CHIIKI_BENCH_POSTGRES_URL is set (that database is flushed). Run:
``CHIIKI_TESTING=1 .venv/bin/python benchmarks/bench_prefecture.py``.
"""

from __future__ import annotations

import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 150.0
ROUNDS = 40
PREFECTURE = "11"  # 埼玉県: 63 municipalities


def setup(url: str) -> None:
    os.environ["CHIIKI_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiiki.settings")
    os.environ.setdefault("CHIIKI_TESTING", "1")
    import django

    django.setup()
    gc.collect()
    gc.freeze()


def timed(fn, rounds: int = ROUNDS) -> tuple[float, float]:
    fn()  # warm
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def baseline(user, municipalities) -> None:
    """The same figures, one municipality at a time."""
    from django.utils import timezone

    from chiiki.indicators.selectors.participation import participation_by_municipality
    from chiiki.prefecture.selectors import compare

    on = timezone.localdate()
    year = compare.participation_year([m.pk for m in municipalities])
    for m in municipalities:
        compare.population_by_municipality([m.pk], on)
        compare.latest_insurance([m.pk])
        if year:
            participation_by_municipality(municipalities=[m], fiscal_year=year)
        compare._grant([m.pk])


def run(label: str, url: str) -> bool:
    setup(url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from chiiki.accounts.models import Role
    from chiiki.accounts.services import user_create
    from chiiki.prefecture import world

    setup_test_environment()
    call_command("migrate", verbosity=0)
    if "postgres" in url:
        call_command("flush", interactive=False, verbosity=0)
    start = time.perf_counter()
    built = world.build(PREFECTURE, 2018, districts=6)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    viewer = user_create(
        username="saitama", password="bench-pass-123", role=Role.PREFECTURE,
        prefecture=built.prefecture,
    )  # fmt: skip
    print(
        f"== {label}: built {len(built.municipalities)} municipalities of "
        f"{built.prefecture.name} in {time.perf_counter() - start:.0f} s"
    )
    client = Client()
    client.force_login(viewer)
    base_p50, base_p95 = timed(lambda: baseline(viewer, built.municipalities), rounds=5)
    print(
        f"  baseline (one municipality at a time): p50 {base_p50:7.1f} ms  p95 {base_p95:7.1f} ms"
    )
    from chiiki.prefecture.selectors import compare

    def cold():
        compare.forget()
        assert client.get("/prefecture/").status_code == 200

    cold_p50, cold_p95 = timed(cold, rounds=5)
    print(
        f"  side by side, first read after a change (nothing kept): p50 {cold_p50:6.1f} ms  "
        f"p95 {cold_p95:6.1f} ms"
    )
    ok = True
    for name, query in {
        "by code": {},
        "sorted by participation": {"sort": "participation", "order": "desc"},
        "tile grid of certification": {"sort": "aging", "tile": "certification"},
    }.items():

        def page(query=query):
            response = client.get("/prefecture/", query)
            assert response.status_code == 200, response.status_code

        p50, p95 = timed(page)
        met = p95 < TARGET
        ok &= met
        print(
            f"  side by side, {name:27}: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
            f"(target p95 < {TARGET:.0f} ms: {'met' if met else 'MISSED'}; "
            f"{base_p50 / p50:.1f}× faster than the baseline at p50)"
        )
    return ok


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1].startswith(("sqlite", "postgres")):
        sys.exit(0 if run(sys.argv[2], sys.argv[1]) else 1)
    folder = tempfile.mkdtemp(prefix="chiiki-bench-prefecture-")
    try:
        runs = [("SQLite", f"sqlite:///{Path(folder) / 'bench.sqlite3'}")]
        if os.environ.get("CHIIKI_BENCH_POSTGRES_URL"):
            runs.append(("PostgreSQL", os.environ["CHIIKI_BENCH_POSTGRES_URL"]))
        failed = False
        for label, url in runs:
            # Each database in its own process: Django is set up once per process.
            code = subprocess.call([sys.executable, __file__, url, label])
            failed |= code != 0
        sys.exit(1 if failed else 0)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
