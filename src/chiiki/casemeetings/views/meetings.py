"""Pages of series and meetings: the index, a series with its evaluation figures, a meeting
with its agenda in time slots, its invitations, its 振り返り・評価 and, for a 推進会議, the
regional issues brought with their cases."""

from __future__ import annotations

import datetime as dt
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
from chiiki.areas.selectors import district_list_for_user, life_area_list_for_user
from chiiki.casemeetings import agenda as agenda_engine
from chiiki.casemeetings import selectors, services, vocab
from chiiki.casemeetings.forms import (
    CaseOpenForm,
    EvaluationForm,
    InviteForm,
    ItemForm,
    MeetingForm,
    SeriesForm,
)
from chiiki.casemeetings.models import DEFAULT_SLOTS, SLOT_LABELS, Function, Kind
from chiiki.core.params import Params
from chiiki.councils.views.bodies import form_errors


def _series_form(user: Any, data: Any = None, initial: Any = None) -> SeriesForm:
    return SeriesForm(
        data,
        initial=initial,
        life_areas=list(life_area_list_for_user(user=user, cap=Cap.CASES_MANAGE)),
    )


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, Cap.CASES_VIEW, "地域ケア会議を閲覧する権限がありません")
    series = selectors.series_list_for_user(user=user)
    staff = access.can(user, Cap.CASES_ROLLUP)
    upcoming = selectors.invited_meetings(user=user) if not staff else []
    return render(
        request,
        "casemeetings/index.html",
        {
            "individual": [s for s in series if s.kind == Kind.INDIVIDUAL],
            "promotion": [s for s in series if s.kind == Kind.PROMOTION],
            "can_manage": access.can(user, Cap.CASES_MANAGE),
            "staff": staff,
            "upcoming": upcoming,
        },
    )


