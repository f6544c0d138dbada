"""The demo's watch-over network and huddle: a year of monthly meetings in one district,
cases of that district's residents, a handful of residents in the huddle's log;
deterministic from the seed and idempotent."""

from __future__ import annotations

import pytest

from chiiki.councils import demo_watch
from chiiki.councils.models import Body, BodyKind, HuddleNote, Layer, WatchCase
from chiiki.councils.services import bodies as body_services
from tests.conftest import make_person


@pytest.fixture
def peopled(town):
    for district in (town.n1, town.n2, town.s1):
        for i in range(8):
            make_person(district, lives_alone=i % 2 == 0)
    return town


def _fingerprint(municipality) -> list[tuple]:
    cases = WatchCase.objects.filter(meeting__body__municipality=municipality).order_by(
        "meeting__held_on", "household", "person_id"
    )
    notes = HuddleNote.objects.filter(body__municipality=municipality).order_by(
        "written_on", "person_id", "profession"
    )
    return [
        *(
            (c.meeting.held_on, c.person_id, c.concern, c.passed_on, c.followup, c.followup_on)
            for c in cases
        ),
        *((n.written_on, n.person_id, n.profession, n.text) for n in notes),
    ]


def test_a_watch_network_meets_monthly_for_a_year_about_its_districts_residents(peopled):
    demo_watch.build(peopled.municipality, 2018, None)
    body = Body.objects.get(kind=BodyKind.WATCH_NETWORK)
    assert body.layer == Layer.DISTRICT and body.district == peopled.n1  # no 須佐 code here
    days = list(body.meetings.order_by("held_on").values_list("held_on", flat=True))
    assert len(days) == 12 and len({(d.year, d.month) for d in days}) == 12
    cases = WatchCase.objects.filter(meeting__body=body)
    assert cases.count() >= 24
    assert all(c.person.district_id == peopled.n1.pk for c in cases)
    passed = cases.filter(passed_to_center=True)
    assert 0 < passed.count() < cases.count()
    assert passed.exclude(followup="").exists()


def test_the_huddle_keeps_notes_on_a_handful_of_residents_of_another_district(peopled):
    demo_watch.build(peopled.municipality, 2018, None)
    huddle = Body.objects.get(kind=BodyKind.DAILY_HUDDLE)
    assert huddle.district == peopled.n2
    notes = HuddleNote.objects.filter(body=huddle)
    residents = set(notes.values_list("person_id", flat=True))
    assert notes.count() >= 10 and 1 < len(residents) <= 6
    assert len(set(notes.values_list("written_on", flat=True))) == demo_watch.HUDDLE_DAYS


def test_the_demo_is_idempotent_and_the_same_seed_gives_the_same_data(peopled):
    m = peopled.municipality
    demo_watch.build(m, 2018, None)
    first = _fingerprint(m)
    demo_watch.build(m, 2018, None)
    assert _fingerprint(m) == first
    Body.objects.filter(municipality=m).delete()
    demo_watch.build(m, 2018, None)
    assert _fingerprint(m) == first
    Body.objects.filter(municipality=m).delete()
    demo_watch.build(m, 2019, None)
    assert _fingerprint(m) != first


def test_a_watch_network_of_the_councils_demo_is_used(peopled):
    given = body_services.body_create(
        user=None,
        municipality=peopled.municipality,
        layer=Layer.LIFE_AREA,
        kind=BodyKind.WATCH_NETWORK,
        name="南部 見守りネットワーク",
        life_area=peopled.south,
        founded_on=demo_watch.FOUNDED,
    )
    demo_watch.build(peopled.municipality, 2018, {"watch": [given]})
    assert Body.objects.filter(kind=BodyKind.WATCH_NETWORK).count() == 1
    districts = set(WatchCase.objects.values_list("district_id", flat=True))
    assert districts == {peopled.s1.pk}  # the only district of 南部 where people live
