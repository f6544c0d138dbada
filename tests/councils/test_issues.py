from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from chiiki.councils.models import IssueEvent, IssueStatus
from chiiki.councils.selectors import issues as selectors
from chiiki.councils.services import issues as services
from chiiki.resources.models import Organization, Service

D = dt.date(2019, 4, 1)


@pytest.fixture
def issue(town, personas, bodies):
    return services.issue_create(
        user=personas["nurse"],
        municipality=town.municipality,
        title="移動支援: 通院の足がない",
        tags=["mobility"],
        district=town.n1,
        body=bodies["susa"],
        status_on=D,
    )


def test_an_issue_starts_found_with_its_first_step_signed(issue, town):
    assert issue.status == IssueStatus.FOUND and issue.life_area == town.north
    (event,) = issue.events.all()
    assert (event.to_status, event.on, event.signed_by) == (IssueStatus.FOUND, D, "nurse")


def test_one_step_forward_needs_no_reason_but_a_skip_does(issue, personas):
    nurse = personas["nurse"]
    services.issue_move(user=nurse, issue=issue, to=IssueStatus.DISCUSSING, on=D)
    with pytest.raises(ValidationError, match="「対応決定・資源開発」を飛ばして"):
        services.issue_move(user=nurse, issue=issue, to=IssueStatus.RESOLVED, on=D)
    assert issue.status == IssueStatus.DISCUSSING
    services.issue_move(
        user=nurse, issue=issue, to=IssueStatus.RESOLVED, on=D, reason="既存の送迎サービスで足りた"
    )
    assert [e.to_status for e in issue.events.all()] == ["found", "discussing", "resolved"]


def test_found_straight_to_resolved_is_refused_and_nothing_changes(issue, personas):
    with pytest.raises(ValidationError) as info:
        services.issue_move(user=personas["nurse"], issue=issue, to=IssueStatus.RESOLVED, on=D)
    assert "reason" in info.value.message_dict
    issue.refresh_from_db()
    assert issue.status == IssueStatus.FOUND and issue.events.count() == 1


def test_deferring_needs_a_reason_and_a_date_never_goes_back(issue, personas):
    nurse = personas["nurse"]
    with pytest.raises(ValidationError, match="見送りにする理由"):
        services.issue_move(user=nurse, issue=issue, to=IssueStatus.DEFERRED, on=D)
    with pytest.raises(ValidationError, match="以後の日付"):
        services.issue_move(
            user=nurse, issue=issue, to=IssueStatus.DISCUSSING, on=D - dt.timedelta(days=1)
        )


def test_the_second_of_two_editors_is_told_and_nothing_is_overwritten(issue, personas):
    seen = issue.version
    services.issue_move(
        user=personas["nurse"], issue=issue, to=IssueStatus.DISCUSSING, on=D, version=seen
    )
    stale = selectors.issue_get_for_user(user=personas["admin"], issue_id=issue.pk)
    stale.version, stale.status = seen, IssueStatus.FOUND  # what the second editor had loaded
    with pytest.raises(services.StaleError, match="他の人が先に更新"):
        services.issue_move(
            user=personas["admin"], issue=stale, to=IssueStatus.DISCUSSING, on=D, version=seen
        )
    assert IssueEvent.objects.filter(issue=issue).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_moves_at_once_leave_one_winner(town, personas, bodies):
    issue = services.issue_create(user=None, municipality=town.municipality, title="t", status_on=D)
    results: list[str] = []

    def move(user):
        try:
            services.issue_move(
                user=user,
                issue=selectors.issue_get_for_user(user=user, issue_id=issue.pk),
                to=IssueStatus.DISCUSSING,
                on=D,
                version=1,
            )
            results.append("ok")
        except (services.StaleError, Exception) as exc:  # SQLite may also answer "locked"
            results.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(personas[n],)) for n in ("admin", "officer")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1
    assert IssueEvent.objects.filter(issue=issue, to_status=IssueStatus.DISCUSSING).count() == 1


def test_tags_are_the_shipped_ones_or_the_municipalitys_own(town, personas):
    with pytest.raises(ValidationError, match="タグ「sailing」は登録されていません"):
        services.issue_create(
            user=None, municipality=town.municipality, title="t", tags=["sailing"], status_on=D
        )
    tag = services.issue_tag_create(
        user=personas["officer"], municipality=town.municipality, name="介護予防", code="kaigo_yobo"
    )
    found = services.issue_create(
        user=None,
        municipality=town.municipality,
        title="t",
        tags=[tag.code, "dementia"],
        status_on=D,
    )
    assert found.tags == ["kaigo_yobo", "dementia"]
    assert [
        i.pk for i in selectors.issue_rows_for_user(user=personas["nurse"], tag="kaigo_yobo")
    ] == [found.pk]


