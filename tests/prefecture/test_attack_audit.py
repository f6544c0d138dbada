"""A seminar's deletion takes its attendance with it: the trail keeps what was removed."""

from __future__ import annotations

import datetime as dt

import pytest

from chiiki.accounts.models import AuditEvent
from chiiki.prefecture.models import SeminarAttendance
from chiiki.prefecture.services import support as services
from tests.prefecture.support_world import build_kochi


@pytest.fixture
def kochi(db):
    return build_kochi()


def test_a_deleted_seminars_attendance_is_in_the_audit_trail(kochi):
    seminar = services.seminar_create(
        user=kochi.viewer,
        prefecture=kochi.prefecture,
        day=dt.date(2018, 11, 1),
        session="午後",
        title="トップセミナー",
        audience="市町村長",
    )
    services.seminar_attendance_set(
        user=kochi.viewer, seminar=seminar, counts={"392014": "2", "392049": "5"}
    )
    services.seminar_delete(user=kochi.viewer, seminar=seminar)
    assert not SeminarAttendance.objects.exists()
    event = AuditEvent.objects.get(model="prefecture.seminar", action="delete")
    assert event.changes["attendance"] == {"392014": 2, "392049": 5}
    assert event.changes["session"] == "午後" and event.changes["audience"] == "市町村長"
