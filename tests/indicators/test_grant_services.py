"""The grant's self-assessment: candidates of the right year and municipality, answers
that keep their evidence, refusals of records that are not the municipality's year, the
flag, and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chiiki.accounts.models import AuditEvent
from chiiki.indicators.grant import evidence, selectors, services, sheet
from chiiki.indicators.models import GrantAnswer, GrantAssessment, GrantEvidence
from tests.indicators.grant_world import FY, build_grant_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant_world(town, other_town, personas):
    return build_grant_world(town, other_town, personas)


def _ids(found, kind):
    return [c.record_id for c in found[kind]]


def test_the_candidates_are_the_municipalitys_records_of_that_fiscal_year(town, grant_world):
    w = grant_world
    found = evidence.candidates(
        municipality_id=town.municipality.pk, fiscal_year=FY, kinds=evidence.EVIDENCE_KINDS
    )
    assert _ids(found, "meeting") == [w.meeting.pk]  # not March 2024, not 国東市's
    assert _ids(found, "issue") == [w.issue.pk]
    # Started from the register's date, or from its opening hours; the undated one is not
    # proposed, nor 国東市's that opened the same month.
    assert _ids(found, "resource") == [w.resource_from_schedule.pk, w.resource_from_issue.pk]
    assert [c.on for c in found["resource"]] == [dt.date(2024, 7, 2), dt.date(2024, 9, 1)]
    assert _ids(found, "mutualaid_service") == [w.aid_service.pk]
    assert _ids(found, "volunteer") == [w.trained.pk]  # trained, and registered this year
    assert "認知症サポーター養成講座" in found["volunteer"][0].label
    last_year = evidence.candidates(
        municipality_id=town.municipality.pk, fiscal_year=FY - 1, kinds=["meeting", "volunteer"]
    )
    assert _ids(last_year, "meeting") == [w.last_year_meeting.pk]
    assert _ids(last_year, "volunteer") == [w.trained_last_year.pk]


def test_the_fiscal_year_runs_from_april_to_march():
    assert evidence.fiscal_year_span(2024) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))


def _save(personas, town, **fields):
    values = dict(
        user=personas["officer"],
        municipality=town.municipality,
        fiscal_year=FY,
        indicator_id="sc-groundwork",
        answer="yes",
    )
    values.update(fields)
    return services.grant_answer_save(**values)


def test_an_answer_keeps_its_evidence_and_is_audited(town, personas, grant_world):
    w = grant_world
    row = _save(
        personas,
        town,
        note="協議体で買い物の困りごとを把握",
        evidence=[("meeting", w.meeting.pk), ("issue", w.issue.pk)],
    )
    assessment = GrantAssessment.objects.get(municipality=town.municipality, fiscal_year=FY)
    assert assessment.indicator_version == "2018"
    assert row.answered_by_name == "officer" and row.answered_at is not None
    links = {(e.kind, e.record_id): e for e in row.evidence.all()}
    assert set(links) == {("meeting", w.meeting.pk), ("issue", w.issue.pk)}
    assert links[("meeting", w.meeting.pk)].on == dt.date(2024, 6, 10)
    # Changed: the meeting dropped, the issue kept as it was linked.
    _save(personas, town, answer="partly", evidence=[("issue", w.issue.pk)])
    assert list(row.evidence.values_list("kind", flat=True)) == ["issue"]
    assert GrantAnswer.objects.count() == 1
    events = AuditEvent.objects.filter(model="indicators.grantanswer", object_id=row.pk)
    assert [e.action for e in events.order_by("id")] == ["create", "update"]
    last = events.order_by("id").last()
    assert last.municipality_id == town.municipality.pk
    assert last.changes["answer"] == ["yes", "partly"]
    assert AuditEvent.objects.filter(model="indicators.grantassessment").count() == 1


@pytest.mark.parametrize(
    "pick",
    [
        lambda w: ("meeting", w.foreign_meeting.pk),  # another municipality's
        lambda w: ("meeting", w.last_year_meeting.pk),  # another year's
        lambda w: ("meeting", 10**12),  # none at all
    ],
)
def test_a_record_that_is_not_a_candidate_of_the_year_is_refused(town, personas, grant_world, pick):
    kind, rid = pick(grant_world)
    with pytest.raises(ValidationError) as exc:
        _save(personas, town, evidence=[("issue", grant_world.issue.pk), (kind, rid)])
    assert f"協議体の会議 ID {rid}" in exc.value.message_dict["evidence"][0]
    assert "この市町村の2024年度の記録にありません" in exc.value.message_dict["evidence"][0]
    assert not GrantEvidence.objects.exists() and not GrantAnswer.objects.exists()


def test_foreign_records_of_every_kind_are_refused(town, personas, grant_world):
    w = grant_world
    for kind, rid, indicator in (
        ("resource", w.foreign_resource.pk, "sc-resources-developed"),
        ("mutualaid_service", w.foreign_aid_service.pk, "diverse-services"),
    ):
        with pytest.raises(ValidationError, match="記録にありません"):
            _save(personas, town, indicator_id=indicator, evidence=[(kind, rid)])
    assert not GrantAnswer.objects.exists()


def test_a_kind_the_indicator_does_not_name_is_refused(town, personas, grant_world):
    with pytest.raises(ValidationError) as exc:
        _save(personas, town, evidence=[("volunteer", grant_world.trained.pk)])
    assert "「研修を受けたボランティア」はこの指標の根拠にできません" in str(exc.value)


def test_bad_answers_and_indicators_are_refused_in_japanese(town, personas, grant_world):
    with pytest.raises(ValidationError, match="回答は「はい」「一部」「いいえ」から"):
        _save(personas, town, answer="maybe")
    with pytest.raises(ValidationError, match="評価指標「nope」は2018年度版にありません"):
        _save(personas, town, indicator_id="nope")


def test_only_the_municipalitys_editors_may_answer(town, personas, grant_world):
    for name in ("nurse", "coordinator", "volunteer", "outsider"):
        with pytest.raises(PermissionDenied):
            _save(personas, town, user=personas[name])
    assert not GrantAssessment.objects.exists()


def test_a_claim_without_evidence_is_flagged_and_a_no_is_not(town, personas, grant_world):
    _save(personas, town, answer="yes")
    _save(personas, town, indicator_id="diverse-services", answer="partly")
    _save(personas, town, indicator_id="dementia-volunteers", answer="no")
    _save(
        personas,
        town,
        indicator_id="sc-resources-developed",
        evidence=[("mutualaid_service", grant_world.aid_service.pk)],
    )
    view = selectors.year_for_user(user=personas["nurse"], fiscal_year=FY)
    flags = {r.indicator.id: r.flag for r in view.rows}
    assert flags == {
        "dementia-volunteers": "",
        "diverse-services": sheet.NO_EVIDENCE,
        "sc-groundwork": sheet.NO_EVIDENCE,
        "sc-resources-developed": "",
    }
    assert sheet.flag("yes", 0) == sheet.flag("partly", 0) == "根拠がありません"
    assert sheet.flag("no", 0) == sheet.flag("yes", 1) == sheet.flag(None, 0) == ""
    years = selectors.years_for_user(user=personas["coordinator"])
    assert [(y.fiscal_year, y.answered, y.flagged, y.total) for y in years] == [(FY, 4, 2, 4)]


def test_another_municipality_sees_none_of_the_assessment(town, personas, grant_world):
    _save(personas, town, evidence=[("meeting", grant_world.meeting.pk)])
    assert selectors.years_for_user(user=personas["outsider"]) == []
    view = selectors.year_for_user(user=personas["outsider"], fiscal_year=FY, with_candidates=True)
    assert view.assessment is None and all(r.answer is None for r in view.rows)
    assert grant_world.meeting.pk not in _ids(view.candidates, "meeting")
    assert _ids(view.candidates, "meeting") == [grant_world.foreign_meeting.pk]
