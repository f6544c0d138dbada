"""Councils benchmark: the register with 5,000 issues and coverage for 44 districts.

Builds a municipality shaped like 高松市 (44 districts in 8 life areas, 地域福祉ネットワーク
会議 in 39 of them, founded over the years), with 5,000 regional issues carrying tags,
dated status steps, evidence and, for some, a directory service. Then times, against the
login page (framework, no data) in the same run: the register's page, the register through the API (first page, a
deep page, filtered), the selector behind the page, the coverage page, and the command
that prints the whole register as JSON and CSV. Target: p95 < 150 ms for pages and API
calls (a bulk API page of 500 has its own, 600 ms); the command prints 5,000 issues at
once and has its own target.
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
from typing import Any

ROUNDS = 40
ISSUES = 5_000
LIFE_AREAS = 8
DISTRICTS = 44
COVERED = 39
PAGE_TARGET = 150
BULK_TARGET = 600  # a page of 500, ten times the default page: a bulk read for other systems
COMMAND_TARGET = 3_000
PASSWORD = "bench-pass-123"


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


def build(rng: random.Random):
    """The municipality, its bodies and the register (bulk-created, as an import would)."""
    from chiiki.accounts.models import Role
    from chiiki.accounts.services import user_create
    from chiiki.areas import services as areas
    from chiiki.councils import taxonomy
    from chiiki.councils.models import (
        STATUS_PATH,
        BodyKind,
        IssueEvent,
        IssueEvidence,
        IssueResource,
        IssueStatus,
        Layer,
        RegionalIssue,
    )
    from chiiki.councils.services.bodies import body_create
    from chiiki.resources.models import Organization, Service

    m = areas.municipality_create(
        code="372013", name="高松市", prefecture_code="37", prefecture_name="香川県"
    )
    life_areas = [
        areas.life_area_create(municipality=m, code=f"L{i}", name=f"第{i}圏域", order=i)
        for i in range(1, LIFE_AREAS + 1)
    ]
    districts = [
        areas.district_create(
            life_area=life_areas[i % LIFE_AREAS], code=f"D{i:02d}", name=f"地区{i:02d}", order=i
        )
        for i in range(1, DISTRICTS + 1)
    ]
    bodies = [
        body_create(
            user=None,
            municipality=m,
            layer=Layer.DISTRICT,
            kind=BodyKind.WELFARE_NETWORK,
            name=f"{d.name} 地域福祉ネットワーク会議",
            district=d,
            founded_on=dt.date(2012 + i % 9, 4, 1),
        )
        for i, d in enumerate(rng.sample(districts, COVERED))
    ]
    org = Organization.objects.create(municipality=m, name="社会福祉協議会", provider_kind="shakyo")
    services = Service.objects.bulk_create(
        Service(municipality=m, organization=org, district=rng.choice(districts), name=f"資源{i}")
        for i in range(300)
    )
    codes = sorted(taxonomy.issue_tags().codes)
    statuses = [*STATUS_PATH, IssueStatus.DEFERRED]
    issues = []
    for i in range(ISSUES):
        district = rng.choice(districts)
        tags = rng.sample(codes, rng.randint(1, 3))
        issues.append(
            RegionalIssue(
                municipality=m,
                body=rng.choice(bodies),
                title=f"地域課題 {i}: {tags[0]}",
                life_area_id=district.life_area_id,
                district=district,
                tag_codes="|" + "|".join(tags) + "|",
                status=rng.choice(statuses),
                status_on=dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3600)),
            )
        )
    issues = RegionalIssue.objects.bulk_create(issues, batch_size=1000)
    IssueEvent.objects.bulk_create(
        (
            IssueEvent(
                issue=x, from_status="", to_status="found", on=x.status_on, signed_by="bench"
            )
            for x in issues
        ),
        batch_size=2000,
    )
    IssueEvidence.objects.bulk_create(
        (
            IssueEvidence(issue=x, kind="member_report", title="報告", added_on=x.status_on)
            for x in issues
            for _ in range(rng.randint(0, 3))
        ),
        batch_size=2000,
    )
    IssueResource.objects.bulk_create(
        (
            IssueResource(issue=x, service=rng.choice(services), started_on=x.status_on)
            for x in issues
            if x.status in (IssueStatus.DEVELOPING, IssueStatus.RESOLVED)
        ),
        batch_size=2000,
        ignore_conflicts=True,
    )
    user_create(username="officer", password=PASSWORD, role=Role.MUNICIPAL, municipality=m)
    user_create(
        username="sc",
        password=PASSWORD,
        role=Role.COORDINATOR,
        municipality=m,
        life_areas=[life_areas[0]],
    )
    return m, life_areas


def main() -> None:
    url = os.environ.get("CHIIKI_BENCH_POSTGRES_URL")
    tmp = tempfile.mkdtemp()
    setup(url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from chiiki.accounts.models import User
    from chiiki.councils.selectors.issues import issue_page_for_user

    print(f"database: {connection.vendor}")
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    municipality, life_areas = build(random.Random(2018))
    print(
        f"{ISSUES:,} issues, {DISTRICTS} districts ({COVERED} with a body): "
        f"{time.perf_counter() - start:.1f} s"
    )

    officer, sc, anonymous = Client(), Client(), Client()
    assert officer.login(username="officer", password=PASSWORD)
    assert sc.login(username="sc", password=PASSWORD)
    base_med, base_p95 = timed(lambda: anonymous.get("/login/"))
    print(f"baseline login page: median {base_med:.1f} ms, p95 {base_p95:.1f} ms")

    register = reverse("councils:issue_list")
    pages: list[tuple[Any, ...]] = [
        ("register page", officer, register),
        ("register page 40", officer, f"{register}?page=40"),
        ("register page, one tag", officer, f"{register}?tag=mobility"),
        ("API register, page 1", officer, "/api/councils/issues"),
        ("API register, page 80", officer, "/api/councils/issues?page=80"),
        ("API register, tag+status", officer, "/api/councils/issues?tag=mobility&status=found"),
        ("API register, life area", sc, f"/api/councils/issues?life_area_id={life_areas[0].pk}"),
        ("API register, 500 a page", officer, "/api/councils/issues?page_size=500", BULK_TARGET),
        ("coverage page", officer, "/councils/coverage/"),
        ("coverage page (SC)", sc, "/councils/coverage/"),
        ("coverage since 2010", officer, "/councils/coverage/?since=2010"),
    ]
    over = 0
    for name, client, path, *own in pages:
        target = own[0] if own else PAGE_TARGET
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
        over += p95 >= target
        print(
            f"{name:<28} median {med:6.1f} ms  p95 {p95:6.1f} ms  queries {len(queries):2d}  "
            f"{p95 / base_p95:4.1f}x login  [target {target} ms: {verdict}]"
        )

    user = User.objects.get(username="officer")
    med, p95 = timed(
        lambda: list(issue_page_for_user(user=user, page=1, tag="mobility").object_list)
    )
    print(f"{'selector issue_page_for_user':<28} median {med:6.1f} ms  p95 {p95:6.1f} ms")

    out = Path(tmp) / "register"
    for fmt in ("json", "csv"):

        def command(fmt: str = fmt) -> None:
            call_command(
                "councils",
                "issues",
                "--municipality",
                municipality.code,
                "--format",
                fmt,
                "-o",
                str(out.with_suffix(f".{fmt}")),
            )

        med, p95 = timed(command, rounds=10)
        verdict = "ok" if p95 < COMMAND_TARGET else "OVER TARGET"
        size = out.with_suffix(f".{fmt}").stat().st_size
        print(
            f"{'command issues --format ' + fmt:<28} median {med:6.1f} ms  p95 {p95:6.1f} ms  "
            f"{size / 1024:,.0f} KB  [target {COMMAND_TARGET} ms: {verdict}]"
        )
    if over:
        print(f"{over} page(s) over their target")


if __name__ == "__main__":
    sys.exit(main())
