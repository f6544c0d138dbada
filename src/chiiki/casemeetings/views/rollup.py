"""Pages that add cases up: the follow-up board, the roll-up of issue seeds by district with
the step into the register, the table 「見えてきた課題 → 解決に向けた政策へ」, and one
issue's cases with its measures."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.casemeetings import rollup as engine
from chiiki.casemeetings import selectors, services
from chiiki.casemeetings.forms import PolicyForm, PromoteForm
from chiiki.casemeetings.models import Outcome, PolicyStatus
from chiiki.core.params import Params
from chiiki.core.tabular import safe_cell
from chiiki.councils.selectors.issues import issue_get_for_user, tag_choices
from chiiki.councils.views.bodies import form_errors
from chiiki.people.models import CareLevel


@login_required
def due(request: AuthedRequest) -> HttpResponse:
    """Cases due, overdue and behind target, per center and per staff member."""
    access.require(request.user, Cap.CASES_MANAGE, "事例のフォローアップを見る権限がありません")
    params = Params(request.GET)
    show = params.choice("show", ["attention", "overdue", "behind"], default="attention")
    # As of another day: to look back at a month's board, or at a demo dated in the past.
    on = params.date("on") or timezone.localdate()
    board = selectors.due_board(user=request.user, today=on, show=show)
    return render(
        request,
        "casemeetings/due.html",
        {"board": board, "show": show, "soon": selectors.DUE_SOON_DAYS, "on": params.raw("on")},
    )


def _period(params: Params) -> tuple[dt.date | None, dt.date | None, str, str]:
    start_m, end_m = params.month("from"), params.month("to")
    start = dt.date(start_m[0], start_m[1], 1) if start_m else None
    end = dt.date(end_m[0], end_m[1], calendar.monthrange(end_m[0], end_m[1])[1]) if end_m else None
    return (
        start,
        end,
        f"{start_m[0]:04d}-{start_m[1]:02d}" if start_m else "",
        f"{end_m[0]:04d}-{end_m[1]:02d}" if end_m else "",
    )


@login_required
def rollup(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, Cap.CASES_ROLLUP, "事例の課題を集計する権限がありません")
    params = Params(request.GET)
    start, end, start_s, end_s = _period(params)
    if start and end and start > end:
        messages.error(request, "期間の始まりが終わりより後です。入れ替えて集計しました")
        start, end, start_s, end_s = end.replace(day=1), start, end_s, start_s
    min_cases = params.number("min", minimum=1, maximum=1000, default=engine.COMMON_MIN_CASES)
    rolls = selectors.rollup_for_user(user=request.user, start=start, end=end)
    query = urlencode({k: v for k, v in {"from": start_s, "to": end_s}.items() if v})
    if params.raw("format") == "csv":
        return _rollup_csv(rolls, min_cases or engine.COMMON_MIN_CASES)
    common = [r for r in rolls if r.common(min_cases or 1)]
    return render(
        request,
        "casemeetings/rollup.html",
        {
            "common": common,
            "individual": [r for r in rolls if not r.common(min_cases or 1)],
            "from": start_s,
            "to": end_s,
            "min": min_cases,
            "query": query,
            "can_promote": access.can(request.user, Cap.ISSUES_EDIT),
            "promote_forms": {
                r.tag: PromoteForm(initial={"tag": r.tag}, auto_id=f"p{r.tag}_%s") for r in common
            },
            "max_cases": max((r.cases for r in rolls), default=0),
            "promoted": selectors.promoted_tags(user=request.user),
        },
    )


def _rollup_csv(rolls: list[engine.TagRoll], min_cases: int) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["課題の種", "区分", "事例数", "地区", "地区の事例数"])
    for r in rolls:
        kind = "地域共通" if r.common(min_cases) else "個別"
        for district, n in r.districts.items():
            writer.writerow([safe_cell(c) for c in (r.name, kind, r.cases, district, n)])
    response = HttpResponse(
        out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="casemeetings-rollup.csv"'
    return response


@login_required
@require_POST
def promote(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, Cap.ISSUES_EDIT, "地域課題を登録する権限がありません")
    params = Params(request.GET)
    start, end, start_s, end_s = _period(params)
    form = PromoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "課題の種を選んでください")
        return redirect("casemeetings:rollup")
    tag = form.cleaned_data["tag"]
    ids = selectors.tag_case_ids(municipality=user.municipality, tag=tag, start=start, end=end)  # type: ignore[arg-type]
    try:
        issue = services.promote(
            user=user,
            municipality=user.municipality,  # type: ignore[arg-type]
            tag=tag,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            case_ids=ids,
            on=timezone.localdate(),
            period=(start_s, end_s),
        )
    except ValidationError as exc:
        messages.error(request, "、".join(exc.messages))
        return redirect("casemeetings:rollup")
    except access.PermissionDenied:
        messages.error(
            request,
            "この課題の種の事例は担当外の圏域にもまたがるため、登録できません。"
            "市町村の担当者に登録を依頼してください",
        )
        return redirect("casemeetings:rollup")
    messages.success(
        request, f"地域課題の台帳に登録しました（事例 {len(ids)}件とつながっています）"
    )
    return redirect("casemeetings:issue_cases", issue.pk)


@login_required
def policies(request: AuthedRequest) -> HttpResponse:
    """豊明市's table 「見えてきた課題 → 解決に向けた政策へ」, from the data."""
    access.require(request.user, Cap.COUNCILS_VIEW, "地域課題を閲覧する権限がありません")
    rows = selectors.policy_table(user=request.user)
    return render(
        request,
        "casemeetings/policies.html",
        {"rows": rows, "tag_names": dict(tag_choices(municipality=request.user.municipality))},
    )


