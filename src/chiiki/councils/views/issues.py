"""Pages of the register of regional issues (地域課題): the list, one issue with its history,
evidence and resources, and the forms that move it along."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.areas.selectors import district_list_for_user, life_area_list_for_user
from chiiki.core.params import Params
from chiiki.councils.forms.issues import (
    EvidenceForm,
    IssueForm,
    IssueMoveForm,
    ResourceLinkForm,
    SurveyFigureForm,
    TagForm,
)
from chiiki.councils.models import STATUS_PATH, EvidenceKind, IssueStatus
from chiiki.councils.selectors import bodies as body_selectors
from chiiki.councils.selectors import issues as selectors
from chiiki.councils.services import issues as services
from chiiki.councils.views.bodies import form_errors
from chiiki.resources.selectors import service_list_for_user
from chiiki.surveys.selectors import BY_CHOICES, survey_list_for_user
from chiiki.surveys.services import survey_ruleset


def _issue_form(
    user: Any, data: Any = None, *, editing: bool = False, initial: Any = None
) -> IssueForm:
    return IssueForm(
        data,
        initial=initial,
        life_areas=list(life_area_list_for_user(user=user, cap=Cap.ISSUES_EDIT)),
        districts=list(district_list_for_user(user=user, cap=Cap.ISSUES_EDIT)),
        tags=selectors.tag_choices(municipality=user.municipality),
        bodies=list(body_selectors.body_list_for_user(user=user)),
        editing=editing,
    )


@login_required
def issue_list(request: AuthedRequest) -> HttpResponse:
    params = Params(request.GET)
    tags = selectors.tag_choices(municipality=request.user.municipality)
    filters = {
        "status": params.choice("status", IssueStatus.values),
        "tag": params.choice("tag", [code for code, _ in tags]),
        "life_area_id": params.id("life_area"),
        "query": params.text("q"),
    }
    page = selectors.issue_page_for_user(user=request.user, page=params.page(), **filters)
    shown = {
        "status": filters["status"],
        "tag": filters["tag"],
        "life_area": filters["life_area_id"] or "",
        "q": filters["query"],
    }
    return render(
        request,
        "councils/issue_list.html",
        {
            "page": page,
            "filters": shown,
            "statuses": IssueStatus.choices,
            "tags": tags,
            "tag_names": dict(tags),
            "life_areas": life_area_list_for_user(user=request.user, cap=Cap.COUNCILS_VIEW),
            "counts": selectors.issue_status_counts(user=request.user),
            "query_string": urlencode({k: v for k, v in shown.items() if v}),
            "can_edit": access.can(request.user, Cap.ISSUES_EDIT),
        },
    )


@login_required
def issue_new(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, Cap.ISSUES_EDIT, "地域課題を登録する権限がありません")
    form = _issue_form(
        request.user, request.POST or None, initial={"status_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        life_area, district = form.chosen_area()
        try:
            issue = services.issue_create(
                user=request.user,
                municipality=request.user.municipality,  # type: ignore[arg-type]
                title=data["title"],
                description=data["description"],
                tags=data["tags"],
                life_area=life_area,
                district=district,
                body=form.chosen_body(),
                status_on=data["status_on"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "地域課題を登録しました（把握）")
            return redirect("councils:issue_detail", issue.pk)
    return render(request, "councils/issue_form.html", {"form": form, "issue": None})


@login_required
def issue_edit(request: AuthedRequest, issue_id: int) -> HttpResponse:
    issue = selectors.issue_get_for_user(user=request.user, issue_id=issue_id, cap=Cap.ISSUES_EDIT)
    initial = {
        "title": issue.title,
        "description": issue.description,
        "tags": issue.tags,
        "body": issue.body_id,
    }
    form = _issue_form(request.user, request.POST or None, editing=True, initial=initial)
    version = (
        Params(request.POST).number("version", minimum=1, maximum=2**31)
        if request.method == "POST"
        else issue.version
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_update(
                user=request.user,
                issue=issue,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                tags=form.cleaned_data["tags"],
                body=form.chosen_body(),
                version=version or 0,
            )
        except services.StaleError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "保存しました")
            return redirect("councils:issue_detail", issue.pk)
    return render(
        request, "councils/issue_form.html", {"form": form, "issue": issue, "version": version}
    )


def _next_step(status: str) -> str:
    if status in STATUS_PATH and status != IssueStatus.RESOLVED:
        return STATUS_PATH[STATUS_PATH.index(status) + 1]
    return IssueStatus.DISCUSSING


@login_required
def issue_detail(request: AuthedRequest, issue_id: int) -> HttpResponse:
    issue = selectors.issue_get_for_user(user=request.user, issue_id=issue_id)
    can_edit = access.reaches(request.user, Cap.ISSUES_EDIT, issue)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "issue": issue,
        "tag_names": dict(selectors.tag_choices(municipality=issue.municipality)),
        "path": [(s, IssueStatus(s).label) for s in STATUS_PATH],
        "can_edit": can_edit,
    }
    if can_edit:
        context |= {
            # Four forms on one page: each its own ids, so every label names one control.
            "move_form": IssueMoveForm(
                initial={"to": _next_step(issue.status), "on": today, "version": issue.version},
                auto_id="move_%s",
            ),
            "evidence_form": EvidenceForm(
                initial={"kind": EvidenceKind.MEMBER_REPORT}, auto_id="evidence_%s"
            ),
            "figure_form": _figure_form(request.user, auto_id="figure_%s"),
            "resource_form": _resource_form(
                request.user, initial={"started_on": today}, auto_id="resource_%s"
            ),
            "area_names": [
                "全体",
                *(
                    a.name
                    for a in life_area_list_for_user(user=request.user, cap=Cap.COUNCILS_VIEW)
                ),
                *(d.name for d in district_list_for_user(user=request.user, cap=Cap.COUNCILS_VIEW)),
            ],
            "move_url": reverse("councils:issue_move", args=[issue.pk]),
            "evidence_url": reverse("councils:issue_evidence", args=[issue.pk]),
            "figure_url": reverse("councils:issue_evidence_figure", args=[issue.pk]),
            "resource_url": reverse("councils:issue_resource", args=[issue.pk]),
        }
    return render(request, "councils/issue_detail.html", context)


def _figure_form(user: Any, data: Any = None, **kwargs: Any) -> SurveyFigureForm:
    """The survey figure form: the user's needs surveys, and the risks their rule sets
    determine (by label, in the rule sets' order), so that nobody types a code."""
    form = SurveyFigureForm(data, **kwargs)
    surveys = list(survey_list_for_user(user=user).filter(instrument="needs"))
    survey = form.fields["survey"]
    assert isinstance(survey, forms.ChoiceField)
    survey.choices = [(s.pk, s.name) for s in surveys]
    risks: dict[str, str] = {}
    for s in surveys:
        for d in survey_ruleset(s).determinations:
            risks.setdefault(d.id, d.label)
    form.fields["risk"].choices = list(risks.items())  # type: ignore[attr-defined]
    form.fields["by"].choices = list(BY_CHOICES.items())  # type: ignore[attr-defined]
    return form


def _resource_form(
    user: Any, data: Any = None, initial: Any = None, **kwargs: Any
) -> ResourceLinkForm:
    form = ResourceLinkForm(data, initial=initial, **kwargs)
    form.fields["service"].choices = [  # type: ignore[attr-defined]
        (s.pk, f"{s.name}（{s.district.name if s.district else '市町村全域'}）")
        for s in service_list_for_user(user=user).order_by("name")
    ]
    return form


def _act(request: AuthedRequest, action: Any, done: str) -> None:
    try:
        action()
    except services.StaleError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "、".join(exc.messages))
    else:
        messages.success(request, done)


