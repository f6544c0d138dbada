"""Requests from entry to payment, matching in the database, concurrency and bad input."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from chiiki.accounts.models import AuditEvent
from chiiki.mutualaid import services
from chiiki.mutualaid.models import HelpRequest, PointEntry, Status
from tests.mutualaid.conftest import WEEK, new_request


def test_a_request_goes_from_entry_to_paid_and_every_change_is_recorded(aid, personas):
    officer = personas["officer"]
    req = new_request(aid, officer, task="mowing", slots=(0, 1))
    assert req.status == Status.REQUESTED and req.address == aid.resident.address
    result = services.matching_run(municipality=aid.service.municipality, week=WEEK, user=officer)
    assert result["served"] == 1
    req.refresh_from_db()
    assert req.status == Status.MATCHED and req.volunteer == aid.hanako  # the only mower
    assert any("草刈機" in r for r in req.match_reasons)
    services.proposal_confirm(user=officer, request_id=req.pk)
    done = services.request_done(user=officer, request_id=req.pk, actual_minutes=45)
    assert done.fee == 800 and [p["amount"] for p in done.fee_parts] == [600, 200]
    paid = services.request_paid(user=officer, request_id=req.pk, paid_on=dt.date(2019, 6, 4))
    assert paid.paid
    assert [e.to_status for e in req.events.all()] == [
        "requested",
        "matched",
        "confirmed",
        "done",
        "done",
    ]
    assert services.points_balance(aid.hanako.pk) == 2  # 45 minutes: two half-hours begun
    assert AuditEvent.objects.filter(
        model="mutualaid.helprequest", object_id=req.pk, action="create"
    ).exists()


def test_two_confirmations_of_the_same_proposal_give_one_winner_and_one_clear_refusal(
    aid, personas
):
    req = new_request(aid, personas["officer"])
    services.proposal_change(
        user=personas["officer"], request_id=req.pk, volunteer=aid.hanako, slot=0
    )
    services.proposal_confirm(user=personas["officer"], request_id=req.pk)
    with pytest.raises(services.ConflictError, match="既に「確定」"):
        services.proposal_confirm(user=personas["coordinator"], request_id=req.pk)
    assert req.events.filter(to_status=Status.CONFIRMED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_confirmations_racing_in_two_threads_leave_exactly_one_winner(aid, personas):
    req = new_request(aid, personas["officer"])
    services.proposal_change(
        user=personas["officer"], request_id=req.pk, volunteer=aid.hanako, slot=0
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm(user):
        try:
            barrier.wait()
            services.proposal_confirm(user=user, request_id=req.pk)
            outcomes.append("ok")
        except services.ConflictError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=confirm, args=(personas[n],)) for n in ("officer", "coordinator")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"], outcomes
    assert HelpRequest.objects.get(pk=req.pk).status == Status.CONFIRMED
    assert req.events.filter(to_status=Status.CONFIRMED).count() == 1


def test_a_confirmation_of_a_proposal_that_changed_meanwhile_is_refused(aid, personas):
    officer = personas["officer"]
    req = new_request(aid, officer, task="weeding", slots=(0,))
    services.proposal_change(user=officer, request_id=req.pk, volunteer=aid.hanako, slot=0)
    services.proposal_change(user=officer, request_id=req.pk, volunteer=aid.jiro, slot=0)
    with pytest.raises(services.ConflictError):
        services.proposal_confirm(user=officer, request_id=req.pk, volunteer_id=aid.hanako.pk)


def test_a_volunteer_is_never_double_booked_by_hand(aid, personas):
    officer = personas["officer"]
    first = new_request(aid, officer, task="weeding", slots=(0,))
    second = new_request(aid, officer, task="weeding", slots=(0,))
    services.proposal_change(user=officer, request_id=first.pk, volunteer=aid.hanako, slot=0)
    with pytest.raises(ValidationError, match="二重予約"):
        services.proposal_change(user=officer, request_id=second.pk, volunteer=aid.hanako, slot=0)
    second.refresh_from_db()
    assert second.status == Status.REQUESTED and second.volunteer is None


def test_by_hand_the_skills_tools_area_time_and_weekly_maximum_still_hold(aid, personas, town):
    officer = personas["officer"]
    req = new_request(aid, officer, task="mowing", slots=(4,))
    with pytest.raises(ValidationError) as err:
        services.proposal_change(user=officer, request_id=req.pk, volunteer=aid.jiro, slot=1)
    text = str(err.value)
    assert "草刈り" in text and "草刈機" in text and "月 午後 は空いていません" in text
    for slot in (0, 1):
        r = new_request(aid, officer, task="weeding", slots=(slot,))
        services.proposal_change(user=officer, request_id=r.pk, volunteer=aid.hanako, slot=slot)
    third = new_request(aid, officer, task="weeding", slots=(2,))
    with pytest.raises(ValidationError, match="週の上限2件"):
        services.proposal_change(user=officer, request_id=third.pk, volunteer=aid.hanako, slot=2)


def test_matching_respects_exceptions_and_jobs_already_booked(aid, personas):
    officer = personas["officer"]
    services.availability_exception_add(
        profile=aid.hanako.mutualaid_profile, date=WEEK, note="通院"
    )
    req = new_request(
        aid, officer, task="shopping", slots=(0, 1)
    )  # only hanako has a car; away Monday
    services.matching_run(municipality=aid.service.municipality, week=WEEK, user=officer)
    req.refresh_from_db()
    assert req.status == Status.REQUESTED
    req2 = new_request(aid, officer, task="shopping", slots=(2, 3))
    result = services.matching_run(municipality=aid.service.municipality, week=WEEK, user=officer)
    req2.refresh_from_db()
    assert req2.status == Status.MATCHED and req2.slot in (2, 3)
    assert {u["request"] for u in result["unserved"]} == {req.pk}


def test_a_job_over_the_tariffs_maximum_is_refused_and_nothing_changes(aid, personas):
    officer = personas["officer"]
    req = new_request(aid, officer, task="weeding")
    services.proposal_change(user=officer, request_id=req.pk, volunteer=aid.hanako, slot=0)
    services.proposal_confirm(user=officer, request_id=req.pk)
    for minutes in (90, 0):
        with pytest.raises(ValidationError):
            services.request_done(user=officer, request_id=req.pk, actual_minutes=minutes)
    req.refresh_from_db()
    assert req.status == Status.CONFIRMED and req.fee is None
    assert not PointEntry.objects.exists()


def test_a_request_over_the_maximum_or_for_an_unknown_task_is_refused_at_entry(aid, personas):
    with pytest.raises(ValidationError, match="上限 60分"):
        new_request(aid, personas["officer"], task="weeding", minutes=90)
    with pytest.raises(ValidationError, match="ありません"):
        new_request(aid, personas["officer"], task="painting")
    with pytest.raises(ValidationError, match="時間帯"):
        new_request(aid, personas["officer"], task="weeding", slots=())
    assert not HelpRequest.objects.exists()


def test_a_job_never_earns_points_twice(aid, personas):
    officer = personas["officer"]
    req = new_request(aid, officer, task="weeding")
    services.proposal_change(user=officer, request_id=req.pk, volunteer=aid.hanako, slot=0)
    services.proposal_confirm(user=officer, request_id=req.pk)
    done = services.request_done(user=officer, request_id=req.pk, actual_minutes=20)
    with pytest.raises(ValidationError, match="既に付与"):
        services.points_earn(request=done)
    with pytest.raises(services.ConflictError):
        services.request_done(user=officer, request_id=req.pk, actual_minutes=20)
    assert PointEntry.objects.filter(request=req).count() == 1


def test_a_redemption_larger_than_the_balance_is_refused_and_nothing_is_written(aid, personas):
    officer = personas["officer"]
    PointEntry.objects.create(volunteer=aid.hanako, kind="earn", points=3, on=dt.date(2019, 6, 1))
    with pytest.raises(ValidationError, match="残高 3ポイント"):
        services.points_redeem(user=officer, volunteer=aid.hanako, points=4)
    services.points_redeem(user=officer, volunteer=aid.hanako, points=3)
    assert services.points_balance(aid.hanako.pk) == 0
    assert PointEntry.objects.count() == 2


def test_points_expire_after_the_tariffs_period_oldest_first(aid, personas):
    PointEntry.objects.create(volunteer=aid.hanako, kind="earn", points=5, on=dt.date(2019, 4, 10))
    PointEntry.objects.create(
        volunteer=aid.hanako, kind="redeem", points=-2, on=dt.date(2019, 9, 1)
    )
    PointEntry.objects.create(volunteer=aid.hanako, kind="earn", points=4, on=dt.date(2020, 4, 10))
    call_command("mutualaid", "expire-points", "--municipality", "352047", "--date", "2021-04-10")
    assert services.points_balance(aid.hanako.pk) == 4
    assert (
        services.points_expire(municipality=aid.service.municipality, today=dt.date(2021, 4, 11))[
            "points"
        ]
        == 0
    )


def test_staff_outside_the_district_cannot_take_or_touch_its_requests(aid, personas):
    with pytest.raises(PermissionDenied):
        new_request(aid, personas["nurse"])  # nurse works in 北部, the resident lives in 旭
    with pytest.raises(PermissionDenied):
        new_request(aid, personas["outsider"])
    req = new_request(aid, personas["coordinator"])
    for name in ("nurse", "outsider", "volunteer", "pref"):
        with pytest.raises(PermissionDenied):
            services.proposal_reject(user=personas[name], request_id=req.pk)


def test_a_volunteer_may_mark_only_their_own_confirmed_job_done(aid, personas):
    officer = personas["officer"]
    mine = new_request(aid, officer, task="weeding", slots=(0,))
    theirs = new_request(aid, officer, task="weeding", slots=(2,))
    services.proposal_change(user=officer, request_id=mine.pk, volunteer=aid.hanako, slot=0)
    services.proposal_change(user=officer, request_id=theirs.pk, volunteer=aid.jiro, slot=2)
    for r in (mine, theirs):
        services.proposal_confirm(user=officer, request_id=r.pk)
    services.request_done(user=personas["volunteer"], request_id=mine.pk, actual_minutes=30)
    with pytest.raises(PermissionDenied):
        services.request_done(user=personas["volunteer"], request_id=theirs.pk, actual_minutes=30)


def test_only_staff_may_give_the_day_a_job_was_done(aid, personas):
    officer = personas["officer"]
    req = new_request(aid, officer, task="weeding", slots=(0,))
    services.proposal_change(user=officer, request_id=req.pk, volunteer=aid.hanako, slot=0)
    services.proposal_confirm(user=officer, request_id=req.pk)
    for day in (dt.date(2099, 12, 31), WEEK):
        with pytest.raises(PermissionDenied, match="実施日を指定できるのは職員だけです"):
            services.request_done(
                user=personas["volunteer"], request_id=req.pk, actual_minutes=30, done_on=day
            )
    assert HelpRequest.objects.get(pk=req.pk).status == Status.CONFIRMED
    done = services.request_done(
        user=officer, request_id=req.pk, actual_minutes=30, done_on=WEEK + dt.timedelta(days=1)
    )
    assert done.done_on == WEEK + dt.timedelta(days=1)
    assert PointEntry.objects.get(request=req).on == WEEK + dt.timedelta(days=1)


def test_the_match_command_proposes_and_explains(aid, personas, capsys):
    new_request(aid, personas["officer"], task="mowing", slots=(1,))
    call_command("mutualaid", "match", "--municipality", "352047", "--week", "2019-06-05")
    out = capsys.readouterr().out
    assert "2019-06-03 の週: 依頼 1件 のうち 1件 に提案しました" in out
    assert "奉仕 花子" in out and "同じ地区" in out


def test_the_statement_command_lists_the_months_jobs_and_points(aid, personas, capsys):
    officer = personas["officer"]
    req = new_request(aid, officer, task="mowing")
    services.proposal_change(user=officer, request_id=req.pk, volunteer=aid.hanako, slot=0)
    services.proposal_confirm(user=officer, request_id=req.pk)
    services.request_done(user=officer, request_id=req.pk, actual_minutes=45)
    call_command("mutualaid", "statement", "--volunteer", str(aid.hanako.pk), "--month", "2019-06")
    out = capsys.readouterr().out
    assert "草刈り（山本様） 45分 800円 未払" in out and "月末残高 2" in out
    call_command(
        "mutualaid",
        "statement",
        "--volunteer",
        str(aid.hanako.pk),
        "--month",
        "2019-06",
        "--format",
        "json",
    )
    import json

    data = json.loads(capsys.readouterr().out)
    assert data["fees"] == 800 and data["closing"] == 2 and data["jobs"][0]["family_name"] == "山本"
    with pytest.raises(CommandError, match="登録されていません"):
        call_command("mutualaid", "statement", "--volunteer", "999999", "--month", "2019-06")
