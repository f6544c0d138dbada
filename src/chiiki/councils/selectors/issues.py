"""Reads for the register of regional issues: the municipality's staff see all of it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, QuerySet

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.councils.models import (
    IssueEvent,
    IssueEvidence,
    IssueResource,
    IssueStatus,
    RegionalIssue,
)
from chiiki.councils.services.issues import known_tags

REFUSED = "この地域課題を閲覧する権限がありません"
PAGE_SIZE = 50


def _register(user: Any) -> QuerySet[RegionalIssue]:
    return access.visible(
        user,
        Cap.COUNCILS_VIEW,
        RegionalIssue.objects.select_related("life_area", "district", "body"),
        REFUSED,
    )


def _counts(model: Any, ids: list[int]) -> dict[int, int]:
    rows = (
        model.objects.filter(issue_id__in=ids)
        .order_by()
        .values_list("issue_id")
        .annotate(n=Count("id"))
        .values_list("issue_id", "n")
    )
    return dict(rows)


def issue_filter(
    qs: QuerySet[RegionalIssue],
    *,
    status: str = "",
    tag: str = "",
    life_area_id: int | None = None,
    body_id: int | None = None,
    query: str = "",
) -> QuerySet[RegionalIssue]:
    if status:
        qs = qs.filter(status=status)
    if tag:
        qs = qs.filter(tag_codes__contains=f"|{tag}|")
    if life_area_id is not None:
        qs = qs.filter(life_area_id=life_area_id)
    if body_id is not None:
        qs = qs.filter(body_id=body_id)
    if query:
        qs = qs.filter(title__icontains=query)
    return qs.order_by("-status_on", "-id")


def issue_page_for_user(*, user: Any, page: int = 1, **filters: Any) -> Page[RegionalIssue]:
    """A page of the register, each issue with its counts of evidence and resources. The
    counts are read for the page's issues only: counting them in the page's query would
    join and group the whole register before the page is cut (180 ms on 5,000 issues)."""
    found = Paginator(issue_filter(_register(user), **filters), PAGE_SIZE).get_page(page)
    issues = list(found.object_list)
    ids = [i.pk for i in issues]
    evidence, resources = _counts(IssueEvidence, ids), _counts(IssueResource, ids)
    for i in issues:
        i.evidence_count = evidence.get(i.pk, 0)  # type: ignore[attr-defined]
        i.resource_count = resources.get(i.pk, 0)  # type: ignore[attr-defined]
    found.object_list = issues
    return found


def issue_rows_for_user(
    *, user: Any | None, municipality: Any = None, **filters: Any
) -> list[RegionalIssue]:
    """The whole register (the command, the API, exports), with its linked resources."""
    qs = (
        RegionalIssue.objects.filter(municipality=municipality) if user is None else _register(user)
    ).select_related("life_area", "district", "body")
    qs = issue_filter(qs, **filters).prefetch_related(
        Prefetch("resources", queryset=IssueResource.objects.select_related("service"))
    )
    return list(qs)


def issue_get_for_user(*, user: Any, issue_id: int, cap: Cap = Cap.COUNCILS_VIEW) -> RegionalIssue:
    found = (
        access.visible(
            user,
            cap,
            RegionalIssue.objects.select_related("life_area", "district", "body", "municipality"),
            REFUSED,
        )
        .prefetch_related(
            Prefetch("events", queryset=IssueEvent.objects.order_by("on", "id")),
            "evidence",
            Prefetch(
                "resources", queryset=IssueResource.objects.select_related("service__district")
            ),
        )
        .filter(pk=issue_id)
        .first()
    )
    if found is None:
        raise access.PermissionDenied(REFUSED)
    return found


def issue_status_counts(*, user: Any) -> dict[str, int]:
    counts = Counter(
        dict(
            _register(user)
            .order_by()
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
    )
    return {s.value: counts.get(s.value, 0) for s in IssueStatus}


def tag_choices(*, municipality: Any) -> list[tuple[str, str]]:
    return sorted(known_tags(municipality).items(), key=lambda kv: kv[1])


def survey_figure_snapshot(
    *, user: Any, survey_id: int, by: str, group: str, risk: str
) -> dict[str, Any]:
    """A survey figure exactly as the results page shows it today: the rate with its 95%
    interval and counts, the rule set, and the day. A suppressed cell is no evidence."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from chiiki.surveys import selectors as survey_selectors

    survey = survey_selectors.survey_get_for_user(user=user, survey_id=survey_id)
    table = survey_selectors.survey_results(user=user, survey=survey, by=by)
    cell = table.cells.get((group, risk)) if group != "全体" else table.total.get(risk)
    if not cell:
        raise ValidationError({"group": "その地域・リスクの数値はありません"})
    if cell.get("suppressed") or cell.get("rate") is None:
        raise ValidationError({"group": "人数が少なく非表示の数値は根拠にできません"})
    label = dict(table.risks).get(risk, risk)
    return {
        "survey_id": survey.pk,
        "survey": survey.name,
        "rule_set": table.ruleset_ref,
        "by": table.by,
        "group": group,
        "risk": risk,
        "risk_label": label,
        "positive": cell["positive"],
        "determined": cell["determined"],
        "rate": cell["rate"],
        "ci_low": cell["ci_low"],
        "ci_high": cell["ci_high"],
        "above": bool(cell.get("above")),
        "shown": (
            f"{cell['rate'] * 100:.1f}%（95%信頼区間 {cell['ci_low'] * 100:.1f}〜"
            f"{cell['ci_high'] * 100:.1f}%、{cell['positive']}/{cell['determined']}人、{table.ruleset_ref}）"
        ),
        "taken_on": timezone.localdate().isoformat(),
    }
