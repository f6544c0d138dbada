"""The points ledger: hypothesis properties over the pure ledger and through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiiki.mutualaid import ledger, services
from chiiki.mutualaid.models import PointEntry

DAY0 = dt.date(2019, 4, 1)
ops = st.lists(
    st.tuples(
        st.sampled_from(["earn", "redeem", "expire"]), st.integers(-3, 12), st.integers(0, 1500)
    ),
    max_size=40,
)


@given(ops)
def test_the_balance_equals_the_sum_of_the_entries_and_is_never_negative(sequence):
    entries: list[ledger.Entry] = []
    for kind, amount, day in sorted(sequence, key=lambda op: op[2]):
        on = DAY0 + dt.timedelta(days=day)
        try:
            if kind == "earn":
                if amount <= 0:
                    continue
                entries.append(ledger.Entry("earn", amount, on))
            elif kind == "redeem":
                entries.append(ledger.redeem(entries, amount, on))
            else:
                e = ledger.expire(entries, on, 24)
                if e is not None:
                    entries.append(e)
        except ledger.LedgerError:
            pass
        assert ledger.balance(entries) == sum(e.points for e in entries)
        assert ledger.balance(entries) >= 0


@given(st.lists(st.integers(1, 10), min_size=1, max_size=10), st.integers(0, 60))
def test_points_older_than_the_period_all_expire_when_nothing_was_spent(earned, months_later):
    entries = [ledger.Entry("earn", p, DAY0) for p in earned]
    today = DAY0 + dt.timedelta(days=months_later * 31)
    expected = sum(earned) if months_later * 31 >= 731 else 0
    assert ledger.expiring(entries, today, 24) == expected or months_later * 31 in range(730, 732)


def test_a_redemption_of_zero_or_less_is_refused():
    with pytest.raises(ledger.LedgerError):
        ledger.redeem([ledger.Entry("earn", 5, DAY0)], 0, DAY0)


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.sampled_from(["earn", "redeem"]), st.integers(1, 6)), max_size=12))
def test_through_the_services_the_stored_balance_is_never_negative(aid, personas, sequence):
    PointEntry.objects.filter(volunteer=aid.jiro).delete()
    for kind, amount in sequence:
        if kind == "earn":
            PointEntry.objects.create(volunteer=aid.jiro, kind="earn", points=amount, on=DAY0)
        else:
            before = services.points_balance(aid.jiro.pk)
            try:
                services.points_redeem(
                    user=personas["officer"], volunteer=aid.jiro, points=amount, on=DAY0
                )
            except ValidationError:
                assert amount > before
                assert services.points_balance(aid.jiro.pk) == before
        stored = list(
            PointEntry.objects.filter(volunteer=aid.jiro).values_list("points", flat=True)
        )
        assert services.points_balance(aid.jiro.pk) == sum(stored) >= 0


@pytest.mark.django_db
def test_the_database_refuses_to_rewrite_a_ledger_line(aid):
    from django.db import DatabaseError, transaction

    entry = PointEntry.objects.create(volunteer=aid.jiro, kind="earn", points=2, on=DAY0)
    with pytest.raises(DatabaseError), transaction.atomic():
        PointEntry.objects.filter(pk=entry.pk).update(points=200)
    entry.refresh_from_db()
    assert entry.points == 2
