"""Choosing a volunteer by id reaches only the volunteers of the user's own services."""

from django.contrib.messages import get_messages
from django.urls import reverse

from chiiki.people.services import volunteer_register
from tests.conftest import make_person
from tests.mutualaid.conftest import new_request


def test_an_unregistered_volunteer_id_is_refused_without_telling_whose_it_is(
    client_for, personas, aid, other_town
):
    stranger = make_person(other_town.districts.first(), family_name="他市", given_name="秘子")
    outsider = volunteer_register(person=stranger, registered_on=aid.service.started_on)
    req = new_request(aid, personas["officer"])
    client = client_for(personas["coordinator"])
    response = client.post(
        reverse("mutualaid:request_action", args=[req.pk, "assign"]),
        {"volunteer": outsider.pk, "slot": 0},
    )
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "秘子" not in shown and "他市" not in shown
    req.refresh_from_db()
    assert req.volunteer_id is None
