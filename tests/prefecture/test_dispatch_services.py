"""The dispatch log's writes: idempotent and all or nothing, hand entries that add up,
deletion scoped by prefecture, and the capability checked when a user is given."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from chiiki.accounts.models import AuditEvent, User
from chiiki.areas.models import Municipality
from chiiki.core.tabular import read_csv_bytes
from chiiki.prefecture.models import Dispatch, WorkKind
from chiiki.prefecture.services.dispatch import (
    DispatchNotFound,
    dispatch_add,
    dispatch_delete,
    dispatch_import,
)
from tests.prefecture.dispatch_world import (
    csv_text,
    make_towns,
    make_viewer,
)

ROWS = [
    ["2017-06-01", "431001", "広域支援センター", "介護予防事業", "理学療法士", "2"],
    ["2017-06-01", "431001", "広域支援センター", "介護予防事業", "理学療法士", "1"],
    ["2017-07-01", "432024", "密着リハセンター", "通いの場等", "作業療法士", ""],
]


@pytest.fixture
def kumamoto(db) -> list[Municipality]:
    return make_towns(6)


@pytest.fixture
def kumamoto_viewer(kumamoto) -> User:
    return make_viewer(kumamoto)


def _table(rows):
    return read_csv_bytes(csv_text(rows).encode("utf-8-sig"))


def _events():
    return AuditEvent.objects.filter(model="prefecture.dispatch")


def test_the_same_file_twice_changes_nothing_and_keys_not_in_a_file_stay(kumamoto):
    pref = kumamoto[0].prefecture
    first = dispatch_import(user=None, prefecture=pref, table=_table(ROWS), source="a.csv")
    assert (first.ok, first.rows, first.created, first.dispatches) == (True, 3, 2, 4)
    assert _events().count() == 1
    event = _events().get()
    assert event.changes["dispatch_import"]["created"] == 2
    again = dispatch_import(user=None, prefecture=pref, table=_table(ROWS), source="a.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert _events().count() == 1
    # a file with one key's count changed sets it, and leaves the other key as it is
    changed = dispatch_import(user=None, prefecture=pref, table=_table([ROWS[0]]), source="b.csv")
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)
    assert sorted(Dispatch.objects.values_list("count", flat=True)) == [1, 2]
    assert _events().count() == 2


def test_a_file_with_one_bad_row_stores_nothing(kumamoto):
    pref = kumamoto[0].prefecture
    dispatch_import(user=None, prefecture=pref, table=_table(ROWS), source="a.csv")
    bad = [[*ROWS[0][:5], "9"], ["2017-08-01", "431001", "広域", "研修", "理学療法士", "1"]]
    result = dispatch_import(user=None, prefecture=pref, table=_table(bad), source="c.csv")
    assert not result.ok and result.error_count == 1
    assert result.errors[0]["row"] == 3 and result.errors[0]["column"] == "事業区分"
    assert sorted(Dispatch.objects.values_list("count", flat=True)) == [1, 3]
    assert _events().count() == 1


def test_a_user_needs_the_edit_capability_on_their_own_prefecture(
    kumamoto, kumamoto_viewer, personas
):
    pref = kumamoto[0].prefecture
    for user in (personas["pref"], personas["officer"]):  # 山口県's viewer, a municipal officer
        with pytest.raises(PermissionDenied):
            dispatch_import(user=user, prefecture=pref, table=_table(ROWS))
    result = dispatch_import(user=kumamoto_viewer, prefecture=pref, table=_table(ROWS))
    assert result.ok and Dispatch.objects.filter(created_by=kumamoto_viewer).count() == 2
    assert _events().get().username == "kumamoto-viewer"


def test_a_hand_entry_adds_to_its_key_and_refuses_the_future_and_other_prefectures(
    kumamoto, kumamoto_viewer, town
):
    pref = kumamoto[0].prefecture
    entry = dict(
        user=kumamoto_viewer,
        prefecture=pref,
        day=dt.date(2017, 6, 1),
        municipality=kumamoto[1],
        sender=" 広域支援センター ",
        work=WorkKind.CARE_MEETING,
        profession="理学療法士",
    )
    first = dispatch_add(**entry, count=2)
    second = dispatch_add(**entry)
    assert first.pk == second.pk and second.count == 3 and second.sender == "広域支援センター"
    assert [e.action for e in _events().order_by("pk")] == ["create", "update"]
    with pytest.raises(ValueError, match="未来の日付"):
        dispatch_add(**{**entry, "day": timezone.localdate() + dt.timedelta(days=1)})
    with pytest.raises(PermissionDenied):
        dispatch_add(**{**entry, "municipality": town.municipality})
    with pytest.raises(ValueError, match="事業区分"):
        dispatch_add(**{**entry, "work": "training"})


def test_delete_is_scoped_by_prefecture(kumamoto, kumamoto_viewer, personas):
    pref = kumamoto[0].prefecture
    dispatch_import(user=None, prefecture=pref, table=_table(ROWS))
    one = Dispatch.objects.first()
    assert one is not None
    with pytest.raises(DispatchNotFound):  # 山口県's viewer does not find 熊本県's record
        dispatch_delete(user=personas["pref"], dispatch_id=one.pk)
    with pytest.raises(DispatchNotFound):
        dispatch_delete(user=None, dispatch_id=one.pk, prefecture=personas["pref"].prefecture)
    with pytest.raises(PermissionDenied):
        dispatch_delete(user=personas["officer"], dispatch_id=one.pk)
    dispatch_delete(user=kumamoto_viewer, dispatch_id=one.pk)
    assert not Dispatch.objects.filter(pk=one.pk).exists()
    assert _events().filter(action="delete").count() == 1
