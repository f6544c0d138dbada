"""Foundation benchmark: build the 20,000-person demo, then time the pages staff use most.

Prints, for SQLite (and PostgreSQL when CHIIKI_BENCH_POSTGRES_URL is set): the demo build
time (target < 60 s), and the median and p95 latency with the SQL query count of the
dashboard, the person list and a kana search (target p95 < 150 ms), each against a
baseline measured in the same run: the login page (framework overhead, no data) for the
pages, and a Python scan of every person for the search.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 40


def setup(url: str) -> None:
    os.environ["CHIIKI_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiiki.settings")
    os.environ.setdefault("CHIIKI_TESTING", "1")
    os.environ["CHIIKI_AXES_ENABLED"] = "false"
    os.environ["CHIIKI_ALLOWED_HOSTS"] = "testserver"
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
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    url = os.environ.get("CHIIKI_BENCH_POSTGRES_URL")
    tmp = tempfile.mkdtemp()
    setup(url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from chiiki.core.text import fold
    from chiiki.people.models import Person
    from chiiki.web import demo

    print(f"database: {connection.vendor}")
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    demo.build(seed=2018)
    built = time.perf_counter() - start
    print(f"demo build: {built:.1f} s for {Person.objects.count():,} people (target < 60 s)")

    client = Client()
    client.get("/login/")
    assert client.login(username="shokuin", password=demo.DEMO_PASSWORD)
    anonymous = Client()
    base_med, base_p95 = timed(lambda: anonymous.get("/login/"))
    print(f"baseline login page: median {base_med:.1f} ms, p95 {base_p95:.1f} ms")
    pages = {
        "dashboard": "/",
        "person list": "/people/",
        "person list, page 200": "/people/?page=200",
        "kana search さとう": "/people/?q=さとう",
        "kana search ｻﾄｳ ﾊﾅｺ": "/people/?q=ｻﾄｳ+ﾊﾅｺ",
    }
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(path)
        med, p95 = timed(lambda path=path: client.get(path))
        verdict = "ok" if p95 < 150 else "OVER TARGET"
        print(
            f"{name:<24} median {med:6.1f} ms  p95 {p95:6.1f} ms  queries {len(queries):2d}  "
            f"{p95 / base_p95:4.1f}x login  [{verdict}]"
        )

    # The search itself against a Python scan of every folded name.
    everyone = list(Person.objects.values_list("id", "search_text"))
    key = fold("さとう")
    scan_med, _ = timed(lambda: [i for i, t in everyone if key in t], rounds=10)
    load_med, _ = timed(
        lambda: [i for i, t in Person.objects.values_list("id", "search_text") if key in t],
        rounds=5,
    )
    sql_med, _ = timed(
        lambda: list(Person.objects.filter(search_text__contains=key).values_list("id")[:50]),
        rounds=20,
    )
    print(
        f"search in SQL (first page) {sql_med:.1f} ms; Python scan of {len(everyone):,} cached names {scan_med:.1f} ms; "
        f"loading and scanning {load_med:.1f} ms ({load_med / sql_med:.0f}x slower than SQL)"
    )


if __name__ == "__main__":
    sys.exit(main())
