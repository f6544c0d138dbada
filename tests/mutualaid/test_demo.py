"""The demo data: idempotent, deterministic, and within every rule the services enforce."""

from __future__ import annotations

from collections import Counter

from django.db.models import Sum

from chiiki.mutualaid import demo
from chiiki.mutualaid.models import HelpRequest, PointEntry, Service, Status, VolunteerProfile
from tests.conftest import make_person


def _snapshot():
    return list(
        HelpRequest.objects.order_by("pk").values_list(
            "person_id", "task", "status", "volunteer_id", "slot", "fee"
        )
    )


def test_the_demo_is_idempotent_and_keeps_every_rule(town):
    for i in range(40):
        make_person(
            town.s2, care_level="none", birth_date=__import__("datetime").date(1950, 1, 1 + i % 28)
        )
    demo.build(town.municipality, 2018)
    first = _snapshot()
    demo.build(town.municipality, 2018)
    assert _snapshot() == first and Service.objects.count() == 1
    assert VolunteerProfile.objects.count() == 13  # a third of the 40 people of the district
    assert HelpRequest.objects.filter(status=Status.DONE).count() > 300
    active = HelpRequest.objects.filter(status__in=[Status.MATCHED, Status.CONFIRMED, Status.DONE])
    slots = Counter(active.values_list("volunteer_id", "week", "slot"))
    assert max(slots.values()) == 1  # nobody double-booked
    per_week = Counter(active.values_list("volunteer_id", "week"))
    limits = dict(VolunteerProfile.objects.values_list("volunteer_id", "max_jobs_per_week"))
    assert all(n <= limits[vid] for (vid, _), n in per_week.items())
    balances = PointEntry.objects.values("volunteer_id").annotate(b=Sum("points"))
    assert all(row["b"] >= 0 for row in balances)
    assert (
        PointEntry.objects.filter(kind="earn").count()
        == HelpRequest.objects.filter(status=Status.DONE).count()
    )
