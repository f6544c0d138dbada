"""Minutes, yen, dates and ids of mutual aid stay in range by every path: form, API, tariff,
service and the database itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from chiiki.mutualaid import services
from chiiki.mutualaid.models import HelpRequest, PointEntry, RequestEvent
from chiiki.mutualaid.tariff import TariffError, parse_tariff
from tests.mutualaid.conftest import WEEK, new_request


def _payload(aid, **fields):
    return {
        "service_id": aid.service.pk,
        "person_id": aid.resident.pk,
        "task": "weeding",
        "week": WEEK.isoformat(),
        "preferred_slots": [0],
        **fields,
    }


@pytest.mark.parametrize(
    "fields",
    [
        {"estimated_minutes": 100_000},
        {"service_id": 10**20},
        {"person_id": 0},
        {"preferred_slots": list(range(15))},
        {"week": "9999-12-31"},
    ],
)
def test_the_api_refuses_a_value_out_of_range_with_422_and_stores_nothing(
    aid, personas, client_for, fields
):
    response = client_for(personas["officer"]).post(
        "/api/mutualaid/requests", _payload(aid, **fields), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert not HelpRequest.objects.exists()


def test_the_request_form_refuses_a_week_in_the_year_9999(aid, personas, client_for):
    response = client_for(personas["officer"]).post(
        "/mutualaid/requests/new/",
        {
            "service": aid.service.pk,
            "person": aid.resident.pk,
            "task": "weeding",
            "week": "9999-12-31",
            "preferred_slots": ["0"],
            "estimated_minutes": "30",
        },
    )
    assert response.status_code == 200 and "希望週は1900-01-01から2100-12-31" in response.text
    assert not HelpRequest.objects.exists()


def test_a_tariff_allowing_a_job_longer_than_a_day_or_a_fee_beyond_the_range_is_refused():
    base = {
        "key": "x",
        "name": "試し",
        "max_minutes": 60,
        "brackets": [{"up_to": 60, "fee": 300}],
        "tasks": {"weeding": {"label": "草取り"}},
    }
    parse_tariff(base)
    with pytest.raises(TariffError, match="max_minutes は1以上1440以下"):
        parse_tariff({**base, "max_minutes": 100_000, "brackets": [{"up_to": 100_000, "fee": 1}]})
    with pytest.raises(TariffError, match="fee は0以上100,000,000以下"):
        parse_tariff({**base, "brackets": [{"up_to": 60, "fee": 10**12}]})
    with pytest.raises(TariffError, match="cap は0以上100,000,000以下"):
        parse_tariff({**base, "cap": -1})


def test_a_job_dated_in_the_year_9999_is_refused_and_nothing_changes(aid, personas):
    officer = personas["officer"]
    req = new_request(aid, officer, task="weeding")
    services.proposal_change(user=officer, request_id=req.pk, volunteer=aid.hanako, slot=0)
    services.proposal_confirm(user=officer, request_id=req.pk)
    with pytest.raises(ValidationError) as info:
        services.request_done(
            user=officer, request_id=req.pk, actual_minutes=30, done_on=dt.date(9999, 12, 31)
        )
    assert "実施日（9999-12-31）は今日" in " ".join(info.value.message_dict["done_on"])
    req.refresh_from_db()
    assert (req.status, req.done_on) == ("confirmed", None)
    assert not PointEntry.objects.exists()


def test_the_database_itself_refuses_minutes_fees_and_slots_out_of_range(aid, personas):
    req = new_request(aid, personas["officer"], task="weeding")
    for change in (
        {"estimated_minutes": 0},
        {"fee": 10**9},
        {"slot": 14},
        {"actual_minutes": 1441},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            HelpRequest.objects.filter(pk=req.pk).update(**change)


def test_the_points_ledger_and_request_history_stay_append_only_after_the_migrations(aid, personas):
    """Adding a constraint rebuilds a SQLite table and drops its triggers: they come back."""
    officer = personas["officer"]
    req = new_request(aid, officer, task="weeding")
    services.proposal_change(user=officer, request_id=req.pk, volunteer=aid.hanako, slot=0)
    services.proposal_confirm(user=officer, request_id=req.pk)
    services.request_done(user=officer, request_id=req.pk, actual_minutes=30)
    for model in (PointEntry, RequestEvent):
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.filter(pk=model.objects.first().pk).update(note="書き換え")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            triggers = {name for (name,) in cursor.fetchall()}
        assert {"mutualaid_pointentry_no_update", "mutualaid_requestevent_no_update"} <= triggers