@login_required
def series_new(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, Cap.CASES_MANAGE, "地域ケア会議を運営する権限がありません")
    form = _series_form(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.series_save(
                user=request.user,
                municipality=request.user.municipality,  # type: ignore[arg-type]
                **form.values(),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "会議の系列を登録しました")
            return redirect("casemeetings:series_detail", series.pk)
    return render(request, "casemeetings/series_form.html", {"form": form, "series": None})


@login_required
def series_edit(request: AuthedRequest, series_id: int) -> HttpResponse:
    series = selectors.series_get_for_user(
        user=request.user, series_id=series_id, cap=Cap.CASES_MANAGE
    )
    slots = series.slot_minutes
    initial = {
        "kind": series.kind,
        "focus": series.focus,
        "name": series.name,
        "host": series.host,
        "life_area": series.life_area_id,
        "schedule": series.schedule,
        "meetings_per_year": series.meetings_per_year,
        "minutes_per_meeting": series.minutes_per_meeting,
        "cases_per_meeting": series.cases_per_meeting,
        "professions": series.professions,
        "functions": series.functions,
        **{f"slot_{k}": slots[k] for k in DEFAULT_SLOTS},
    }
    form = _series_form(request.user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.series_save(
                user=request.user, municipality=series.municipality, series=series, **form.values()
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "保存しました")
            return redirect("casemeetings:series_detail", series.pk)
    return render(request, "casemeetings/series_form.html", {"form": form, "series": series})


@login_required
def series_detail(request: AuthedRequest, series_id: int) -> HttpResponse:
    series = selectors.series_get_for_user(user=request.user, series_id=series_id)
    today = timezone.localdate()
    names = dict(vocab.professions().choices())
    return render(
        request,
        "casemeetings/series_detail.html",
        {
            "series": series,
            "meetings": selectors.meetings_of(user=request.user, series=series),
            "stats": selectors.series_stats(series=series, today=today),
            "today": today,
            "professions": [names.get(p, p) for p in series.professions],
            "functions": [Function(f).label for f in series.functions if f in Function.values],
            "slots": [(SLOT_LABELS[k], v) for k, v in series.slot_minutes.items()],
            "can_manage": access.reaches(request.user, Cap.CASES_MANAGE, series),
        },
    )


@login_required
def meeting_new(request: AuthedRequest, series_id: int) -> HttpResponse:
    series = selectors.series_get_for_user(
        user=request.user, series_id=series_id, cap=Cap.CASES_MANAGE
    )
    form = MeetingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                user=request.user,
                series=series,
                held_on=form.cleaned_data["held_on"],
                starts_at=form.cleaned_data["starts_at"],
                place=form.cleaned_data["place"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, "会議を登録しました。あなたは主催者として参加者に入っています"
            )
            return redirect("casemeetings:meeting_detail", meeting.pk)
    return render(request, "casemeetings/meeting_form.html", {"form": form, "series": series})


def _case_open_form(user: Any, query: str, data: Any = None, initial: Any = None) -> CaseOpenForm:
    return CaseOpenForm(
        data,
        initial=initial,
        people=selectors.people_for_cases(user=user, query=query),
        districts=list(district_list_for_user(user=user, cap=Cap.CASES_MANAGE)),
    )


@login_required
def meeting_detail(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = selectors.meeting_get_for_user(user=user, meeting_id=meeting_id)
    series = meeting.series
    entries = selectors.meeting_agenda(user=user, meeting=meeting)
    plan = agenda_engine.build(
        meeting.starts_at,
        [e.card.label for e in entries],
        series.slot_minutes,
        SLOT_LABELS,
        series.minutes_per_meeting,
    )
    names = dict(vocab.professions().choices())
    invited = {i.profession for i in meeting.invitations.all()}
    # The series' professions, and those the cases' plans give a role to.
    needed = agenda_engine.professions_needed(
        [[r for r in e.roles if r in names] for e in entries], series.professions
    )
    can_manage = access.reaches(user, Cap.CASES_MANAGE, meeting)
    context: dict[str, Any] = {
        "meeting": meeting,
        "series": series,
        "rows": list(zip(plan.slots, entries, strict=True)),
        "plan": plan,
        "invitations": list(meeting.invitations.all()),
        "profession_names": names,
        "missing": [names.get(p, p) for p in needed if p not in invited],
        "can_manage": can_manage,
        "is_participant": services.is_invited(user, meeting),
        "items": selectors.promotion_items(user=user, meeting=meeting),
    }
    if can_manage:
        today = timezone.localdate()
        context["invite_form"] = InviteForm(
            users=selectors.invitable_users(user=user, meeting=meeting), auto_id="invite_%s"
        )
        context["evaluation_form"] = EvaluationForm(
            initial={
                "purpose_shared": meeting.purpose_shared,
                "issues_drawn": meeting.issues_drawn,
                "followups_kept": meeting.followups_kept,
                "evaluation": meeting.evaluation,
                "evaluated_on": meeting.evaluated_on or max(today, meeting.held_on),
            },
            auto_id="evaluation_%s",
        )
        if series.kind == Kind.PROMOTION:
            context["item_form"] = ItemForm(
                issues=selectors.issues_with_cases(user=user), auto_id="item_%s"
            )
    return render(request, "casemeetings/meeting_detail.html", context)


@login_required
@require_POST
def meeting_invite(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(
        user=request.user, meeting_id=meeting_id, cap=Cap.CASES_MANAGE
    )
    form = InviteForm(
        request.POST, users=selectors.invitable_users(user=request.user, meeting=meeting)
    )
    if form.is_valid():
        try:
            services.invite(
                user=request.user,
                meeting=meeting,
                invitee=form.users[form.cleaned_data["invitee"]],
                profession=form.cleaned_data["profession"],
                organisation=form.cleaned_data["organisation"],
            )
        except ValidationError as exc:
            messages.error(request, "、".join(exc.messages))
        else:
            messages.success(request, "参加者に招待しました")
    else:
        messages.error(request, "参加者と職種を選んでください")
    return redirect("casemeetings:meeting_detail", meeting.pk)


@login_required
def case_open(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(
        user=request.user, meeting_id=meeting_id, cap=Cap.CASES_MANAGE
    )
    query = Params(request.GET).text("q", max_length=60)
    form = _case_open_form(
        request.user,
        query,
        request.POST or None,
        initial={
            "mid_due_on": meeting.held_on + dt.timedelta(days=90),
            "closing_due_on": meeting.held_on + dt.timedelta(days=180),
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = form.people.get(d["person"]) if d["person"] else None
        try:
            review = services.case_open(
                user=request.user,
                meeting=meeting,
                number=d["number"],
                district=person.district if person else form.districts[d["district"]],
                age=person.age_on(meeting.held_on) if person else d["age"],
                sex=person.sex if person else d["sex"],
                care_level=d["care_level"],
                goal=d["goal"],
                person=person,
                mid_due_on=d["mid_due_on"],
                closing_due_on=d["closing_due_on"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "事例を追加しました。検討シートを記入してください")
            return redirect("casemeetings:review_edit", review.pk)
    return render(
        request, "casemeetings/case_open.html", {"form": form, "meeting": meeting, "q": query}
    )


@login_required
@require_POST
def meeting_evaluate(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(
        user=request.user, meeting_id=meeting_id, cap=Cap.CASES_MANAGE
    )
    form = EvaluationForm(request.POST)
    version = Params(request.POST).number("version", minimum=1, maximum=2**31) or 0
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.meeting_evaluate(
                user=request.user,
                meeting=meeting,
                purpose_shared=d["purpose_shared"],
                issues_drawn=d["issues_drawn"],
                followups_kept=d["followups_kept"],
                evaluation=d["evaluation"],
                on=d["evaluated_on"],
                version=version,
            )
        except services.StaleError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, "、".join(exc.messages))
        else:
            messages.success(request, "振り返り・評価を記録しました")
    else:
        messages.error(request, "評価日を入れてください")
    return redirect("casemeetings:meeting_detail", meeting.pk)


@login_required
@require_POST
def meeting_item(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(
        user=request.user, meeting_id=meeting_id, cap=Cap.CASES_MANAGE
    )
    form = ItemForm(request.POST, issues=selectors.issues_with_cases(user=request.user))
    if form.is_valid():
        try:
            services.promotion_item_add(
                user=request.user,
                meeting=meeting,
                issue=form.issues[form.cleaned_data["issue"]],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, "、".join(exc.messages))
        else:
            messages.success(request, "地域課題を議題に加えました")
    else:
        messages.error(request, "事例とつながる地域課題を選んでください")
    return redirect("casemeetings:meeting_detail", meeting.pk)


urlpatterns = [
    path("", index, name="index"),
    path("series/new/", series_new, name="series_new"),
    path("series/<id:series_id>/", series_detail, name="series_detail"),
    path("series/<id:series_id>/edit/", series_edit, name="series_edit"),
    path("series/<id:series_id>/meetings/new/", meeting_new, name="meeting_new"),
    path("meetings/<id:meeting_id>/", meeting_detail, name="meeting_detail"),
    path("meetings/<id:meeting_id>/invite/", meeting_invite, name="meeting_invite"),
    path("meetings/<id:meeting_id>/cases/new/", case_open, name="case_open"),
    path("meetings/<id:meeting_id>/evaluate/", meeting_evaluate, name="meeting_evaluate"),
    path("meetings/<id:meeting_id>/items/", meeting_item, name="meeting_item"),
]
