"""Resource directory benchmark: Japanese search over 100,000 services, a year's calendar
for 10,000 services.

Search: p50/p95 latency of what the search page runs (count + the first 50 ranked
results) for long and short (one- and two-character) queries over 100,000 services, on
SQLite (FTS5 trigram + substring path) and on PostgreSQL (pg_trgm) when
CHIIKI_BENCH_POSTGRES_URL is set. Target p95 < 30 ms. Baseline in the same run: a plain
``LIKE '%…%'`` scan of the same column without the full-text index.

Calendar: the open dates and hours of 2019 for 10,000 services (weekly and monthly rules,
events, holidays, closures). Target < 2 s. Baseline in the same run: dateutil's rrule for
every rule and a per-day holiday check, no caching (measured on 1,000 services and scaled
to 10,000 so the run stays short).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

SERVICES = 100_000
CALENDAR_SERVICES = 10_000
ROUNDS = 30
QUERIES = ["買い物", "いきいき百歳体操", "ふれあいサロン", "ｻﾛﾝ", "体操", "送迎", "配食", "茶"]
WORDS = [
    "ふれあいサロン",
    "いきいき百歳体操",
    "食事会",
    "配食サービス",
    "送迎",
    "移動販売",
    "買い物支援サービス",
    "見守り",
    "ちょい加勢",
    "草刈り隊",
    "話し相手",
    "認知症カフェ",
    "相談窓口",
    "介護予防教室",
    "茶話会",
    "おでかけ号",
]
TOWNS = ["明倫", "椿西", "椿東", "越ヶ浜", "大井", "三見", "見島", "田万川", "須佐", "むつみ"]


def setup(url: str) -> None:
    os.environ["CHIIKI_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiiki.settings")
    os.environ.setdefault("CHIIKI_TESTING", "1")
    import django

    django.setup()


def timed(fn, rounds: int = ROUNDS) -> tuple[float, float]:
    fn()  # warm
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def fill(rng: random.Random) -> None:
    """100,000 services with realistic folded search text, through bulk inserts."""
    from django.db import transaction

    from chiiki.areas import services as area_services
    from chiiki.resources.models import Organization, SearchChars, Service
    from chiiki.resources.services import chars_of, search_text_of

    def flush(batch: list[Service]) -> None:
        created = Service.objects.bulk_create(batch)
        SearchChars.objects.bulk_create(
            SearchChars(
                service=s, name_chars=chars_of(s.name_folded), text_chars=chars_of(s.search_text)
            )
            for s in created
        )
        batch.clear()

    m = area_services.municipality_create(
        code="352047", name="萩市", prefecture_code="35", prefecture_name="山口県"
    )
    la = area_services.life_area_create(municipality=m, code="1", name="中央", order=1)
    districts = [
        area_services.district_create(life_area=la, code=str(i), name=t, order=i)
        for i, t in enumerate(TOWNS)
    ]
    org = Organization.objects.create(
        municipality=m, name="萩市社会福祉協議会", provider_kind="shakyo"
    )
    codes = ["kayoi", "taiso", "shokuji", "ido", "kaimono", "mimamori", "kaji", "sodan"]
    batch: list[Service] = []
    with transaction.atomic():
        for n in range(SERVICES):
            town = rng.choice(TOWNS)
            name = f"{town}{rng.choice(WORDS)}{n % 97}"
            description = f"{town}地区の{rng.choice(WORDS)}。{rng.choice(WORDS)}もあります。"
            cats = rng.sample(codes, 2)
            text, folded = search_text_of(
                name=name,
                alternate_name="",
                description=description,
                organization=org.name,
                categories=cats,
                places=[f"{town}公民館", f"山口県萩市{town}{rng.randint(1, 999)}番地"],
            )
            batch.append(
                Service(
                    municipality=m,
                    organization=org,
                    district=rng.choice(districts),
                    name=name,
                    description=description,
                    category_codes="|" + "|".join(cats) + "|",
                    search_text=text,
                    name_folded=folded,
                    free=rng.random() < 0.4,
                    pickup=rng.random() < 0.2,
                )
            )
            if len(batch) == 5000:
                flush(batch)
        flush(batch)


def bench_search(label: str) -> None:
    from django.db import connection

    from chiiki.core.text import fold
    from chiiki.resources.models import Service
    from chiiki.resources.selectors import service_filter

    print(f"-- search over {Service.objects.count():,} services ({label}, {connection.vendor})")
    municipality_id = Service.objects.values_list("municipality_id", flat=True).first()

    def base():  # what the search page starts from: the user's municipality, with joins
        return Service.objects.filter(municipality_id=municipality_id).select_related(
            "organization", "district"
        )

    worst = 0.0
    for q in QUERIES:

        def page(q: str = q) -> None:
            qs = service_filter(base(), query=q)
            qs.count()
            list(qs[:50])

        def naive(q: str = q) -> None:
            qs = Service.objects.filter(search_text__contains=fold(q)).order_by("name", "id")
            qs.count()
            list(qs[:50])

        def second_page(q: str = q) -> None:
            results = service_filter(base(), query=q)
            results.count()
            list(results[50:100])

        p50, p95 = timed(page)
        _s50, s95 = timed(second_page, rounds=10)
        b50, _b95 = timed(naive, rounds=10)
        hits = Service.objects.filter(search_text__contains=fold(q)).count()
        worst = max(worst, p95)
        print(
            f"  {q:<10} hits {hits:>6,}  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms"
            f"  (page 2 p95 {s95:5.1f} ms)"
            f"   | LIKE scan + sort p50 {b50:6.1f} ms  (×{b50 / max(p50, 0.001):.1f})"
        )
    verdict = "ok" if worst < 30 else "OVER TARGET"
    print(f"  worst p95 {worst:.1f} ms (target < 30 ms: {verdict})")


def timetables(rng: random.Random, n: int) -> list:
    from chiiki.resources import calendar as c

    T = dt.time
    tables = []
    for _ in range(n):
        if rng.random() < 0.65:
            rule = c.Rule("WEEKLY", tuple(sorted(rng.sample(c.WEEKDAYS[:6], rng.randint(1, 3)))))
        else:
            day = rng.choice(c.WEEKDAYS[:5])
            rule = c.Rule(
                "MONTHLY", tuple(f"{k}{day}" for k in rng.choice([(1, 3), (2, 4), (-1,)]))
            )
        opens = rng.choice([9, 10, 13])
        events = ()
        if rng.random() < 0.3:
            events = (
                c.Event(c.Rule("WEEKLY", (rng.choice(c.WEEKDAYS[:5]),)), "★食事会", T(11, 45)),
            )
        closures = ()
        if rng.random() < 0.3:
            first = dt.date(2019, rng.randint(1, 12), rng.randint(1, 28))
            closures = (c.Closure(first, first + dt.timedelta(days=rng.randint(0, 6)), "休業"),)
        tables.append(
            c.Timetable(
                openings=(c.Opening(rule, c.Hours(T(opens), T(opens + 2))),),
                events=events,
                closures=closures,
                closed_on_holidays=rng.random() < 0.85,
                closed_year_end=rng.random() < 0.5,
            )
        )
    return tables


def naive_year(t, start: dt.date, end: dt.date) -> dict:
    """The obvious way: rrule for every rule, a holiday lookup per date, no caching."""
    import holidays

    from chiiki.resources import calendar as c

    jp = holidays.Japan(language="ja", years=range(start.year, end.year + 1))
    result: dict = {}
    for opening in t.openings:
        for d in c.expand_with_dateutil(opening.rule, start, end):
            if t.closed_on_holidays and d in jp:
                continue
            if any(cl.first <= d <= cl.last for cl in t.closures):
                continue
            if t.closed_year_end and (d.month, d.day) in c.YEAR_END_DAYS:
                continue
            result.setdefault(d, []).append((opening.hours.opens, opening.hours.closes))
    return result


def bench_calendar() -> None:
    from chiiki.resources import calendar as c

    rng = random.Random(2019)
    tables = timetables(rng, CALENDAR_SERVICES)
    start, end = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
    c.expand.cache_clear()
    c._holidays_of.cache_clear()
    t0 = time.perf_counter()
    total = sum(len(c.open_dates(t, start, end)) for t in tables)
    fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    full = sum(len(c.days_between(t, start, end)) for t in tables[:1000]) * 10
    days_time = (time.perf_counter() - t0) * 10
    sample = tables[:1000]
    t0 = time.perf_counter()
    naive_total = sum(len(naive_year(t, start, end)) for t in sample)
    naive = (time.perf_counter() - t0) * CALENDAR_SERVICES / len(sample)
    check = sum(len(c.open_dates(t, start, end)) for t in sample)
    assert check == naive_total, (check, naive_total)  # same answer as the naive way
    print(f"-- a year's calendar for {CALENDAR_SERVICES:,} services (2019)")
    print(
        f"  open dates with hours: {fast:.2f} s ({total:,} open days)   target < 2 s: {'ok' if fast < 2 else 'OVER TARGET'}"
    )
    print(
        f"  full printed days (365 × open/reason/hours/events): {days_time:.2f} s ({full:,} days, from 1,000 × 10)"
    )
    print(
        f"  baseline rrule + per-day holiday check: {naive:.2f} s (1,000 measured × 10)  ×{naive / fast:.1f}"
    )


def main() -> None:
    from django.core.management import call_command

    rng = random.Random(2018)
    tmp = tempfile.mkdtemp()
    setup(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    fill(rng)
    print(f"filled {SERVICES:,} services in {time.perf_counter() - t0:.1f} s (SQLite)")
    bench_search("FTS5 trigram, substring path under 3 characters")
    bench_calendar()
    url = os.environ.get("CHIIKI_BENCH_POSTGRES_URL")
    if not url:
        print("-- PostgreSQL: skipped (set CHIIKI_BENCH_POSTGRES_URL to measure pg_trgm)")
        return
    # A second interpreter, since Django is configured once per process.
    import subprocess

    env = {**os.environ, "CHIIKI_DATABASE_URL": url, "BENCH_RESOURCES_POSTGRES": "1"}
    subprocess.run([sys.executable, __file__], env=env, check=True)


def main_postgres() -> None:
    from django.core.management import call_command

    setup(os.environ["CHIIKI_DATABASE_URL"])
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    fill(random.Random(2018))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE resources_service")
    print(f"filled {SERVICES:,} services in {time.perf_counter() - t0:.1f} s (PostgreSQL)")
    bench_search("pg_trgm GIN index")
    call_command("flush", interactive=False, verbosity=0)


if __name__ == "__main__":
    if os.environ.get("BENCH_RESOURCES_POSTGRES"):
        main_postgres()
    else:
        main()
