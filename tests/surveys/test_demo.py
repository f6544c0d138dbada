from __future__ import annotations

import datetime as dt

import pytest

from chiiki.surveys import demo
from chiiki.surveys.models import MailingEntry, Respondent, Screening, Survey
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


def test_the_demo_survey_is_built_once_and_the_same_from_the_same_seed(town, personas):
    for i in range(40):
        make_person(
            [town.n1, town.n2, town.s1, town.s2][i % 4],
            birth_date=dt.date(1935 + i % 15, 5, 1),
            insured_number=f"35204799{i:02d}",
        )
    demo.build(town.municipality, 2018)
    first = sorted(Respondent.objects.values_list("key", "results", "method"))
    counts = (Survey.objects.count(), MailingEntry.objects.count(), Screening.objects.count())
    assert counts[0] == 1 and counts[1] >= 40 and first
    demo.build(town.municipality, 2018)  # a second `chiiki demo` adds nothing
    assert (
        Survey.objects.count(),
        MailingEntry.objects.count(),
        Screening.objects.count(),
    ) == counts
    Survey.objects.all().delete()
    Screening.objects.all().delete()
    demo.build(town.municipality, 2018)
    assert sorted(Respondent.objects.values_list("key", "results", "method")) == first
    assert all(r.district_id for r in Respondent.objects.all())
