"""Import jobs: small files in the request, large ones as tasks on the real database queue,
the same job page for both, progress outside the transaction, and who may see a job."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from chiiki.areas import services as area_services
from chiiki.areas.models import PopulationRecord
from chiiki.imports import services as import_services
from chiiki.imports.models import ImportJob, ImportStatus
from chiiki.surveys import services as survey_services
from chiiki.surveys.models import Respondent
from tests.imports.conftest import run_worker
from tests.surveys.conftest import needs_csv, needs_rows
from tests.uploads import bomb_xlsx, repeated_xlsx

HEADER = "地区,基準日,性別,年齢階級,人数"
BANDS = [f"{a}-{a + 4}" for a in range(0, 100, 5)] + ["100歳以上"]


def population_csv(days: int) -> bytes:
    """Whole population tables of 須佐 for ``days`` dates (42 rows a date)."""
    import datetime as dt

    lines = [HEADER]
    for d in range(days):
        date = (dt.date(2000, 1, 1) + dt.timedelta(days=d)).isoformat()
        lines += [f"須佐,{date},{s},{b},{10 + d % 7}" for s in "男女" for b in BANDS]
    return ("\n".join(lines) + "\n").encode()


def upload(client, data: bytes, name: str = "pop.csv"):
    return client.post(reverse("areas:population_import"), {"file": SimpleUploadedFile(name, data)})


def page(client, job: ImportJob, **headers) -> str:
    response = client.get(reverse("imports:job", args=[job.pk]), headers=headers)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_a_small_file_runs_in_the_request_and_its_job_page_shows_the_result(
    town, personas, client_for, settings
):
    client = client_for(personas["officer"])
    response = upload(client, population_csv(1))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "imports:job", args=[job.pk]
    )
    assert job.status == ImportStatus.DONE and not DBTaskResult.objects.exists()
    body = page(client, job)
    assert "完了" in body and "追加 42" in body and "<progress" not in body
    assert not import_services.import_job_path(job).exists()  # the upload is gone


@pytest.mark.django_db(transaction=True)
def test_a_large_file_runs_as_a_task_on_the_worker_with_the_same_result_page(
    town, personas, client_for
):
    data = population_csv(900)  # 37,800 rows, about 1.2 MB: over the inline threshold
    assert len(data) > 1024 * 1024
    client = client_for(personas["officer"])
    upload(client, data)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.QUEUED and job.task_id
    assert import_services.import_job_path(job).exists()
    waiting = page(client, job)
    assert "<progress" in waiting and 'aria-live="polite"' in waiting and "待機" in waiting
    assert 'hx-trigger="every 1s"' in waiting
    partial = page(client, job, HX_Request="true")
    assert partial.lstrip().startswith('<div id="job-status"') and "<html" not in partial
    run_worker()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors
    assert job.result["created"] == 37_800 and PopulationRecord.objects.count() == 37_800
    assert job.progress_done == job.progress_total == 37_800
    assert not import_services.import_job_path(job).exists()
    done = page(client, job)
    assert "追加 37800" in done and "hx-trigger" not in done  # the poll stops
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # The same file again, through the queue again, changes nothing.
    upload(client, data)
    run_worker()
    again = ImportJob.objects.order_by("-pk").first()
    assert again.status == ImportStatus.DONE and again.result["unchanged"] == 37_800
    assert again.result["created"] == again.result["updated"] == 0
    assert PopulationRecord.objects.count() == 37_800


@pytest.mark.django_db(transaction=True)
def test_progress_is_written_outside_the_transaction_and_saving_is_announced_first(
    town, personas, monkeypatch
):
    seen: list[tuple[str, int, bool]] = []
    reporter_call = import_services._Reporter.__call__

    def spy(self, stage, done, total):
        seen.append((stage, done, connection.in_atomic_block))
        reporter_call(self, stage, done, total)

    write = area_services._population_write

    def write_spy(*args, **kwargs):
        assert connection.in_atomic_block
        job = ImportJob.objects.get()
        assert job.stage == "保存中" and job.progress_done == job.progress_total
        return write(*args, **kwargs)

    monkeypatch.setattr(import_services._Reporter, "__call__", spy)
    monkeypatch.setattr(area_services, "_population_write", write_spy)
    import_services.import_job_create(
        user=personas["officer"],
        kind="population",
        municipality=town.municipality,
        upload=SimpleUploadedFile("pop.csv", population_csv(900)),
    )
    run_worker()
    assert ImportJob.objects.get().status == ImportStatus.DONE
    stages = [s for s, _, _ in seen]
    assert {"検証中", "保存中"} <= set(stages) and stages[-1] == "保存中"
    assert not any(in_atomic for _, _, in_atomic in seen)
    assert [d for s, d, _ in seen if s == "検証中"] == sorted(
        d for s, d, _ in seen if s == "検証中"
    )


@pytest.mark.django_db(transaction=True)
def test_a_bad_large_file_fails_on_the_worker_and_stores_nothing(town, personas, client_for):
    data = population_csv(900).replace(
        b"\n\xe9\xa0\x88\xe4\xbd\x90,2001-01-01,\xe7\x94\xb7,65-69,",
        b"\n\xe9\xa0\x88\xe4\xbd\x90,2001-01-01,\xe7\x94\xb7,65-69,-",
        1,
    )
    client = client_for(personas["officer"])
    upload(client, data)
    run_worker()
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED and job.error_count == 1
    assert "「人数」列" in job.errors[0]["message"] and job.errors[0]["row"] > 2
    assert PopulationRecord.objects.count() == 0
    assert "何も取り込んでいません" in page(client, job)


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_202_for_a_large_file_and_its_status_url_gives_the_result(
    town, personas, client_for
):
    survey = survey_services.survey_create(
        user=personas["officer"], municipality=town.municipality, name="調査", fiscal_year=2025
    )
    data = needs_csv(needs_rows(17_000, ["須佐", "旭"]))
    assert len(data) > 1024 * 1024
    client = client_for(personas["officer"])
    response = client.post(
        f"/api/surveys/{survey.pk}/import", {"file": SimpleUploadedFile("a.csv", data)}
    )
    assert response.status_code == 202
    status_url = response.json()["status_url"]
    assert status_url == f"/api/v1/imports/{response.json()['job']}"
    assert client.get(status_url).json()["status"] == "queued"
    run_worker()
    body = client.get(status_url).json()
    assert body["status"] == "done" and body["result"]["created"] == 17_000
    assert Respondent.objects.count() == 17_000
    assert client_for(personas["outsider"]).get(status_url).status_code == 403


@pytest.mark.django_db
def test_the_openapi_document_describes_the_202_and_the_status_route(client):
    doc = client.get("/api/openapi.json").json()
    for route in ("/api/v1/surveys/{survey_id}/import", "/api/v1/surveys/{survey_id}/mailing"):
        assert {"200", "202", "400"} <= set(doc["paths"][route]["post"]["responses"])
    assert "/api/v1/imports/{job_id}" in doc["paths"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("admin", True),
        ("officer", True),
        ("nurse", False),
        ("coordinator", False),
        ("volunteer", False),
        ("pref", False),
        ("outsider", False),
    ],
)
def test_a_job_is_seen_by_those_who_may_run_that_import_in_its_municipality(
    town, personas, client_for, name, allowed
):
    job = import_services.import_job_create(
        user=personas["officer"],
        kind="population",
        municipality=town.municipality,
        upload=SimpleUploadedFile("pop.csv", population_csv(1)),
    )
    client = client_for(personas[name])
    web = client.get(reverse("imports:job", args=[job.pk])).status_code
    api = client.get(f"/api/imports/{job.pk}").status_code
    assert (web, api) == ((200, 200) if allowed else (403, 403))


@pytest.mark.django_db
def test_a_missing_job_is_refused_like_another_municipalitys(personas, client_for):
    client = client_for(personas["officer"])
    assert client.get(reverse("imports:job", args=[999999])).status_code == 403
    assert client.get("/imports/99999999999999999999/").status_code == 403


@pytest.mark.django_db
def test_the_reviews_workbook_over_the_row_limit_is_refused_at_upload_before_parsing(
    town, personas, client_for, settings
):
    settings.CHIIKI_UPLOAD_MAX_ROWS = 100_000
    data = repeated_xlsx(HEADER.split(","), ["須佐", "2018-04-01", "男", "65-69", 10], 500_000)
    client = client_for(personas["officer"])
    upload(client, data, "big.xlsx")
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED and not DBTaskResult.objects.exists()
    assert "このファイルは500,000行あります（上限 100,000行" in job.errors[0]["message"]
    assert not import_services.import_job_path(job).exists()


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_at_upload(town, personas, client_for, settings):
    settings.CHIIKI_UPLOAD_MAX_XLSX_EXPANDED_BYTES = 32 << 20
    upload(client_for(personas["officer"]), bomb_xlsx(64 << 20), "bomb.xlsx")
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED and "圧縮爆弾" in job.errors[0]["message"]


@pytest.mark.django_db(transaction=True)
def test_a_small_workbook_of_many_rows_runs_in_the_background(town, personas, client_for):
    """A review's 437 KB of XLSX held 500,000 rows and timed the web worker out: now the
    upload is queued at once (its expanded size, not its bytes, decides), and the worker
    reads it streaming and reports the duplicates (every row is the same) without storing
    any. 120,000 rows show the same in a quarter of the time (the reader's speed on the
    whole file is the imports benchmark's)."""
    rows = 120_000
    data = repeated_xlsx(HEADER.split(","), ["須佐", "2018-04-01", "男", "65-69", 10], rows)
    assert len(data) < 1024 * 1024  # under the inline threshold by its bytes
    client = client_for(personas["officer"])
    upload(client, data, "big.xlsx")
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.QUEUED
    run_worker()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.error_count == rows - 1
    assert len(job.errors) == 500 and "3行目と同じ" not in job.errors[0]["message"]
    assert "2行目と同じ区分が重複しています" in job.errors[0]["message"]
    assert PopulationRecord.objects.count() == 0