@login_required
def issue_cases(request: AuthedRequest, issue_id: int) -> HttpResponse:
    """One issue of the register with the cases behind it and its measures."""
    user = request.user
    issue = issue_get_for_user(user=user, issue_id=issue_id)
    can_policy = access.can(user, Cap.POLICY_EDIT)
    form = PolicyForm(
        request.POST or None,
        initial={"status": PolicyStatus.PROPOSED, "proposed_on": timezone.localdate()},
    )
    if request.method == "POST":
        access.require(user, Cap.POLICY_EDIT, "施策を登録する権限がありません")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.policy_save(
                    user=user,
                    issue=issue,
                    title=d["title"],
                    description=d["description"],
                    status=d["status"],
                    proposed_on=d["proposed_on"],
                    plan_reference=d["plan_reference"],
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, "施策を登録しました")
                return redirect("casemeetings:issue_cases", issue.pk)
    cards = (
        selectors.issue_cases(user=user, issue=issue) if access.can(user, Cap.CASES_VIEW) else []
    )
    return render(
        request,
        "casemeetings/issue_cases.html",
        {
            "issue": issue,
            "cards": cards,
            "districts": sorted({c.district for c in cards}),
            "policies": list(issue.policies.all()),
            "form": form if can_policy else None,
            "tag_names": dict(tag_choices(municipality=issue.municipality)),
        },
    )


@login_required
def search(request: AuthedRequest) -> HttpResponse:
    """Cases found by goal, tag, age band and care level, with what worked for them."""
    user = request.user
    access.require(user, Cap.CASES_VIEW, "事例を閲覧する権限がありません")
    params = Params(request.GET)
    tags = tag_choices(municipality=user.municipality)
    band = params.number("band", minimum=0, maximum=125)
    filters: dict[str, Any] = {
        "goal": params.text("goal", max_length=100),
        "tag": params.choice("tag", [c for c, _ in tags]),
        "age_band": band - band % 5 if band is not None else None,
        "care_level": params.choice("care_level", CareLevel.values),
        "outcome": params.choice("outcome", Outcome.values),
    }
    searched = any(v not in ("", None) for v in filters.values())
    found = selectors.find_cases(user=user, **filters) if searched else []
    return render(
        request,
        "casemeetings/search.html",
        {
            "found": found,
            "searched": searched,
            "filters": filters,
            "tags": tags,
            "bands": list(range(65, 105, 5)),
            "care_levels": CareLevel.choices,
            "outcomes": Outcome.choices,
        },
    )


urlpatterns: list[Any] = [
    path("due/", due, name="due"),
    path("rollup/", rollup, name="rollup"),
    path("rollup/promote/", promote, name="promote"),
    path("policies/", policies, name="policies"),
    path("issues/<id:issue_id>/", issue_cases, name="issue_cases"),
    path("search/", search, name="search"),
]