@login_required
@require_POST
def issue_move(request: AuthedRequest, issue_id: int) -> HttpResponse:
    issue = selectors.issue_get_for_user(user=request.user, issue_id=issue_id, cap=Cap.ISSUES_EDIT)
    form = IssueMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "次の状況と日付を入れてください")
    else:
        data = form.cleaned_data
        _act(
            request,
            lambda: services.issue_move(
                user=request.user,
                issue=issue,
                to=data["to"],
                on=data["on"],
                reason=data["reason"],
                version=data["version"],
            ),
            f"「{IssueStatus(data['to']).label}」にしました",
        )
    return redirect("councils:issue_detail", issue.pk)


@login_required
@require_POST
def issue_evidence(request: AuthedRequest, issue_id: int) -> HttpResponse:
    """A member's report, or a case meeting noted by hand, as evidence."""
    issue = selectors.issue_get_for_user(user=request.user, issue_id=issue_id, cap=Cap.ISSUES_EDIT)
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "根拠の種類と見出しを入れてください")
    else:
        data = form.cleaned_data
        _act(
            request,
            lambda: services.issue_evidence_add(
                user=request.user,
                issue=issue,
                kind=data["kind"],
                title=data["title"],
                note=data["note"],
                on=timezone.localdate(),
            ),
            "根拠を加えました",
        )
    return redirect("councils:issue_detail", issue.pk)


