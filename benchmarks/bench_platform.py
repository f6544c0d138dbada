"""Platform benchmark: the lists that go through the read door, on the whole demo.

Builds the demo municipality with every module's data (as `chiiki demo` does), then times
the pages whose lists name residents, each read audited as one list event: the follow-up
list (target p95 < 150 ms, page and district), the non-respondents, the respondents, the
person list and the audit page. Baselines in the same run: the login page (framework,
no data), and the same first page of people read straight from the ORM without the door,
so that the door's own cost (scoping, the audit event and its subjects) is a ratio.
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
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client

    from chiiki.accounts.models import AuditEvent, User
    from chiiki.people import selectors as people_selectors
    from chiiki.people.models import Person
    from chiiki.surveys.models import Survey
    from chiiki.web import demo

    print(f"database: {connection.vendor}")
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    municipality = demo.build(seed=2018)
    demo.build_modules(municipality, 2018)
    print(f"demo with every module: {time.perf_counter() - start:.1f} s")

    survey = Survey.objects.filter(instrument="needs").first()
    assert survey is not None
    district = municipality.districts.order_by("order").first()
    nurse = Client()
    assert nurse.login(username="hokatsu", password=demo.DEMO_PASSWORD)
    officer = Client()
    assert officer.login(username="shokuin", password=demo.DEMO_PASSWORD)
    admin = Client()
    assert admin.login(username="admin", password=demo.DEMO_PASSWORD)
    anonymous = Client()
    base_med, base_p95 = timed(lambda: anonymous.get("/login/"))
    print(f"baseline login page: median {base_med:.1f} ms, p95 {base_p95:.1f} ms")

    pages = [
        ("follow-up list (nurse)", nurse, "/surveys/followup/", 150),
        ("follow-up list (officer)", officer, "/surveys/followup/", 150),
        ("follow-up, page 3", officer, "/surveys/followup/?page=3", 150),
        ("follow-up, one district", officer, f"/surveys/followup/?district={district.pk}", 150),
        ("non-respondents", officer, f"/surveys/{survey.pk}/nonrespondents/", 300),
        ("respondents", officer, f"/surveys/{survey.pk}/respondents/", 150),
        ("person list", officer, "/people/", 150),
        ("audit page", admin, "/accounts/audit/", 150),
    ]
    for name, client, path, target in pages:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(path)
        med, p95 = timed(lambda client=client, path=path: client.get(path))
        verdict = "ok" if p95 < target else "OVER TARGET"
        print(
            f"{name:<26} median {med:6.1f} ms  p95 {p95:6.1f} ms  queries {len(queries):2d}  "
            f"{p95 / base_p95:4.1f}x login  [target {target} ms: {verdict}]"
        )

    # The door's own cost: one page of people through the door (scope + audit event with
    # its 50 subjects) against the same page straight from the ORM, unscoped, unaudited.
    user = User.objects.get(username="shokuin")

    def through_door() -> None:
        people_selectors.person_page_for_user(user=user, page=2)

    def straight() -> None:
        qs = Person.objects.select_related("district", "district__life_area")
        list(Paginator(qs, 50).get_page(2).object_list)

    door_med, door_p95 = timed(through_door)
    raw_med, raw_p95 = timed(straight)
    print(
        f"a page of 50 people: through the door median {door_med:.1f} ms (p95 {door_p95:.1f}), "
        f"straight from the ORM {raw_med:.1f} ms (p95 {raw_p95:.1f}): "
        f"the door adds {door_med - raw_med:.1f} ms ({door_med / raw_med:.1f}x)"
    )
    print(f"audit events written during the run: {AuditEvent.objects.count():,}")


if __name__ == "__main__":
    sys.exit(main())
