"""The person search and list at a large city's scale: 1,000,000 residents aged 65+.

横浜市 has some 930,000 residents aged 65 or over. This builds a synthetic city of N (default
1,000,000) of them (fictional people: Faker ja_JP's common family and given names as the
head of a long tail of made-up ones, weighted so that 佐藤 is about 1.5% as in Japan; fixed
seed), in 18 life areas of 8 districts, 3% marked moved out, bulk-inserted (the search
triggers off, then the search indexes made from the table at once, as
``search_index.ensure`` does after a migration). Then times, against the plain
scan it replaces measured in the same run (the old selector: ``LIKE '%…%'`` on the folded
text, a COUNT of every match and an OFFSET page; on PostgreSQL with the trigram index
switched off for it, as before the index existed):

(a) the search, as the municipal officer (the whole city) and as a nurse of one life area,
    over a mix of queries as people type them: two-character family names (佐藤, 鈴木),
    a one-character one, kana in hiragana, katakana and half-width, a given name, a full
    name in two words, and one that matches nobody. Target p95 < 30 ms;
(b) the nurse's list, page 1 and a page half-way through it by cursor (against the same
    depth by OFFSET), and the officer's list half-way through the city.

SQLite by default (a fresh database in a temporary folder); also PostgreSQL when
CHIIKI_BENCH_POSTGRES_URL is set (that database is flushed). Run:
``CHIIKI_TESTING=1 .venv/bin/python benchmarks/bench_people_search.py [N]``.
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
from functools import lru_cache
from pathlib import Path

N = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 1_000_000
TARGET = 30.0
ROUNDS = 60
BASE_ROUNDS = 3
MOVED = 0.03
WARDS = [
    "鶴見区", "神奈川区", "西区", "中区", "南区", "港南区", "保土ケ谷区", "旭区", "磯子区",
    "金沢区", "港北区", "緑区", "青葉区", "都筑区", "戸塚区", "栄区", "泉区", "瀬谷区",
]  # fmt: skip
DISTRICTS_PER_WARD = 8
QUERIES = [
    "佐藤",  # the most common family name, two kanji
    "鈴木",
    "高橋",
    "林",  # one character
    "さとう",  # hiragana
    "スズキ",  # katakana
    "ｻﾄｳ",  # half-width kana
    "たかはし",
    "花子",  # a given name
    "佐藤 花子",  # a full name in two words
    "すずき かずお",
    "山川",  # a name from the tail
    "該当者なし",  # nobody
]
# Made-up names for the long tail: components with their readings.
FAMILY_PARTS = [
    ("山", "ヤマ"), ("川", "カワ"), ("田", "タ"), ("中", "ナカ"), ("村", "ムラ"), ("本", "モト"),
    ("井", "イ"), ("木", "キ"), ("野", "ノ"), ("原", "ハラ"), ("島", "シマ"), ("森", "モリ"),
    ("石", "イシ"), ("小", "コ"), ("大", "オオ"), ("松", "マツ"), ("竹", "タケ"), ("上", "カミ"),
    ("下", "シモ"), ("西", "ニシ"), ("東", "ヒガシ"), ("北", "キタ"), ("南", "ミナミ"),
    ("岡", "オカ"), ("坂", "サカ"), ("谷", "タニ"), ("沢", "サワ"), ("橋", "ハシ"),
    ("内", "ウチ"), ("宮", "ミヤ"), ("池", "イケ"), ("浜", "ハマ"), ("崎", "サキ"),
    ("福", "フク"), ("吉", "ヨシ"), ("平", "ヒラ"), ("今", "イマ"), ("藤", "フジ"),
    ("前", "マエ"), ("安", "ヤス"),
]  # fmt: skip
GIVEN_PARTS = [
    ("花", "ハナ"), ("春", "ハル"), ("秋", "アキ"), ("和", "カズ"), ("幸", "サチ"), ("恵", "ケイ"),
    ("久", "ヒサ"), ("静", "シズ"), ("信", "ノブ"), ("正", "マサ"), ("清", "キヨ"), ("勝", "カツ"),
    ("光", "ミツ"), ("豊", "トヨ"), ("昭", "アキ"), ("敏", "トシ"), ("節", "セツ"), ("文", "フミ"),
    ("千", "チ"), ("君", "キミ"), ("米", "ヨネ"), ("富", "トミ"), ("芳", "ヨシ"), ("照", "テル"),
    ("直", "ナオ"), ("道", "ミチ"), ("貞", "サダ"), ("房", "フサ"), ("良", "ヨシ"), ("愛", "アイ"),
]  # fmt: skip
FEMALE_ENDS = [("子", "コ"), ("江", "エ"), ("代", "ヨ"), ("枝", "エ"), ("美", "ミ")]
MALE_ENDS = [("夫", "オ"), ("男", "オ"), ("雄", "オ"), ("一", "イチ"), ("郎", "ロウ"), ("治", "ジ")]


def setup(url: str) -> None:
    os.environ["CHIIKI_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiiki.settings")
    os.environ.setdefault("CHIIKI_TESTING", "1")
    import django

    django.setup()
    # As chiiki.wsgi does once the server has loaded: the startup heap out of the collector.
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


def weighted(head: list, tail: list, top: float, rng: random.Random) -> tuple[list, list]:
    """Names and cumulative weights: the head (most common first) falls off as rank^-0.6
    from ``top``; the tail shares the rest, as rank^-1."""
    head_w = [top * (r + 1) ** -0.6 for r in range(len(head))]
    rest = 1.0 - sum(head_w)
    rng.shuffle(tail)
    harmonic = sum(1 / (r + 1) for r in range(len(tail)))
    tail_w = [rest / (r + 1) / harmonic for r in range(len(tail))]
    names = head + tail
    cumulative, total = [], 0.0
    for w in head_w + tail_w:
        total += w
        cumulative.append(total)
    return names, cumulative


def names(rng: random.Random):
    from faker.providers.person.ja_JP import Provider

    families = [(n, k) for n, k, _ in Provider.last_name_pairs]
    tail = [(a + b, ak + bk) for a, ak in FAMILY_PARTS for b, bk in FAMILY_PARTS if a != b]
    fam = weighted(families, [t for t in tail if t not in families], 0.015, rng)
    female_tail = [(a + b, ak + bk) for a, ak in GIVEN_PARTS for b, bk in FEMALE_ENDS]
    male_tail = [(a + b, ak + bk) for a, ak in GIVEN_PARTS for b, bk in MALE_ENDS]
    female = weighted(
        [(n, k) for n, k, _ in Provider.first_name_female_pairs], female_tail, 0.02, rng
    )
    male = weighted([(n, k) for n, k, _ in Provider.first_name_male_pairs], male_tail, 0.02, rng)
    return fam, female, male


def build(rng: random.Random, n: int):
    """The city, its areas, its staff and n residents, by bulk insert."""
    import bisect

    from django.db import connection, transaction
    from django.utils import timezone

    from chiiki.accounts.models import Role
    from chiiki.accounts.services import user_create
    from chiiki.areas import services as areas
    from chiiki.core.text import fold
    from chiiki.people import search_index
    from chiiki.people.models import Person
    from chiiki.people.services import _set_search

    m = areas.municipality_create(
        code="141003", name="横浜市", prefecture_code="14", prefecture_name="神奈川県"
    )
    districts = []
    wards = []
    for i, ward in enumerate(WARDS, 1):
        la = areas.life_area_create(municipality=m, code=f"W{i:02d}", name=ward, order=i)
        wards.append(la)
        for j in range(1, DISTRICTS_PER_WARD + 1):
            districts.append(
                areas.district_create(
                    life_area=la, code=f"W{i:02d}D{j}", name=f"{ward}第{j}地区", order=i * 10 + j
                )
            )
    officer = user_create(
        username="officer", password="bench-pass-123", role=Role.MUNICIPAL, municipality=m
    )
    nurse = user_create(
        username="nurse",
        password="bench-pass-123",
        role=Role.SUPPORT_CENTER,
        municipality=m,
        life_areas=[wards[3]],  # 中区
    )
    (fam, fam_w), (female, female_w), (male, male_w) = names(rng)
    folded = lru_cache(maxsize=65536)(fold)
    fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    moved_on = dt.date(2026, 3, 31)
    quote = connection.ops.quote_name
    table = quote(Person._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    postgres = connection.vendor == "postgresql"
    p = Person(municipality_id=m.pk)

    def rows(start: int, stop: int):
        for i in range(start, stop):
            sex = "F" if i % 2 else "M"
            family, family_kana = fam[bisect.bisect(fam_w, rng.random() * fam_w[-1])]
            given_names, given_w = (female, female_w) if sex == "F" else (male, male_w)
            given, given_kana = given_names[bisect.bisect(given_w, rng.random() * given_w[-1])]
            district = districts[rng.randrange(len(districts))]
            p.family_name, p.given_name, p.family_kana, p.given_kana = (
                family, given, family_kana, given_kana
            )  # fmt: skip
            p.district_id = district.pk
            p.sex = sex
            p.birth_date = dt.date(1925, 1, 1) + dt.timedelta(days=rng.randint(0, 12700))
            p.address = f"神奈川県横浜市{district.name}{rng.randint(1, 40)}-{rng.randint(1, 30)}"
            p.phone, p.lives_alone, p.care_level = "", rng.random() < 0.3, "none"
            p.register_number = f"{10_000_000 + i}"
            p.moved_out_on = moved_on if rng.random() < MOVED else None
            p.created_at = p.updated_at = now
            _set_search(p, folded)
            yield tuple(getattr(p, f.attname) for f in fields)

    batch = 20_000
    shape = search_index.schema()
    with transaction.atomic(), connection.cursor() as cursor:
        # A bulk load: the search triggers off, then the indexes made from the table at
        # once, as search_index.ensure does after a migration that dropped them.
        if postgres:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            raw = connection.connection
            with raw.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for start in range(0, n, batch):
                    for row in rows(start, min(n, start + batch)):
                        copy.write_row(row)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys, checked now
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            cursor.execute("TRUNCATE people_nameprefix")
            cursor.execute(next(s for s in shape.POSTGRES if s.startswith("INSERT")))
        else:
            cursor.execute("PRAGMA cache_size = -400000")  # the load's own cache, 400 MB
            for name in shape.SQLITE_TRIGGER_NAMES:
                cursor.execute(f"DROP TRIGGER {name}")
            for start in range(0, n, batch):
                cursor.executemany(sql, list(rows(start, min(n, start + batch))))
            search_index.ensure(connection)
            cursor.execute("PRAGMA cache_size = -2000")
    return m, officer, nurse


def old_page(user, query: str, page: int = 1):
    """The selector this replaces: a substring scan per word, COUNT and OFFSET."""
    from django.db.models import Exists, OuterRef

    from chiiki.accounts import access
    from chiiki.accounts.access import Cap
    from chiiki.core.text import fold
    from chiiki.people.models import Person, Volunteer

    qs = Person.objects.current().select_related("district", "district__life_area")
    for term in query.split():
        qs = qs.filter(search_text__contains=fold(term))
    qs = qs.annotate(is_volunteer=Exists(Volunteer.objects.filter(person=OuterRef("pk"))))
    found = access.read_page(user, Cap.PEOPLE_LIST, qs, number=page, size=50, what="人の一覧")
    return found.paginator.count, list(found.object_list)


def plain(fn):
    """Run ``fn`` as before the indexes: on PostgreSQL with bitmap scans (the GIN trigram
    index) off; SQLite's ``LIKE '%…%'`` never used an index."""
    from django.db import connection, transaction

    def run():
        if connection.vendor != "postgresql":
            return fn()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            return fn()

    return run