@login_required
@require_POST
def issue_evidence_figure(request: AuthedRequest, issue_id: int) -> HttpResponse:
    """A needs-survey figure as evidence, kept as it is shown today (rate and interval)."""
    issue = selectors.issue_get_for_user(user=request.user, issue_id=issue_id, cap=Cap.ISSUES_EDIT)
    form = _figure_form(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, "調査・集計の単位・地域・リスクを選んでください")
        return redirect("councils:issue_detail", issue.pk)
    data = form.cleaned_data

    def add() -> None:
        snap = selectors.survey_figure_snapshot(
            user=request.user,
            survey_id=data["survey"],
            by=data["by"],
            group=data["group"],
            risk=data["risk"],
        )
        title = (
            f"{snap['survey']}: {snap['group']}の{snap['risk_label']} {snap['rate'] * 100:.1f}%"
            f"（95%信頼区間 {snap['ci_low'] * 100:.1f}〜{snap['ci_high'] * 100:.1f}%）"
        )
        services.issue_evidence_add(
            user=request.user,
            issue=issue,
            kind=EvidenceKind.SURVEY_FIGURE,
            title=title,
            snapshot=snap,
            source_model="surveys.survey",
            source_id=snap["survey_id"],
            on=timezone.localdate(),
        )

    _act(request, add, "調査の数値を根拠に加えました")
    return redirect("councils:issue_detail", issue.pk)


@login_required
@require_POST
def issue_resource(request: AuthedRequest, issue_id: int) -> HttpResponse:
    issue = selectors.issue_get_for_user(user=request.user, issue_id=issue_id, cap=Cap.ISSUES_EDIT)
    form = _resource_form(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, "地域資源と開始日を選んでください")
        return redirect("councils:issue_detail", issue.pk)
    data = form.cleaned_data
    service = service_list_for_user(user=request.user).filter(pk=data["service"]).first()
    if service is None:
        messages.error(request, "地域資源を選んでください")
    else:
        _act(
            request,
            lambda: services.issue_resource_link(
                user=request.user,
                issue=issue,
                service=service,
                started_on=data["started_on"],
                note=data["note"],
            ),
            f"「{service.name}」をこの課題から生まれた資源として記録しました",
        )
    return redirect("councils:issue_detail", issue.pk)


@login_required
def tag_new(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, Cap.ISSUES_EDIT, "タグを追加する権限がありません")
    form = TagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tag = services.issue_tag_create(
                user=request.user,
                municipality=request.user.municipality,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"タグ「{tag.name}」を追加しました")
            return redirect("councils:issue_list")
    tags = selectors.tag_choices(municipality=request.user.municipality)
    return render(request, "councils/tag_form.html", {"form": form, "tags": tags})


urlpatterns = [
    path("issues/", issue_list, name="issue_list"),
    path("issues/new/", issue_new, name="issue_new"),
    path("issues/tags/", tag_new, name="tag_new"),
    path("issues/<id:issue_id>/", issue_detail, name="issue_detail"),
    path("issues/<id:issue_id>/edit/", issue_edit, name="issue_edit"),
    path("issues/<id:issue_id>/move/", issue_move, name="issue_move"),
    path("issues/<id:issue_id>/evidence/", issue_evidence, name="issue_evidence"),
    path(
        "issues/<id:issue_id>/evidence/figure/", issue_evidence_figure, name="issue_evidence_figure"
    ),
    path("issues/<id:issue_id>/resources/", issue_resource, name="issue_resource"),
]
