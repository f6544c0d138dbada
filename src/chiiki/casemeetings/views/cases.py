"""Pages of one case: its card, its reviews in the guide's order with the support plan's
tasks, the forms that follow it up to closing, and the similar cases with what worked."""

from __future__ import annotations

from typing import Any

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
from chiiki.casemeetings import selectors, services, vocab
from chiiki.casemeetings.forms import AddReviewForm, CloseForm, ReviewForm, TaskForm
from chiiki.casemeetings.models import Outcome, Stage, TaskKind
from chiiki.core.params import Params
from chiiki.councils.selectors.issues import tag_choices
from chiiki.councils.views.bodies import form_errors
from chiiki.resources.selectors import service_list_for_user


def _problems(form: Any) -> str:
    """A form's errors in one message line, each after its field's label (a form's own error
    without one)."""
    return " / ".join(
        (f"{form.fields[k].label}: " if k in form.fields else "")
        + "、".join(str(e) for e in errors)
        for k, errors in form.errors.items()
    )


def _task_form(user: Any, data: Any = None, **kwargs: Any) -> TaskForm:
    return TaskForm(
        data,
        services=list(service_list_for_user(user=user).order_by("name")[:500]),
        **kwargs,
    )


@login_required
def case_detail(request: AuthedRequest, case_id: int) -> HttpResponse:
    user = request.user
    view = selectors.case_get_for_user(user=user, case_id=case_id)
    case = view.case
    tags = {t for r in view.reviews for t in r.tags}
    can_manage = access.reaches(user, Cap.CASES_MANAGE, case)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "view": view,
        "card": view.card,
        "case": case,
        "tag_names": dict(tag_choices(municipality=case.municipality)),
        "similar": selectors.similar_cases(user=user, case=case, tags=tags),
        "can_manage": can_manage,
        "today": today,
        "issues": selectors.case_issues(user=user, case=case),
        "role_names": dict(vocab.professions().choices()) | {"self": "本人・家族"},
    }
    if can_manage and case.is_open:
        context["task_form"] = _task_form(
            user, initial={"kind": TaskKind.INFORMAL, "due_on": today}, auto_id="task_%s"
        )
        context["add_form"] = AddReviewForm(
            meetings=selectors.meetings_for_followup(user=user, case=case),
            initial={"stage": case.next_stage or Stage.MID},
            auto_id="add_%s",
        )
        context["close_form"] = CloseForm(
            initial={"outcome": Outcome.MET, "closed_on": today}, auto_id="close_%s"
        )
    return render(request, "casemeetings/case_detail.html", context)


@login_required
def review_edit(request: AuthedRequest, review_id: int) -> HttpResponse:
    user = request.user
    review = selectors.review_get_for_user(user=user, review_id=review_id)
    case = review.case
    form = ReviewForm(
        request.POST or None,
        tags=tag_choices(municipality=case.municipality),
        initial={
            "present_state": review.present_state,
            "goal": review.goal or case.goal,
            "real_issue": review.real_issue,
            "can_solve": review.can_solve,
            "advice": review.advice,
            "tags": review.tags,
            "no_seed": review.no_seed,
            "result": review.result,
        },
    )
    version = (
        Params(request.POST).number("version", minimum=1, maximum=2**31) or 0
        if request.method == "POST"
        else review.version
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.review_save(
                user=user,
                review=review,
                version=version,
                present_state=d["present_state"],
                goal=d["goal"],
                real_issue=d["real_issue"],
                can_solve=d["can_solve"],
                advice=d["advice"],
                tags=d["tags"],
                no_seed=d["no_seed"],
                result=d["result"],
            )
        except services.StaleError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "検討シートを保存しました")
            return redirect("casemeetings:case_detail", case.pk)
    card = selectors.case_get_for_user(user=user, case_id=case.pk, cap=Cap.CASES_MANAGE).card
    return render(
        request,
        "casemeetings/review_form.html",
        {
            "form": form,
            "review": review,
            "card": card,
            "version": version,
            "is_participant": services.is_invited(user, review.meeting),
        },
    )


@login_required
@require_POST
def task_add(request: AuthedRequest, review_id: int) -> HttpResponse:
    user = request.user
    review = selectors.review_get_for_user(user=user, review_id=review_id)
    form = _task_form(user, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.task_add(
                user=user,
                review=review,
                kind=d["kind"],
                text=d["text"],
                role=d["role"],
                owner=d["owner"],
                due_on=d["due_on"],
                target=d["target"],
                service=form.services.get(d["service"]) if d["service"] else None,
            )
        except ValidationError as exc:
            messages.error(request, "、".join(exc.messages))
        else:
            messages.success(request, "支援計画に役割を加えました")
    else:
        messages.error(request, "役割を加えられません。" + _problems(form))
    return redirect("casemeetings:case_detail", review.case_id)


@login_required
@require_POST
def task_check(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get_for_user(user=request.user, task_id=task_id)
    achieved = Params(request.POST).flag("achieved")
    services.task_check(user=request.user, task=task, achieved=achieved)
    messages.success(request, "目標の確認を記録しました")
    return redirect("casemeetings:case_detail", task.review.case_id)


@login_required
@require_POST
def review_add(request: AuthedRequest, case_id: int) -> HttpResponse:
    user = request.user
    view = selectors.case_get_for_user(user=user, case_id=case_id, cap=Cap.CASES_MANAGE)
    form = AddReviewForm(
        request.POST, meetings=selectors.meetings_for_followup(user=user, case=view.case)
    )
    if form.is_valid():
        try:
            review = services.review_add(
                user=user,
                case=view.case,
                meeting=form.meetings[form.cleaned_data["meeting"]],
                stage=form.cleaned_data["stage"],
            )
        except ValidationError as exc:
            messages.error(request, "、".join(exc.messages))
        else:
            messages.success(request, f"{review.get_stage_display()}の検討を会議に加えました")
            return redirect("casemeetings:review_edit", review.pk)
    else:
        messages.error(request, "会議と段階を選んでください")
    return redirect("casemeetings:case_detail", view.case.pk)


@login_required
@require_POST
def case_close(request: AuthedRequest, case_id: int) -> HttpResponse:
    user = request.user
    view = selectors.case_get_for_user(user=user, case_id=case_id, cap=Cap.CASES_MANAGE)
    form = CloseForm(request.POST)
    version = Params(request.POST).number("version", minimum=1, maximum=2**31) or 0
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.case_close(
                user=user,
                case=view.case,
                outcome=d["outcome"],
                key=d["outcome_key"],
                closed_on=d["closed_on"],
                version=version,
            )
        except services.StaleError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, "、".join(exc.messages))
        else:
            messages.success(request, "事例を終了し、結果を記録しました")
    else:
        messages.error(request, "終了できません。" + _problems(form))
    return redirect("casemeetings:case_detail", view.case.pk)


urlpatterns = [
    path("cases/<id:case_id>/", case_detail, name="case_detail"),
    path("cases/<id:case_id>/reviews/", review_add, name="review_add"),
    path("cases/<id:case_id>/close/", case_close, name="case_close"),
    path("reviews/<id:review_id>/", review_edit, name="review_edit"),
    path("reviews/<id:review_id>/tasks/", task_add, name="task_add"),
    path("tasks/<id:task_id>/check/", task_check, name="task_check"),
]
