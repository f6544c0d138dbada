"""Onboarding at a town's scale: 116,473 residents from a register extract on SQLite.

Builds a synthetic extract (Faker ja_JP names, fixed seed, fictional people) for a made-up
area tree of 佐々町 and measures, on a fresh SQLite database:

1. ``chiiki people import``: the first run (every resident created) and the second run of
   the same file (every resident unchanged);
2. a plain baseline in the same run: the same rows read with the csv module and written
   by sqlite3's executemany into a bare table, so that the figures can be read against
   what the machine does with no checks at all.

The target is under 30 s for the first run. Run:
``CHIIKI_TESTING=1 .venv/bin/python benchmarks/bench_onboarding.py [N]``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

N = int(sys.argv[1]) if len(sys.argv) > 1 else 116_473
TARGET = 30.0
HOME = Path(tempfile.mkdtemp(prefix="chiiki-bench-onboarding-"))
os.environ["CHIIKI_HOME"] = str(HOME)
os.environ["CHIIKI_DATABASE_URL"] = f"sqlite:///{HOME / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiiki.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from faker import Faker  # noqa: E402

AREAS = ["小浦免", "松瀬免", "口石免", "市瀬免", "市瀬免東", "沖田免", "古川免", "迎免"]
FORMS = ["長崎県北松浦郡佐々町{}", "佐々町{}", "{}"]


def area_file() -> Path:
    path = HOME / "地区.csv"
    lines = ["市町村コード,市町村名,圏域,地区,町丁目"]
    lines += [f"423912,佐々町,圏域{i % 2},地区{i % 4},{a}" for i, a in enumerate(AREAS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def register_file(n: int) -> Path:
    fake = Faker("ja_JP")
    fake.seed_instance(20260401)
    rng = random.Random(20260401)
    families = [fake.last_name_pair()[:2] for _ in range(400)]
    givens = [fake.first_name_pair()[:2] for _ in range(400)]
    path = HOME / "住民記録.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["宛名番号", "氏名", "氏名カナ", "性別", "生年月日", "住所", "世帯人数"])
        for i in range(n):
            (family, fk), (given, gk) = rng.choice(families), rng.choice(givens)
            birth = dt.date(1925, 1, 1) + dt.timedelta(days=rng.randint(0, 36000))
            address = FORMS[i % 3].format(AREAS[i % len(AREAS)]) + f"{rng.randint(1, 2000)}"
            out.writerow(
                [
                    f"{1_000_000 + i}",
                    f"{family} {given}",
                    f"{fk} {gk}",
                    "男女"[i % 2],
                    birth.isoformat(),
                    address,
                    rng.randint(1, 6),
                ]
            )
    return path


def timed_import(path: Path) -> tuple[float, str]:
    out = io.StringIO()
    started = time.perf_counter()
    call_command(
        "people", "import", str(path), "--municipality", "423912", "--format", "json", stdout=out
    )
    return time.perf_counter() - started, out.getvalue().strip()


def baseline(path: Path) -> float:
    started = time.perf_counter()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    db = sqlite3.connect(HOME / "baseline.sqlite3")
    db.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, n, name, kana, sex, birth, addr, hh)")
    with db:
        db.executemany(
            "INSERT INTO person (n, name, kana, sex, birth, addr, hh) VALUES (?,?,?,?,?,?,?)", rows
        )
    db.close()
    return time.perf_counter() - started


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("areas", "import", str(area_file()), stdout=io.StringIO())
    path = register_file(N)
    print(f"register extract: {N:,} residents, {path.stat().st_size / 1e6:.1f} MB")
    first, counts = timed_import(path)
    print(f"first import:  {first:6.2f} s  {counts}")
    second, counts = timed_import(path)
    print(f"second import: {second:6.2f} s  {counts}")
    plain = baseline(path)
    print(f"baseline (csv + sqlite3 executemany, no checks): {plain:6.2f} s")
    print(
        f"first import / baseline: {first / plain:.1f}x; target {TARGET:.0f} s: "
        f"{'met' if first < TARGET else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
