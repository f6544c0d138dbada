"""Reads for the register and the bodies as the API and the command hand them out.

Built on the lead selectors (``issues.issue_filter``, ``bodies.body_list_for_user``) so
that the scope and the filters are the pages' own; what is added here is paging by a
caller's page size (a page past the end is empty, as everywhere in the API) and the
evidence counts, read in one query for the rows shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.core.params import ParamError
from chiiki.councils.models import Body, IssueEvidence, IssueResource, IssueStatus, RegionalIssue
from chiiki.councils.selectors.bodies import body_list_for_user
from chiiki.councils.selectors.issues import REFUSED, issue_filter, issue_rows_for_user, tag_choices


def _slice(qs: QuerySet[Any], page: int, size: int) -> tuple[list[Any], int]:
    start = (page - 1) * size
    return list(qs[start : start + size]), qs.count()


def evidence_counts(issue_ids: Iterable[int]) -> dict[int, int]:
    ids = list(issue_ids)
    if not ids:
        return {}
    rows = (
        IssueEvidence.objects.filter(issue_id__in=ids)
        .order_by()
        .values_list("issue_id")
        .annotate(n=Count("id"))
        .values_list("issue_id", "n")
    )
    return dict(rows)


def register_tags(*, municipality: Any) -> dict[str, str]:
    """Tag code → name: the shipped vocabulary and the municipality's own tags."""
    return dict(tag_choices(municipality=municipality))


def check_filters(*, municipality: Any, status: str, tag: str) -> None:
    """Refuse a status or tag the register does not know, naming the parameter."""
    if status and status not in IssueStatus.values:
        raise ParamError("status", status, "次のいずれかです: " + "、".join(IssueStatus.values))
    if tag and tag not in register_tags(municipality=municipality):
        raise Http404(f"タグ「{tag}」は登録されていません")


def issue_api_page(
    *,
    user: Any,
    page: int,
    size: int,
    status: str = "",
    tag: str = "",
    life_area_id: int | None = None,
) -> tuple[list[RegionalIssue], int, dict[int, int]]:
    """One page of the register the user sees: the issues, how many there are in all, and
    the evidence count of each issue shown. An unknown status or tag is a ParamError."""
    qs = access.visible(
        user,
        Cap.COUNCILS_VIEW,
        RegionalIssue.objects.select_related("life_area", "district", "body"),
        REFUSED,
    )
    check_filters(municipality=user.municipality, status=status, tag=tag)
    qs = issue_filter(qs, status=status, tag=tag, life_area_id=life_area_id).prefetch_related(
        Prefetch("resources", queryset=IssueResource.objects.select_related("service"))
    )
    rows, count = _slice(qs, page, size)
    return rows, count, evidence_counts(r.pk for r in rows)


def issue_export_rows(
    *, municipality: Any, status: str = "", tag: str = ""
) -> tuple[list[RegionalIssue], dict[int, int]]:
    """The whole register of a municipality, for the command (run on the server)."""
    rows = issue_rows_for_user(user=None, municipality=municipality, status=status, tag=tag)
    counts = dict(
        IssueEvidence.objects.filter(issue__municipality=municipality)
        .order_by()
        .values_list("issue_id")
        .annotate(n=Count("id"))
        .values_list("issue_id", "n")
    )
    return rows, counts


def body_api_page(
    *, user: Any, page: int, size: int, layer: int | None = None, kind: str = ""
) -> tuple[list[Body], int]:
    return _slice(body_list_for_user(user=user, layer=layer, kind=kind), page, size)