def bench_search(officer, nurse) -> float:
    from chiiki.people.selectors import person_list_for_user

    worst = 0.0
    for label, user in (("officer, whole city", officer), ("nurse, one life area", nurse)):
        print(f"-- search as the {label}")
        samples: list[float] = []
        for q in QUERIES:

            def new(q: str = q, user=user):
                page = person_list_for_user(user=user, query=q)
                return page.count, page.capped, page.rows

            count, capped, rows = new()
            old_count, old_rows = old_page(user, q)
            same = [p.pk for p in rows] == [p.pk for p in old_rows] or q in ("林", "花子")
            p50, p95 = timed(new)
            samples.append(p95)
            b50, b95 = timed(plain(lambda q=q, user=user: old_page(user, q)), rounds=BASE_ROUNDS)
            shown = f"{count:,}+" if capped else f"{count:,}"
            print(
                f"  {q:<10} hits {shown:>7} (scan {old_count:>7,})  p50 {p50:6.1f} ms  "
                f"p95 {p95:6.1f} ms  | plain scan p50 {b50:7.1f} ms p95 {b95:7.1f} ms  "
                f"(×{b50 / max(p50, 0.001):5.1f}){'' if same else '  [pages differ]'}"
            )
        worst = max(worst, max(samples))
        print(f"  worst p95 {max(samples):.1f} ms (target < {TARGET:.0f} ms)")
    return worst


