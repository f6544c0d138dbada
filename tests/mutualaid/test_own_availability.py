"""The volunteer keeps their own weekly free slots and days away on their phone page:
their own record only, audited, refused in Japanese when the input makes no sense."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils.timezone import localdate

from chiiki.accounts.models import AuditEvent
from chiiki.mutualaid import services
from chiiki.mutualaid.models import AvailabilityException, VolunteerProfile

MY = "/mutualaid/my/"


def _profile(volunteer) -> VolunteerProfile:
    return VolunteerProfile.objects.get(volunteer=volunteer)


def test_the_volunteer_changes_their_own_weekly_slots_and_the_change_is_audited(
    aid, personas, client_for
):
    c = client_for(personas["volunteer"])
    page = c.get(MY).text
    checked = set(re.findall(r'value="(\d+)" id="id_availability_\d+" checked', page))
    assert checked == {"0", "1", "2", "3"}
    jiro = _profile(aid.jiro)
    response = c.post(  # a forged volunteer or profile id is not even read
        reverse("mutualaid:my_availability"),
        {"availability": ["4", "5"], "volunteer": aid.jiro.pk, "profile": jiro.pk},
    )
    assert response.status_code == 302 and response["Location"].endswith("#availability")
    assert _profile(aid.hanako).availability == [4, 5]
    assert _profile(aid.jiro).availability == [0, 2, 4]
    event = AuditEvent.objects.get(model="mutualaid.volunteerprofile", action="update")
    assert event.changes["availability"] == [
        ["月 午前", "月 午後", "火 午前", "火 午後"],
        ["水 午前", "水 午後"],
    ]
    assert list(event.subjects.values_list("person_id", flat=True)) == [aid.hanako.person_id]
    assert event.username == "volunteer"

    events = AuditEvent.objects.count()
    c.post(reverse("mutualaid:my_availability"), {"availability": ["5", "4"]})
    assert AuditEvent.objects.count() == events  # the same slots again change nothing


def test_the_volunteer_adds_and_takes_back_a_day_away(aid, personas, client_for):
    c = client_for(personas["volunteer"])
    day = localdate() + dt.timedelta(days=7)
    response = c.post(reverse("mutualaid:my_away_add"), {"date": day.isoformat(), "note": "通院"})
    assert response.status_code == 302
    away = AvailabilityException.objects.get(profile__volunteer=aid.hanako)
    assert (away.date, away.note) == (day, "通院")
    assert f"{day.month}月{day.day}日" in c.get(MY).text
    c.post(reverse("mutualaid:my_away_remove", args=[away.pk]))
    assert not AvailabilityException.objects.filter(pk=away.pk).exists()
    trail = AuditEvent.objects.filter(model="mutualaid.availabilityexception", object_id=away.pk)
    assert sorted(trail.values_list("action", flat=True)) == ["create", "delete"]


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("yesterday", "以降の日付にしてください"),
        ("2999-01-01", "休みの日は1900-01-01から2100-12-31までの日付です"),
        ("2026-02-30", "日付を正しく入力してください"),
        ("next_year", "1年先"),
        ("taken", "もう休みの日に入っています"),
    ],
)
def test_a_day_away_that_makes_no_sense_is_refused_in_japanese_on_its_field(
    aid, personas, client_for, date, expected
):
    today = localdate()
    taken = today + dt.timedelta(days=3)
    services.availability_exception_add(profile=_profile(aid.hanako), date=taken)
    given = {
        "yesterday": (today - dt.timedelta(days=1)).isoformat(),
        "next_year": (today + dt.timedelta(days=400)).isoformat(),
        "taken": taken.isoformat(),
    }.get(date, date)
    response = client_for(personas["volunteer"]).post(
        reverse("mutualaid:my_away_add"), {"date": given}
    )
    assert response.status_code == 200
    errors = response.text.split('id="away-date-errors"', 1)
    assert len(errors) == 2 and expected in errors[1].split("</div>", 1)[0]
    assert AvailabilityException.objects.filter(profile__volunteer=aid.hanako).count() == 1


def test_a_slot_outside_the_week_is_refused_and_nothing_changes(aid, personas, client_for):
    response = client_for(personas["volunteer"]).post(
        reverse("mutualaid:my_availability"), {"availability": ["1", "14"]}
    )
    assert response.status_code == 200 and 'id="availability-errors"' in response.text
    assert _profile(aid.hanako).availability == [0, 1, 2, 3]


def test_a_volunteer_cannot_take_back_another_volunteers_day_away(aid, personas, client_for):
    theirs = services.availability_exception_add(
        profile=_profile(aid.jiro), date=localdate() + dt.timedelta(days=2), note="旅行"
    )
    response = client_for(personas["volunteer"]).post(
        reverse("mutualaid:my_away_remove", args=[theirs.pk])
    )
    assert response.status_code == 403
    assert AvailabilityException.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("who", ["admin", "officer", "coordinator", "outsider"])
def test_anyone_but_the_volunteer_is_refused_the_own_forms(aid, personas, client_for, who):
    c = client_for(personas[who])
    day = (localdate() + dt.timedelta(days=1)).isoformat()
    assert c.post(reverse("mutualaid:my_availability"), {"availability": ["9"]}).status_code == 403
    assert c.post(reverse("mutualaid:my_away_add"), {"date": day}).status_code == 403
    assert _profile(aid.hanako).availability == [0, 1, 2, 3]
    assert not AvailabilityException.objects.exists()


def test_a_volunteer_not_yet_set_up_is_told_why_and_changes_nothing(personas, client_for):
    c = client_for(personas["volunteer"])
    assert 'id="no-profile"' in c.get(MY).text
    response = c.post(reverse("mutualaid:my_availability"), {"availability": ["1"]})
    assert (
        response.status_code == 403 and "ボランティアとしての登録がまだありません" in response.text
    )
