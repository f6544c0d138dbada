"""The prefecture's demo: 熊本県's 45 real municipalities, its dispatch log adding up to the
guide's table, and the viewer kumamoto; a second build adds nothing."""

from __future__ import annotations

from chiiki.accounts.models import User
from chiiki.areas import codes
from chiiki.areas.models import Municipality
from chiiki.prefecture import demo
from chiiki.prefecture.models import Dispatch
from chiiki.prefecture.selectors.compare import side_by_side
from chiiki.prefecture.selectors.dispatch import dispatch_summary_for_user
from chiiki.prefecture.selectors.support import seminar_table, team_coverage

GUIDE = {
    "広域支援センター": [527, 205, 304, 197],
    "密着リハセンター": [730, 132, 616, 414],
}


def test_kumamoto_sees_its_45_municipalities_and_the_guides_dispatch_table(db, town):
    demo.build(town.municipality, 2018)
    viewer = User.objects.get(username=demo.LOGIN)
    expected = [(e.code, e.name) for e in codes.municipalities_in("43")]
    assert len(expected) == 45
    rows = side_by_side(user=viewer).rows
    assert sorted((r.code, r.name) for r in rows) == expected
    assert all(r.cells["certification"].value is not None for r in rows)
    assert sum(r.cells["participation"].value is not None for r in rows) > 30
    summary = dispatch_summary_for_user(user=viewer, year=2017)
    assert {line.label: list(line.counts) for line in summary.senders} == GUIDE
    coverage = team_coverage(prefecture=viewer.prefecture)
    assert coverage.year(2018).line == "全45市町村を訪問（平成30年度）"
    assert len(seminar_table(prefecture=viewer.prefecture)) >= 5
    made = (Municipality.objects.count(), Dispatch.objects.count(), User.objects.count())
    demo.build(town.municipality, 2018)
    assert (Municipality.objects.count(), Dispatch.objects.count(), User.objects.count()) == made