def test_a_resource_that_came_of_the_issue_is_linked_with_its_start(
    issue, personas, town, other_town
):
    org = Organization.objects.create(municipality=town.municipality, name="社協")
    ride = Service.objects.create(
        municipality=town.municipality, organization=org, name="須佐おでかけ送迎"
    )
    link = services.issue_resource_link(
        user=personas["nurse"], issue=issue, service=ride, started_on=dt.date(2019, 10, 1)
    )
    assert (link.service, link.started_on) == (ride, dt.date(2019, 10, 1))
    theirs = Service.objects.create(
        municipality=other_town,
        organization=Organization.objects.create(municipality=other_town, name="x"),
        name="国東の送迎",
    )
    with pytest.raises(ValidationError, match="地域資源を選んでください"):
        services.issue_resource_link(
            user=personas["nurse"], issue=issue, service=theirs, started_on=D
        )


def test_a_survey_figure_is_kept_as_it_was_shown_and_a_hidden_one_is_no_evidence(
    issue, personas, town
):
    from chiiki.surveys import services as survey_services
    from tests.surveys.conftest import needs_csv, needs_rows

    survey = survey_services.survey_create(
        user=None, municipality=town.municipality, name="調査", fiscal_year=2019
    )
    survey_services.survey_import(
        user=None, survey=survey, data=needs_csv(needs_rows(40, ["須佐", "旭"])), filename="a.csv"
    )
    snap = selectors.survey_figure_snapshot(
        user=personas["nurse"], survey_id=survey.pk, by="life_area", group="北部", risk="motor"
    )
    assert snap["group"] == "北部" and 0 <= snap["ci_low"] <= snap["rate"] <= snap["ci_high"] <= 1
    assert snap["shown"].startswith(f"{snap['rate'] * 100:.1f}%")
    ev = services.issue_evidence_add(
        user=personas["nurse"], issue=issue, kind="survey_figure", title="t", snapshot=snap, on=D
    )
    assert ev.snapshot["rule_set"] == survey.ruleset_ref
    small = survey_services.survey_create(
        user=None, municipality=town.municipality, name="小", fiscal_year=2019
    )
    survey_services.survey_import(
        user=None, survey=small, data=needs_csv(needs_rows(5, ["須佐"])), filename="b.csv"
    )
    with pytest.raises(ValidationError, match="非表示の数値は根拠にできません"):
        selectors.survey_figure_snapshot(
            user=personas["nurse"], survey_id=small.pk, by="district", group="須佐", risk="motor"
        )


def test_each_role_on_the_register(issue, personas, client_for):
    list_url, detail = (
        reverse("councils:issue_list"),
        reverse("councils:issue_detail", args=[issue.pk]),
    )
    for role, listed, status in (
        ("admin", 200, 200),
        ("nurse", 200, 200),
        ("coordinator", 200, 200),
        ("volunteer", 403, 403),
        ("pref", 403, 403),
        ("outsider", 200, 403),  # their own municipality's register, without this issue
    ):
        page = client_for(personas[role]).get(list_url)
        assert page.status_code == listed, role
        if listed == 200:
            assert (issue.title in page.content.decode()) == (status == 200), role
        assert client_for(personas[role]).get(detail).status_code == status, role
    move = reverse("councils:issue_move", args=[issue.pk])
    data = {"to": "discussing", "on": "2019-05-01", "version": issue.version}
    assert client_for(personas["coordinator"]).post(move, data).status_code == 403  # 須佐 is 北部
    assert client_for(personas["nurse"]).post(move, data).status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DISCUSSING


def test_the_register_pages_and_filters_in_a_fixed_number_of_queries(
    town, personas, client_for, django_assert_max_num_queries
):
    for n in range(60):
        services.issue_create(
            user=None,
            municipality=town.municipality,
            title=f"課題{n}",
            tags=["mobility"],
            status_on=D,
        )
    client = client_for(personas["officer"])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("councils:issue_list"), {"tag": "mobility"})
    assert page.status_code == 200 and page.context["page"].paginator.count == 60
    assert client.get(reverse("councils:issue_list"), {"status": "nonsense"}).status_code == 400


def test_refusals_to_an_outsider_say_nothing_of_the_issue(issue, personas):
    with pytest.raises(PermissionDenied) as a:
        selectors.issue_get_for_user(user=personas["outsider"], issue_id=issue.pk)
    with pytest.raises(PermissionDenied) as b:
        selectors.issue_get_for_user(user=personas["outsider"], issue_id=issue.pk + 999)
    assert str(a.value) == str(b.value)
