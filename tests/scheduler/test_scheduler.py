"""Periodic jobs: each due slot enqueued once, run on the worker, its outcome recorded (and
no personal data in the record); the administrators' page and the operators' command."""

from __future__ import annotations

import datetime as dt
import html
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.timezone import localtime
from django_tasks_db.models import DBTaskResult

from chiiki.areas.models import Prefecture
from chiiki.scheduler import housekeeping, selectors, services
from chiiki.scheduler.models import JobRun, JobSlot, RunStatus, Trigger
from chiiki.scheduler.registry import JOBS, JobError, periodic
from chiiki.scheduler.slots import JST, Daily
from tests.imports.conftest import run_worker


def jst(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=JST)


NOW = jst(2026, 4, 1, 10, 5)


def test_a_due_slot_is_enqueued_once_however_many_schedulers_tick(db, jobs):
    first = services.scheduler_tick(now=NOW)
    assert sorted((s.job, s.due_at) for s in first) == [
        ("test.count", jst(2026, 4, 1, 3)),
        ("test.tidy", jst(2026, 4, 1, 10)),
    ]
    assert services.scheduler_tick(now=NOW + dt.timedelta(seconds=50)) == []
    # A second scheduler that read "not claimed" just before the first claimed it.
    assert services._claim(JOBS["test.count"], jst(2026, 4, 1, 3), NOW) is None
    assert JobSlot.objects.count() == 2 and DBTaskResult.objects.count() == 2
    assert {s.task_id for s in JobSlot.objects.all()} == {
        str(t.pk) for t in DBTaskResult.objects.all()
    }


def test_after_an_outage_only_the_latest_missed_slot_runs(db, jobs):
    services.scheduler_tick(now=jst(2026, 4, 1, 10, 5))
    assert services.scheduler_tick(now=jst(2026, 4, 1, 10, 59)) == []
    [slot] = services.scheduler_tick(now=jst(2026, 4, 1, 11, 0))
    assert (slot.job, slot.due_at) == ("test.tidy", jst(2026, 4, 1, 11))
    later = services.scheduler_tick(now=jst(2026, 4, 3, 15, 30))  # down for two days
    assert sorted((s.job, s.due_at) for s in later) == [
        ("test.count", jst(2026, 4, 3, 3)),
        ("test.tidy", jst(2026, 4, 3, 15)),
    ]


@pytest.mark.django_db(transaction=True)  # the worker commits as it runs
def test_the_worker_runs_each_slot_once_and_records_a_run_per_municipality(town, other_town, jobs):
    services.scheduler_tick(now=NOW)
    run_worker()
    runs = {
        (r.job, r.municipality.code if r.municipality else None): r for r in JobRun.objects.all()
    }
    assert set(runs) == {("test.count", "352047"), ("test.count", "442143"), ("test.tidy", None)}
    hagi = runs[("test.count", "352047")]
    assert (hagi.status, hagi.result, hagi.trigger) == (RunStatus.OK, {"seen": 7}, Trigger.SCHEDULE)
    assert hagi.as_of == jst(2026, 4, 1, 3) and hagi.finished_at is not None
    assert runs[("test.tidy", None)].result == {"removed": 2}
    # The task delivered a second time runs nothing.
    for slot in JobSlot.objects.all():
        assert services.slot_run(slot_id=slot.pk) == []
    assert JobRun.objects.count() == 3 and len(jobs.calls) == 3


def test_a_failing_job_is_recorded_with_its_message_and_the_next_municipality_still_runs(
    town, other_town, jobs
):
    jobs.fail["other"] = True
    runs = services.job_run(name="test.count", as_of=NOW)
    assert [(r.municipality.code, r.status, r.error) for r in runs] == [
        ("352047", RunStatus.OK, ""),
        ("442143", RunStatus.FAILED, "国東市の名簿がありません"),
    ]
    assert runs[1].result == {} and runs[1].finished_at is not None
    assert runs[0].trigger == Trigger.MANUAL


def test_an_unexpected_fault_is_recorded_by_its_kind_only_and_rolls_back_the_jobs_writes(db, jobs):
    @periodic("test.crash", label="壊れる", schedule=Daily(1), per_municipality=False)
    def crash(*, municipality, now):
        Prefecture.objects.create(code="13", name="東京都")
        raise ValueError("山田 太郎さんの行が重複しています")

    @periodic("test.chatty", label="話す", schedule=Daily(1), per_municipality=False)
    def chatty(*, municipality, now):
        return {"name": "山田 太郎"}

    [run] = services.job_run(name="test.crash", as_of=NOW)
    assert run.status == RunStatus.FAILED and "ValueError" in run.error
    assert "山田" not in run.error and not Prefecture.objects.filter(code="13").exists()
    [run] = services.job_run(name="test.chatty", as_of=NOW)
    assert run.status == RunStatus.FAILED and run.result == {} and "山田" not in run.error
    with pytest.raises(JobError, match=r"test\.nothing"):
        services.job_run(name="test.nothing", as_of=NOW)