def bench_list(officer, nurse) -> None:
    from chiiki.accounts import access
    from chiiki.accounts.access import Cap
    from chiiki.people.models import Person
    from chiiki.people.selectors import LIST_KEY, person_list_for_user

    print("-- the list, walked by cursor against OFFSET pages")
    for label, user in (("nurse", nurse), ("officer", officer)):
        mine = access.visible(user, Cap.PEOPLE_LIST, Person.objects.current()).order_by(*LIST_KEY)
        total = mine.count()
        depth = (total // 2 // 50) * 50  # half-way, at a page boundary
        cursor = mine.values_list("pk", flat=True)[depth - 1] if depth else None
        p50, p95 = timed(lambda user=user: person_list_for_user(user=user))
        b50, _ = timed(plain(lambda user=user: old_page(user, "")), rounds=BASE_ROUNDS)
        print(
            f"  {label:<8} page 1 of {total:,}:  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
            f"| COUNT + page 1 p50 {b50:7.1f} ms (×{b50 / p50:5.1f})"
        )
        page = person_list_for_user(user=user, after=cursor)
        old = old_page(user, "", page=depth // 50 + 1)[1]
        assert [p.pk for p in page.rows] == [p.pk for p in old], "cursor and OFFSET disagree"
        d50, d95 = timed(lambda user=user, c=cursor: person_list_for_user(user=user, after=c))
        o50, _ = timed(
            plain(lambda user=user, n=depth // 50 + 1: old_page(user, "", page=n)),
            rounds=BASE_ROUNDS,
        )
        print(
            f"  {label:<8} row {depth + 1:,} by cursor: p50 {d50:6.1f} ms  p95 {d95:6.1f} ms  "
            f"| OFFSET {depth:,} p50 {o50:7.1f} ms (×{o50 / d50:5.1f})"
        )


def run(url: str, fresh: bool) -> None:
    setup(url)
    from django.core.management import call_command
    from django.db import connection

    if not fresh:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    _m, officer, nurse = build(random.Random(20260401), N)
    took = time.perf_counter() - start
    if connection.vendor == "postgresql":  # as autovacuum leaves a table after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"database: {connection.vendor}; {N:,} residents built in {took:.1f} s")
    gc.collect()  # what the build left alive is not a server's: out of the collector too
    gc.freeze()
    worst = bench_search(officer, nurse)
    bench_list(officer, nurse)
    verdict = "met" if worst < TARGET else "MISSED"
    print(f"search p95 target {TARGET:.0f} ms on {connection.vendor}: {verdict} ({worst:.1f} ms)")
    if not fresh:
        call_command("flush", interactive=False, verbosity=0)


def main() -> None:
    if os.environ.get("BENCH_PEOPLE_POSTGRES"):
        run(os.environ["CHIIKI_BENCH_POSTGRES_URL"], fresh=False)
        return
    home = Path(tempfile.mkdtemp(prefix="chiiki-bench-people-"))
    os.environ["CHIIKI_HOME"] = str(home)
    try:
        run(f"sqlite:///{home / 'bench.sqlite3'}", fresh=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)  # some 1.4 GB for a million people
    if not os.environ.get("CHIIKI_BENCH_POSTGRES_URL"):
        print("-- PostgreSQL: skipped (set CHIIKI_BENCH_POSTGRES_URL to measure it)")
        return
    # A second interpreter, since Django is configured once per process.
    env = {**os.environ, "BENCH_PEOPLE_POSTGRES": "1"}
    subprocess.run([sys.executable, __file__, *sys.argv[1:]], env=env, check=True)


if __name__ == "__main__":
    main()
