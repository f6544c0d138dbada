"""The indicators' dashboard at 高松市's size: 428,139 people, 116,473 of them aged 65+.

Builds a synthetic city (fixed seed; fictional people) of 7 life areas and 44 districts
(高松市's 44 地区), ten years of population tables (2009–2018), 116,473 residents aged 65+
in the register with care levels for about a fifth, the insurer's yearly figures, 150
gathering places, and the needs survey mailed to every resident aged 65+ (about 60% answer,
as the demo's survey generator makes them). Then times the dashboard page as a municipal
officer through the whole Django stack (the test client: middleware, the access door,
template), for the municipality, a life area and a district, against a baseline measured
in the same run: the same certification figures made by reading every resident aged 65+
into Python and counting them there (what a dashboard without aggregates in SQL does).

Target (issue 12): p95 < 100 ms on both databases.

SQLite by default (a fresh database in a temporary folder); also PostgreSQL when
CHIIKI_BENCH_POSTGRES_URL is set (that database is flushed). Run:
``CHIIKI_TESTING=1 .venv/bin/python benchmarks/bench_indicators.py [N65]``.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N65 = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 116_473
TOTAL = round(N65 * 428_139 / 116_473)
TARGET = 100.0
ROUNDS = 40
LIFE_AREAS = ["中央", "東部", "西部", "南部", "北部", "香川", "国分寺"]
DISTRICTS = 44
CARE = [
    ("support_1", 0.030), ("support_2", 0.028), ("care_1", 0.042), ("care_2", 0.033),
    ("care_3", 0.025), ("care_4", 0.023), ("care_5", 0.017),
]  # fmt: skip


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


def _population(m, districts, rng: random.Random) -> None:
    from chiiki.areas.models import PopulationRecord
    from chiiki.core.allocation import largest_remainder

    bands = list(range(0, 101, 5))
    weights = [1.0 if b < 65 else 1.6 if b < 75 else 1.2 if b < 85 else 0.5 for b in bands]
    under = TOTAL - N65
    young = largest_remainder(
        under, [w for b, w in zip(bands, weights, strict=False) if b < 65] * len(districts)
    )
    old = largest_remainder(
        N65, [w for b, w in zip(bands, weights, strict=False) if b >= 65] * len(districts)
    )
    cells, yi, oi = [], iter(young), iter(old)
    for d in districts:
        for b in bands:
            n = next(yi) if b < 65 else next(oi)
            cells.append((d, b, n))
    PopulationRecord.objects.bulk_create(
        (
            PopulationRecord(
                municipality=m,
                district=d,
                date=dt.date(2018, 4, 1),
                sex=sex,
                age_from=b,
                count=share,
            )
            for d, b, n in cells
            for sex, share in (("M", n // 2), ("F", n - n // 2))
        ),
        batch_size=5000,
    )


def build(rng: random.Random):
    from django.db import transaction
    from django.utils import timezone

    from chiiki.accounts.models import Role
    from chiiki.accounts.services import user_create
    from chiiki.areas import services as areas
    from chiiki.indicators import demo as indicators_demo
    from chiiki.people.models import Person
    from chiiki.people.services import _set_search
    from chiiki.resources.models import Organization, Schedule, Service
    from chiiki.surveys import demo as surveys_demo

    m = areas.municipality_create(
        code="372013", name="高松市", prefecture_code="37", prefecture_name="香川県"
    )
    districts = []
    for i, name in enumerate(LIFE_AREAS, 1):
        la = areas.life_area_create(municipality=m, code=f"{i:02d}", name=f"{name}圏域", order=i)
        for j in range(DISTRICTS * i // len(LIFE_AREAS) - DISTRICTS * (i - 1) // len(LIFE_AREAS)):
            districts.append(
                areas.district_create(
                    life_area=la,
                    code=f"{i:02d}{j:02d}",
                    name=f"{name}第{j + 1}地区",
                    order=i * 100 + j,
                )
            )
    officer = user_create(
        username="officer", password="bench-pass-123", role=Role.MUNICIPAL, municipality=m
    )
    with transaction.atomic():
        _population(m, districts, rng)
        now = timezone.now()
        people = []
        for i in range(N65):
            level = "none"
            roll = rng.random()
            for code, share in CARE:
                if roll < share:
                    level = code
                    break
                roll -= share
            p = Person(
                municipality=m,
                district=districts[i % len(districts)],
                family_name="高松",
                given_name=f"太郎{i}",
                family_kana="タカマツ",
                given_kana="タロウ",
                sex="MF"[i % 2],
                birth_date=dt.date(1925, 1, 1) + dt.timedelta(days=rng.randint(0, 10_500)),
                address="香川県高松市番町1-8-15",
                care_level=level,
                register_number=f"{10_000_000 + i}",
                created_at=now,
                updated_at=now,
            )
            _set_search(p)
            people.append(p)
        Person.objects.bulk_create(people, batch_size=5000)
        org = Organization.objects.create(municipality=m, name="高松市社会福祉協議会")
        for i in range(150):
            s = Service.objects.create(
                municipality=m, organization=org, district=districts[i % len(districts)],
                name=f"通いの場{i + 1}", category_codes="|kayoi|",
            )  # fmt: skip
            Schedule.objects.create(service=s, freq="WEEKLY" if i % 3 else "MONTHLY", byday="TU")
    indicators_demo.build(m, 2018)  # ten years of figures from the 2018 table
    start = time.perf_counter()
    surveys_demo.build(m, 2018)
    print(f"  (the survey of {N65:,} residents took {time.perf_counter() - start:.0f} s to build)")
    return m, officer, districts


def baseline(m) -> dict[str, int]:
    """Certification by level for the city, made by reading every resident aged 65+."""
    from chiiki.people.models import Person

    counts: dict[str, int] = {}
    for person in Person.objects.current().filter(municipality=m).only("care_level", "birth_date"):
        if person.age_on(dt.date(2018, 4, 1)) >= 65:
            counts[person.care_level] = counts.get(person.care_level, 0) + 1
    return counts


def run(label: str, url: str) -> bool:
    setup(url)
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    if "postgres" in url:
        call_command("flush", interactive=False, verbosity=0)
    start = time.perf_counter()
    m, officer, districts = build(random.Random(2018))
    print(
        f"== {label}: built {TOTAL:,} people ({N65:,} aged 65+) in {time.perf_counter() - start:.0f} s"
    )
    client = Client()
    client.force_login(officer)
    from chiiki.indicators.selectors.dashboard import areas_of

    keys = {"市全体": "m", "圏域": areas_of(m)[1].key, "地区": f"d{districts[5].pk}"}
    ok = True
    base_p50, base_p95 = timed(lambda: baseline(m), rounds=5)
    print(
        f"  baseline (every resident read into Python): p50 {base_p50:7.1f} ms  p95 {base_p95:7.1f} ms"
    )
    for name, key in keys.items():

        def page(key=key):
            response = client.get("/indicators/dashboard/", {"area": key})
            assert response.status_code == 200, response.status_code

        p50, p95 = timed(page)
        met = p95 < TARGET
        ok &= met
        print(
            f"  dashboard, {name:4}: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
            f"(target p95 < {TARGET:.0f} ms: {'met' if met else 'MISSED'}; "
            f"{base_p50 / p50:.1f}× faster than the baseline at p50)"
        )
    from chiiki.indicators.selectors import dashboard as board

    for name, key in keys.items():
        area = next(a for a in areas_of(m) if a.key == key)
        parts = []
        for build_section in board.SECTIONS:
            p50, _ = timed(lambda b=build_section, a=area: b(m, a), rounds=5)
            parts.append(f"{build_section.__name__.removesuffix('_section')} {p50:.1f}")
        p50, _ = timed(lambda a=area: board.survey_section(officer, m, a), rounds=5)
        parts.append(f"survey {p50:.1f}")
        print(f"  where the time goes ({name}, p50 ms): " + ", ".join(parts))
    return ok


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[2].startswith(("sqlite", "postgres")):
        sys.exit(0 if run(sys.argv[3], sys.argv[2]) else 1)
    folder = tempfile.mkdtemp(prefix="chiiki-bench-indicators-")
    try:
        runs = [("SQLite", f"sqlite:///{Path(folder) / 'bench.sqlite3'}")]
        if os.environ.get("CHIIKI_BENCH_POSTGRES_URL"):
            runs.append(("PostgreSQL", os.environ["CHIIKI_BENCH_POSTGRES_URL"]))
        failed = False
        for label, url in runs:
            # Each database in its own process: Django is set up once per process.
            code = subprocess.call([sys.executable, __file__, str(N65), url, label])
            failed |= code != 0
        sys.exit(1 if failed else 0)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