def test_the_page_shows_each_job_and_its_last_run_of_the_municipality_in_japan_time(
    town, other_town, personas, client_for, jobs, django_assert_max_num_queries
):
    services.job_run(name="test.count", as_of=jst(2026, 3, 31, 3))
    [hagi, _] = services.job_run(name="test.count", as_of=jst(2026, 4, 1, 3))
    client = client_for(personas["admin"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("scheduler:jobs"))
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    row = body.split('id="job-testcount"')[1].split("</tr>")[0]
    assert "数える" in row and "毎日 03:00" in row and "市町村ごと" in row
    assert localtime(hagi.started_at).strftime("%Y-%m-%d %H:%M") in row
    assert "成功" in row and "数えたもの: 7" in row
    assert "数えたもの: 1" not in body  # 国東市's run is not this administrator's
    tidy = body.split('id="job-testtidy"')[1].split("</tr>")[0]
    assert "片づける" in tidy and "まだ実行されていません" in tidy
    assert 'href="/jobs/"' in body  # in the navigation


def test_the_page_is_refused_to_everyone_but_an_administrator(personas, client_for, client, jobs):
    for name in ("officer", "nurse", "volunteer", "outsider"):
        assert client_for(personas[name]).get(reverse("scheduler:jobs")).status_code == 403
    client.logout()
    assert client.get(reverse("scheduler:jobs")).status_code == 302


@pytest.mark.django_db(transaction=True)  # the worker commits as it runs
def test_the_board_warns_when_no_scheduler_claimed_a_slot_or_no_worker_started_it(db, jobs):
    def warnings(now):
        return {r.job.name: r.warning for r in selectors.job_status(now=now)}

    assert warnings(jst(2026, 4, 1, 10, 9))["test.tidy"] == ""  # 10:00 is not late yet
    assert "chiiki scheduler" in warnings(jst(2026, 4, 1, 10, 11))["test.tidy"]
    services.scheduler_tick(now=jst(2026, 4, 1, 10, 11))
    assert warnings(jst(2026, 4, 1, 10, 40))["test.tidy"] == ""  # enqueued at 10:11
    assert "chiiki db_worker" in warnings(jst(2026, 4, 1, 10, 42))["test.tidy"]
    run_worker()
    assert warnings(jst(2026, 4, 1, 10, 42))["test.tidy"] == ""


def test_the_command_lists_last_runs_and_runs_a_job_now(
    town, other_town, jobs, capsys, command_keeps_connection
):
    call_command("jobs", "run", "test.count", "--municipality", "352047")
    assert "萩市" in capsys.readouterr().out and JobRun.objects.count() == 1
    call_command("jobs", "list", "--format", "json")
    listed = {j["name"]: j for j in json.loads(capsys.readouterr().out)}
    [run] = listed["test.count"]["runs"]
    assert (run["municipality"], run["status"], run["result"], run["trigger"]) == (
        "352047",
        "ok",
        {"seen": 7},
        "manual",
    )
    assert run["started_at"].endswith("+09:00") and listed["test.tidy"]["runs"] == []
    jobs.fail["other"] = True
    with pytest.raises(CommandError, match="1 件の実行が失敗"):
        call_command("jobs", "run", "test.count")
    with pytest.raises(CommandError, match="ありません"):
        call_command("jobs", "run", "test.nothing")
    with pytest.raises(CommandError, match="市町村ごとの処理ではありません"):
        call_command("jobs", "run", "test.tidy", "--municipality", "352047")
    call_command("scheduler", "--once")
    assert set(JobSlot.objects.values_list("job", flat=True)) == {"test.count", "test.tidy"}


def test_housekeeping_prunes_old_records_and_ends_runs_left_running(db, jobs):
    old = jst(2025, 12, 1, 3)
    [kept] = services.job_run(name="test.tidy", as_of=NOW)
    JobRun.objects.filter(pk=kept.pk).update(started_at=NOW - dt.timedelta(days=89))
    JobRun.objects.create(
        job="test.tidy", trigger="schedule", as_of=old, started_at=old, status="ok"
    )
    hung = JobRun.objects.create(
        job="test.tidy", trigger="schedule", as_of=NOW, started_at=NOW - dt.timedelta(hours=7)
    )
    assert housekeeping.prune(municipality=None, now=NOW) == {"runs": 1, "tasks": 0, "stale": 1}
    hung.refresh_from_db()
    assert hung.status == RunStatus.FAILED and hung.error == housekeeping.STALE_MESSAGE
    assert set(JobRun.objects.values_list("pk", flat=True)) == {kept.pk, hung.pk}
