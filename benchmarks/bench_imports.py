"""Uploads at the review's scale: a 500,000-row XLSX through the import job and the worker.

The outside review's 437 KB workbook of 500,000 rows timed the web worker out at 680 MB.
This builds the same shape (one row repeated, no cell references, so it compresses to a
few hundred kilobytes) and measures, on a fresh SQLite database:

1. the upload: the request that accepts the file (checks the zip's declared sizes and the
   sheet's dimension, keeps the bytes, queues the job) — it must not parse the sheet;
2. ``chiiki db_worker --batch`` in its own process: wall time and peak memory (max RSS) of
   the run that reads, validates and reports on every row;

for a population file (every row the same, so it ends with 499,999 duplicate-row errors and
stores nothing) and for needs-survey answers (500,000 distinct respondents, all stored).

Run: ``CHIIKI_TESTING=1 .venv/bin/python benchmarks/bench_imports.py [N]``.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
HOME = Path(tempfile.mkdtemp(prefix="chiiki-bench-imports-"))
os.environ["CHIIKI_HOME"] = str(HOME)
os.environ["CHIIKI_DATABASE_URL"] = f"sqlite:///{HOME / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiiki.settings")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from tests.surveys.conftest import HEADER  # noqa: E402
from tests.uploads import repeated_xlsx, xlsx_bytes  # noqa: E402

from chiiki.accounts.models import Role  # noqa: E402
from chiiki.accounts.services import user_create  # noqa: E402
from chiiki.areas import services as areas  # noqa: E402
from chiiki.imports.models import ImportJob  # noqa: E402
from chiiki.imports.services import import_job_create  # noqa: E402
from chiiki.surveys import services as surveys  # noqa: E402


def survey_rows(n: int):
    """Needs-survey answer sheets (the 25 columns of the tests' files), all valid."""
    rng = random.Random(7)
    pool = [
        [rng.randint(1, 3) for _ in range(4)]
        + [rng.randint(1, 4) for _ in range(2)]
        + [rng.randint(140, 175), rng.randint(38, 75)]
        + [rng.randint(1, 2) for _ in range(5)]
        + [rng.randint(1, 3) for _ in range(5)]
        + [rng.randint(1, 2) for _ in range(2)]
        for _ in range(997)
    ]
    for i in range(n):
        yield [f"R{i:07d}", "", "男女"[i % 2], 65 + i % 30, ["須佐", "旭"][i % 2], *pool[i % 997]]


def run(kind: str, data: bytes, name: str, user, municipality, survey=None) -> None:
    started = time.perf_counter()
    job = import_job_create(
        user=user,
        kind=kind,
        municipality=municipality,
        survey=survey,
        upload=SimpleUploadedFile(name, data),
    )
    accepted = time.perf_counter() - started
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "chiiki", "db_worker", "--batch", "--no-startup-delay", "-v", "0"],
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])},
    )
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    job.refresh_from_db()
    print(
        f"{kind:15} {name:12} {len(data) / 1024:8,.0f} KB  upload answered in {accepted:5.2f} s "
        f"({job.task_id and 'queued'})  worker {elapsed:6.1f} s, peak {max(peak, before) / 1024:6,.0f} MB"
        f"  → {job.get_status_display()} {job.result.get('message', '')}"
        f"{'' if job.status == 'done' else f'{job.error_count:,} errors'}"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    m = areas.municipality_create(
        code="352047", name="萩市", prefecture_code="35", prefecture_name="山口県"
    )
    la = areas.life_area_create(municipality=m, code="N", name="北部")
    areas.district_create(life_area=la, code="N1", name="須佐")
    areas.district_create(life_area=la, code="N2", name="旭")
    officer = user_create(
        username="officer", password="bench-pass-123", role=Role.MUNICIPAL, municipality=m
    )
    population = repeated_xlsx(
        ["地区", "基準日", "性別", "年齢階級", "人数"], ["須佐", "2018-04-01", "男", "65-69", 10], N
    )
    run("population", population, "pop.xlsx", officer, m)
    survey = surveys.survey_create(user=officer, municipality=m, name="ベンチ", fiscal_year=2025)
    answers = xlsx_bytes(HEADER.split(","), survey_rows(N), count=N)
    run("survey_answers", answers, "answers.xlsx", officer, m, survey)
    print(f"jobs: {ImportJob.objects.count()}  (database and uploads under a temporary folder)")


if __name__ == "__main__":
    main()
