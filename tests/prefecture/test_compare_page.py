"""The prefecture's side by side: its municipalities on the same indicators, sorted,
against the median, with the tile grid; and nothing of another prefecture."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from chiiki.prefecture.selectors.compare import side_by_side
from tests.prefecture.compare_world import kumamoto


@pytest.fixture
def pref(db):
    return kumamoto()


def test_every_municipality_of_the_prefecture_is_compared_and_no_other(pref, town):
    built, viewer = pref
    c = side_by_side(user=viewer)
    assert [r.code for r in c.rows] == sorted(m.code for m in built.municipalities)
    assert town.municipality.code not in {r.code for r in c.rows}  # 山口県萩市
    assert all(r.cells["aging"].value is not None for r in c.rows)
    assert all(r.cells["certification"].value is not None for r in c.rows)


def test_the_median_and_the_marks_agree_with_the_values(pref):
    _, viewer = pref
    c = side_by_side(user=viewer, sort="aging", descending=True)
    values = [r.value("aging") for r in c.rows]
    assert values == sorted(values, reverse=True)
    middle = c.medians["aging"]
    n = len(values)
    ordered = sorted(values)
    expected = (ordered[(n - 1) // 2] + ordered[n // 2]) / 2
    assert middle == expected.quantize(Decimal("0.01"))
    for r in c.rows:
        v = r.value("aging")
        assert r.marks["aging"] == ("▲" if v > middle else "▼" if v < middle else "＝")


def test_the_aging_rate_is_the_population_tables(pref):
    from django.db.models import Sum

    from chiiki.areas.models import PopulationRecord

    built, viewer = pref
    m = built.municipalities[0]
    cells = PopulationRecord.objects.filter(municipality=m)
    total = cells.aggregate(n=Sum("count"))["n"]
    aged = cells.filter(age_from__gte=65).aggregate(n=Sum("count"))["n"]
    row = next(r for r in side_by_side(user=viewer).rows if r.code == m.code)
    assert row.cells["population"].value == total
    assert row.cells["aging"].value == (Decimal(aged) * 100 / total).quantize(Decimal("0.1"))


def test_the_page_sorts_by_a_column_and_draws_a_tile_per_municipality(pref, client_for, client):
    built, viewer = pref
    c = client_for(viewer)
    body = c.get(reverse("prefecture:index"), {"sort": "certification", "order": "asc"})
    assert body.status_code == 200
    html = body.content.decode()
    assert 'aria-sort="ascending"' in html
    assert "県の中央値" in html
    assert html.count("<rect ") == len(built.municipalities)
    names = re.findall(
        r'<th scope="row"><a href="[^"]+">([^<]+)</a> <span class="muted small">(\d{6})', html
    )
    shown = [code for _, code in names]
    c2 = side_by_side(user=viewer, sort="certification", descending=False)
    assert shown == [r.code for r in c2.rows]


@pytest.mark.parametrize(
    "query", [{"sort": "nosuch"}, {"order": "up"}, {"view": "map"}, {"tile": "x"}]
)
def test_odd_parameters_are_a_400_naming_them(pref, client_for, query):
    _, viewer = pref
    response = client_for(viewer).get(reverse("prefecture:index"), query)
    assert response.status_code == 400
    assert next(iter(query)) in response.content.decode()


def test_the_table_downloads_as_csv_and_xlsx(pref, client_for):
    built, viewer = pref
    c = client_for(viewer)
    csv = c.get(reverse("prefecture:index"), {"format": "csv"})
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert text.count("\r\n") == len(built.municipalities) + 2  # header, rows, the median
    xlsx = c.get(reverse("prefecture:index"), {"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def test_the_survey_view_says_when_there_is_no_survey(pref, client_for):
    _, viewer = pref
    body = client_for(viewer).get(reverse("prefecture:index"), {"view": "survey"})
    assert "ニーズ調査がまだ取り込まれていません" in body.content.decode()


def test_a_shared_self_assessment_shows_only_its_counts(pref):
    from chiiki.indicators.models import GrantAssessment

    built, viewer = pref
    shared = GrantAssessment.objects.filter(municipality__in=built.municipalities)
    code = shared.first().municipality.code
    row = next(r for r in side_by_side(user=viewer).rows if r.code == code)
    assert "はい" in row.cells["grant"].detail
    shared.update(shared_with_prefecture=False)
    row = next(r for r in side_by_side(user=viewer).rows if r.code == code)
    assert row.cells["grant"].value is None and row.cells["grant"].shown == "未共有"


def test_participation_is_the_named_participants_and_headcounts_only_say_so(pref):
    from chiiki.indicators.selectors.participation import participation_by_district

    built, viewer = pref
    rows = {r.code: r for r in side_by_side(user=viewer).rows}
    for m in built.municipalities:
        alone = participation_by_district(municipality=m, fiscal_year=2018).total
        cell = rows[m.code].cells["participation"]
        if alone.participants:
            assert cell.value == alone.rate
        elif alone.attendances:
            assert cell.value is None and "名簿なし" in cell.detail


def test_kept_figures_are_the_fresh_ones_and_a_new_import_shows_at_once(pref):
    from chiiki.indicators.models import InsuranceYear
    from chiiki.prefecture.selectors import compare

    built, viewer = pref
    first = {r.code: r.cells for r in side_by_side(user=viewer).rows}
    again = {r.code: r.cells for r in side_by_side(user=viewer).rows}
    compare.forget()
    fresh = {r.code: r.cells for r in side_by_side(user=viewer).rows}
    assert first == again == fresh
    year = InsuranceYear.objects.get(municipality=built.municipalities[0], fiscal_year=2018)
    year.insured_65 *= 2  # as the insurer's next file would: saved, so its time moves
    year.save()
    after = {r.code: r.cells for r in side_by_side(user=viewer).rows}
    assert after != first  # the import's rows changed the fingerprint: no minute's wait
    compare.forget()
    assert after == {r.code: r.cells for r in side_by_side(user=viewer).rows}


def test_the_profile_names_the_last_year_of_dispatches_and_no_rate_from_headcounts(pref):
    from chiiki.prefecture.selectors.profile import profile_for_user
    from chiiki.prefecture.services.dispatch import demo_log

    built, viewer = pref
    demo_log(built.prefecture, built.municipalities)
    rows = {r.code: r for r in side_by_side(user=viewer).rows}
    for m in built.municipalities:
        p = profile_for_user(user=viewer, code=m.code)
        assert p.fiscal_year == 2017  # the demo log's 平成29年度, not the current year
        assert p.participation_rate == rows[m.code].cells["participation"].value
