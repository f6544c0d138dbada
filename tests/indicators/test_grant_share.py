"""A municipality shares a year's self-assessment with its prefecture, or stops: the
officer decides, the change is audited, and the prefecture then sees the counts only."""

from __future__ import annotations

import pytest

from chiiki.accounts.models import AuditEvent
from chiiki.indicators.grant import services
from chiiki.indicators.models import GrantAssessment
from chiiki.prefecture.selectors.compare import side_by_side
from tests.indicators.grant_world import FY, build_grant_world

pytestmark = pytest.mark.django_db
SHARE = f"/indicators/grant/{FY}/share"


@pytest.fixture
def grant_world(town, other_town, personas):
    return build_grant_world(town, other_town, personas)


def test_the_officer_shares_the_counts_and_the_prefecture_sees_them_only(
    client_for, personas, grant_world, town
):
    officer = personas["officer"]
    services.grant_answer_save(
        user=officer,
        municipality=town.municipality,
        fiscal_year=FY,
        indicator_id="sc-groundwork",
        answer="yes",
        note="内部のメモ：北部で始めた",
        evidence=[],
    )
    row = next(r for r in side_by_side(user=personas["pref"]).rows if r.code == "352047")
    assert row.cells["grant"].shown == "未共有"
    response = client_for(officer).post(SHARE, {"shared": "1"})
    assert response.status_code == 302
    assessment = GrantAssessment.objects.get(municipality=town.municipality, fiscal_year=FY)
    assert assessment.shared_with_prefecture
    assert AuditEvent.objects.filter(
        model="indicators.grantassessment", object_id=str(assessment.pk)
    ).exists()
    client = client_for(personas["pref"])
    page = client.get("/prefecture/").content.decode()
    assert f"{FY}年度 はい1・一部0・いいえ0" in page and "内部のメモ" not in page
    client_for(officer).post(SHARE, {"shared": "0"})
    assessment.refresh_from_db()
    assert not assessment.shared_with_prefecture


@pytest.mark.parametrize("who", ["nurse", "coordinator", "volunteer", "pref", "outsider"])
def test_no_one_else_may_share_the_towns_answers(client_for, personas, grant_world, who):
    response = client_for(personas[who]).post(SHARE, {"shared": "1"})
    assert response.status_code in (403, 404)
    assert not GrantAssessment.objects.filter(shared_with_prefecture=True).exists()


def test_an_odd_value_is_a_400_naming_it(client_for, personas, grant_world):
    response = client_for(personas["officer"]).post(SHARE, {"shared": "maybe"})
    assert response.status_code == 400 and "shared" in response.content.decode()
