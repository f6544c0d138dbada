"""The dispatch log attacked: a hand entry that would push a key's count past its bound."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chiiki.accounts.models import AuditEvent, User
from chiiki.areas.models import Municipality
from chiiki.prefecture.models import Dispatch
from tests.prefecture.dispatch_world import make_towns, make_viewer

NEW = reverse("prefecture:dispatch_new")


@pytest.fixture
def kumamoto(db) -> list[Municipality]:
    return make_towns(2)


@pytest.fixture
def kumamoto_viewer(kumamoto) -> User:
    return make_viewer(kumamoto)


def test_a_hand_entry_past_a_keys_bound_is_refused_on_the_form_not_a_500(
    kumamoto, kumamoto_viewer, client_for
):
    client = client_for(kumamoto_viewer)
    data = {
        "day": "2017-06-01",
        "municipality": str(kumamoto[0].pk),
        "sender": "広域支援センター",
        "work": "places",
        "profession": "理学療法士",
        "count": "9999",
    }
    assert client.post(NEW, data).status_code == 302
    events = AuditEvent.objects.count()
    page = client.post(NEW, {**data, "count": "2"})
    assert page.status_code == 400
    assert "10,000" in page.content.decode()
    assert Dispatch.objects.get().count == 9999
    assert AuditEvent.objects.count() == events
    assert client.post(NEW, {**data, "count": "1"}).status_code == 302
    assert Dispatch.objects.get().count == 10_000
