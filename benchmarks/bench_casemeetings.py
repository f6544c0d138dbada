"""Case meetings benchmark: the roll-up over 100,000 cases and the due board of 10,000.

Builds a municipality of 30 districts in 6 life areas with 60 individual series meeting
weekly over eight fiscal years (some nine reviews a meeting), and 100,000 cases (90,000 closed, 10,000 open) of
about two reviews each, every review carrying 1 to 3 issue seeds (some 400,000 seed rows),
each case's last review with plan tasks (one or two for an open case, one for a closed
one), bulk-created as an import would, and on PostgreSQL vacuumed and analysed as
autovacuum would leave them. Then times, each against a baseline measured in the same run:

(a) ``selectors.rollup_for`` over every case and over one fiscal year, target p95 under
    500 ms; baseline: a plain count of the same seed rows (the least any roll-up must do:
    touch each row once);
(b) ``selectors.due_board`` of the 10,000 open cases for municipal staff, and for an
    outside professional invited to 48 meetings (the cases reviewed there), target p95 of
    20 runs under 150 ms; baseline: the login page (the framework, no data);
(c) ``chiiki casemeetings import`` of 10,000 rows (5,000 new cases at two stages), then
    the same file again (nothing changes), target under 10 s each; baseline: the same file
    read and checked without writing.

SQLite by default; PostgreSQL when CHIIKI_BENCH_POSTGRES_URL is set.
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

CASES = 100_000
OPEN = 10_000
LIFE_AREAS = 6
DISTRICTS = 30
SERIES = 60  # weekly, some nine reviews a meeting: a city's centers and their kinds
EVERY = 7  # days between two meetings of a series
STEP = 13  # meetings between two stages of a case (about 90 days)
YEARS = 8
ROLLUP_TARGET = 500
BOARD_TARGET = 150
IMPORT_TARGET = 10_000
ROUNDS = 20
IMPORT_ROWS = 10_000
TODAY = dt.date(2026, 2, 10)
FIRST_DAY = dt.date(TODAY.year - YEARS, 4, 1)
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


def count_queries(connection, fn) -> int:
    seen: list[str] = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fn()
    return len(seen)


def build(rng: random.Random):
    """The municipality, its series and meetings, the cases, reviews, seeds and tasks."""
    from django.db.models import Min, OuterRef, Subquery

    from chiiki.accounts.models import Role
    from chiiki.accounts.services import user_create
    from chiiki.areas import services as areas
    from chiiki.casemeetings.models import (
        STAGE_ORDER,
        Case,
        CaseMeeting,
        Focus,
        Invitation,
        Kind,
        Outcome,
        PlanTask,
        Review,
        ReviewTag,
        Series,
    )
    from chiiki.casemeetings.services import next_due
    from chiiki.councils import taxonomy

    m = areas.municipality_create(
        code="352047", name="萩市", prefecture_code="35", prefecture_name="山口県"
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
    series = Series.objects.bulk_create(
        Series(
            municipality=m,
            kind=Kind.INDIVIDUAL,
            focus=Focus.INDEPENDENCE,
            name=f"第{i % LIFE_AREAS + 1}圏域 自立支援型地域ケア会議 {i}",
            host="地域包括支援センター",
            life_area=life_areas[i % LIFE_AREAS],
        )
        for i in range(SERIES)
    )
    days = (TODAY - FIRST_DAY).days
    meetings = CaseMeeting.objects.bulk_create(
        (
            CaseMeeting(series=s, held_on=FIRST_DAY + dt.timedelta(days=d))
            for s in series
            for d in range(0, days, EVERY)
        ),
        batch_size=2000,
    )
    by_series: dict[int, list] = {}
    for meeting in meetings:
        by_series.setdefault(meeting.series_id, []).append(meeting)
    officer = user_create(
        username="officer", password=PASSWORD, role=Role.MUNICIPAL, municipality=m
    )
    nurse = user_create(
        username="nurse",
        password=PASSWORD,
        role=Role.SUPPORT_CENTER,
        municipality=m,
        life_areas=[life_areas[0]],
    )
    advisor = user_create(username="advisor", password=PASSWORD, role=Role.ADVISOR, municipality=m)
    Invitation.objects.bulk_create(
        Invitation(meeting=meeting, user=advisor, profession="pt")
        for meeting in by_series[series[0].pk][-48:]
    )
    codes = sorted(taxonomy.issue_tags().codes)
    care_levels = ["support_1", "support_2", "program_eligible", "care_1", "care_2"]
    cases = []
    plans = []  # (case, its meetings in order)
    for i in range(CASES):
        open_case = i >= CASES - OPEN
        s = series[i % SERIES]
        pool = by_series[s.pk]
        # the open cases were opened in the last year; the closed ones at any time before
        last = len(pool) - 1
        first = rng.randrange(last - 52, last + 1) if open_case else rng.randrange(last - 2 * STEP)
        stages = min(rng.choice((2, 2, 2, 3)), 1 + (last - first) // STEP)
        chosen = [pool[first + k * STEP] for k in range(stages)]
        opened = chosen[0].held_on
        case = Case(
            municipality=m,
            number=f"B-{i:06d}",
            district=districts[(i * 7 + rng.randrange(DISTRICTS)) % DISTRICTS],
            age=rng.randint(65, 99),
            sex=rng.choice("MF"),
            care_level=rng.choice(care_levels),
            owner=nurse if i % 3 == 0 else officer,
            opened_on=opened,
            mid_due_on=opened + dt.timedelta(days=90),
            closing_due_on=opened + dt.timedelta(days=180),
        )
        if open_case:
            case.next_stage, case.next_due_on = next_due(case, set(STAGE_ORDER[:stages]))
        else:
            case.closed_on = chosen[-1].held_on
            case.outcome = rng.choice([Outcome.MET, Outcome.PARTLY, Outcome.NOT_MET])
        cases.append(case)
        plans.append(chosen)
    Case.objects.bulk_create(cases, batch_size=2000)
    reviews = []
    for case, chosen in zip(cases, plans, strict=True):
        for stage, meeting in zip(STAGE_ORDER, chosen, strict=False):
            tags = rng.sample(codes, rng.randint(1, 3))
            reviews.append(
                Review(
                    case=case,
                    meeting=meeting,
                    stage=stage,
                    held_on=meeting.held_on,
                    tag_codes="|" + "|".join(tags) + "|",
                    imported=True,
                )
            )
    Review.objects.bulk_create(reviews, batch_size=2000)
    district_of = {c.pk: c.district_id for c in cases}
    ReviewTag.objects.bulk_create(
        (
            ReviewTag(
                review=r,
                case_id=r.case_id,
                municipality=m,
                district_id=district_of[r.case_id],
                held_on=r.held_on,
                tag=tag,
            )
            for r in reviews
            for tag in r.tags
        ),
        batch_size=5000,
    )
    latest = {r.case_id: r for r in reviews}  # each case's last review
    PlanTask.objects.bulk_create(
        (
            PlanTask(
                review=r,
                kind="informal",
                text="サロンの見学",
                role="coordinator",
                owner="生活支援コーディネーター",
                due_on=r.held_on + dt.timedelta(days=14),
                target="一度見学する",
                target_on=r.held_on + dt.timedelta(days=30),
                achieved=rng.choice(
                    [True, False, None] if r.case.closed_on is None else [True, True, False, None]
                ),
            )
            for r in latest.values()
            for _ in range(rng.randint(1, 2) if r.case.closed_on is None else 1)
        ),
        batch_size=2000,
    )
    # Each case's earliest target not reached, as services.refresh_target keeps it.
    first = (
        PlanTask.objects.filter(review__case=OuterRef("pk"))
        .exclude(achieved=True)
        .order_by()
        .values("review__case")
        .annotate(first=Min("target_on"))
        .values("first")
    )
    Case.objects.filter(municipality=m).update(next_target_on=Subquery(first))
    return m, officer, advisor, len(reviews)


def bench_rollup(m, connection) -> int:
    from chiiki.casemeetings import selectors
    from chiiki.casemeetings.models import ReviewTag

    year = (dt.date(TODAY.year - 1, 4, 1), dt.date(TODAY.year, 3, 31))
    over = 0
    for label, (start, end) in (("every case", (None, None)), ("one fiscal year", year)):
        q = {"municipality": m}
        if start is not None:
            q |= {"held_on__gte": start, "held_on__lte": end}
        _, base_p95 = timed(lambda q=q: ReviewTag.objects.filter(**q).count())
        rolls = selectors.rollup_for(municipality=m, start=start, end=end)
        queries = count_queries(
            connection, lambda s=start, e=end: selectors.rollup_for(municipality=m, start=s, end=e)
        )
        med, p95 = timed(
            lambda s=start, e=end: selectors.rollup_for(municipality=m, start=s, end=e)
        )
        verdict = "ok" if p95 < ROLLUP_TARGET else "OVER TARGET"
        over += p95 >= ROLLUP_TARGET
        cases = sum(r.cases for r in rolls)
        print(
            f"(a) roll-up, {label:<16} median {med:6.1f} ms  p95 {p95:6.1f} ms  queries {queries}  "
            f"{len(rolls)} tags, {cases:,} case-tags  {p95 / base_p95:4.1f}x plain count "
            f"(p95 {base_p95:.1f} ms)  [target {ROLLUP_TARGET} ms: {verdict}]"
        )
    return over


def bench_board(officer, advisor, connection) -> int:
    from django.test import Client

    from chiiki.casemeetings import selectors

    anonymous = Client()
    base_med, base_p95 = timed(lambda: anonymous.get("/login/"))
    print(f"baseline login page: median {base_med:.1f} ms, p95 {base_p95:.1f} ms")
    over = 0
    for label, user in (("municipal staff", officer), ("invited advisor", advisor)):
        board = selectors.due_board(user=user, today=TODAY)
        queries = count_queries(
            connection, lambda user=user: selectors.due_board(user=user, today=TODAY)
        )
        med, p95 = timed(lambda user=user: selectors.due_board(user=user, today=TODAY))
        verdict = "ok" if p95 < BOARD_TARGET else "OVER TARGET"
        over += p95 >= BOARD_TARGET
        print(
            f"(b) due board, {label:<16} median {med:6.1f} ms  p95 {p95:6.1f} ms  "
            f"queries {queries}  open {board.total.open:,} overdue {board.total.overdue:,} "
            f"behind {board.total.behind:,}  {p95 / base_p95:4.1f}x login  "
            f"[target {BOARD_TARGET} ms: {verdict}]"
        )
    return over


def import_file(path: Path, rng: random.Random) -> None:
    header = "会議日,会議種別,事例番号,段階,地区,年齢,性別,要介護度,課題,目標,結果\n"
    tags = ["移動・外出", "買い物", "栄養", "口腔", "閉じこもり・孤立", "運動・転倒"]
    lines = [header]
    for i in range(IMPORT_ROWS // 2):
        day = dt.date(2019, 4, 1) + dt.timedelta(days=14 * (i % 100))
        district = f"地区{i % DISTRICTS + 1:02d}"
        common = f"{district},{rng.randint(65, 99)},{rng.choice('男女')},要支援1"
        for stage, later in (("初回", 0), ("中間", 98)):
            seeds = "、".join(rng.sample(tags, rng.randint(0, 3)))
            result = "継続中" if later else ""
            held = day + dt.timedelta(days=later)
            lines.append(
                f"{held.isoformat()},過去の個別会議,P-{i:05d},{stage},{common},{seeds},外出を続ける,{result}\n"
            )
    path.write_text("".join(lines), encoding="utf-8-sig")


def bench_import(m, tmp: str) -> int:
    from django.core.management import call_command

    from chiiki.casemeetings import importers, records
    from chiiki.core.tabular import read_path
    from chiiki.core.uploads import upload_limits

    path = Path(tmp) / "reviews.csv"
    import_file(path, random.Random(7))

    def check_only() -> None:
        table = read_path(path, upload_limits())
        vocab = importers.vocabulary(m)
        reading = records.read(table, vocab)
        assert not reading.count, reading.faults[:3]

    start = time.perf_counter()
    check_only()
    base = (time.perf_counter() - start) * 1000
    over = 0
    for label in ("first import", "same file again"):
        out = Path(tmp) / "import.json"
        start = time.perf_counter()
        call_command(
            "casemeetings",
            "import",
            str(path),
            "--municipality",
            m.code,
            "--format",
            "json",
            stdout=out.open("w"),
        )
        took = (time.perf_counter() - start) * 1000
        verdict = "ok" if took < IMPORT_TARGET else "OVER TARGET"
        over += took >= IMPORT_TARGET
        print(
            f"(c) import {IMPORT_ROWS:,} rows, {label:<16} {took / 1000:6.2f} s  "
            f"{took / base:4.1f}x read and check only ({base / 1000:.2f} s)  "
            f"[target {IMPORT_TARGET // 1000} s: {verdict}]  {out.read_text()[:160]}"
        )
    return over


def main() -> None:
    url = os.environ.get("CHIIKI_BENCH_POSTGRES_URL")
    tmp = tempfile.mkdtemp()
    setup(url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
    from django.core.management import call_command
    from django.db import connection

    print(f"database: {connection.vendor}")
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    m, officer, advisor, reviews = build(random.Random(2018))
    if connection.vendor == "postgresql":  # as autovacuum leaves tables after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"{CASES:,} cases ({OPEN:,} open), {reviews:,} reviews, {DISTRICTS} districts: "
        f"built in {time.perf_counter() - start:.1f} s"
    )
    over = bench_rollup(m, connection)
    over += bench_board(officer, advisor, connection)
    over += bench_import(m, tmp)
    if over:
        print(f"{over} measurement(s) over their target")


if __name__ == "__main__":
    sys.exit(main())
