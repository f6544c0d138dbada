"""Pages of councils: a body's meetings — agenda, attendance, minutes (edited with optimistic
locking), decisions, the group work of 「地域のええとこ・いかんとこ」 that goes onto the
district sheets — and their prints (agenda, minutes, the members' attendance)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.timezone import localdate
from django.views.decorators.http import require_POST

from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.core import wareki
from chiiki.core.params import Params
from chiiki.core.pdf import render_pdf
from chiiki.councils.forms.meetings import (
    AttendanceForm,
    DecisionForm,
    GroupWorkForm,
    MeetingForm,
    MinutesForm,
)
from chiiki.councils.models import Meeting
from chiiki.councils.selectors import meetings as selectors
from chiiki.councils.selectors.bodies import body_get_for_user
from chiiki.councils.services import meetings as services
from chiiki.councils.views.bodies import form_errors


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def meeting_list(request: AuthedRequest, body_id: int) -> HttpResponse:
    """A body's meetings, newest first."""
    body, meetings = selectors.meeting_list_for_body(user=request.user, body_id=body_id)
    years = sorted({wareki.fiscal_year(m.held_on) for m in meetings}, reverse=True)
    return render(
        request,
        "councils/meetings/list.html",
        {
            "body": body,
            "meetings": meetings,
            "years": years,
            "can_manage": selectors.can_manage(user=request.user, obj=body),
        },
    )


@login_required
def meeting_new(request: AuthedRequest, body_id: int) -> HttpResponse:
    """Call a meeting: its date, place and agenda."""
    body = body_get_for_user(user=request.user, body_id=body_id, cap=Cap.COUNCILS_MANAGE)
    form = MeetingForm(request.POST or None, initial={"held_on": localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(user=request.user, body=body, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"{meeting.held_on:%Y-%m-%d} の会議を登録しました")
            return redirect("councils:meeting_detail", meeting_id=meeting.pk)
    return render(request, "councils/meetings/new.html", {"body": body, "form": form})


def _detail(
    request: AuthedRequest, meeting: Meeting, decision_form: DecisionForm | None = None
) -> HttpResponse:
    return render(
        request,
        "councils/meetings/detail.html",
        {
            "sheet": selectors.meeting_sheet(meeting=meeting),
            "meeting": meeting,
            "body": meeting.body,
            "can_manage": selectors.can_manage(user=request.user, obj=meeting),
            "decision_form": decision_form or DecisionForm(),
            "today": localdate(),
        },
    )


@login_required
def meeting_detail(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The record of one meeting: agenda, attendance, minutes, decisions, group work."""
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    return _detail(request, meeting)


@login_required
def meeting_edit(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """Edit date, place, agenda and minutes. The form carries the version it loaded; when
    someone else saved in the meantime the editor is told, their text stays in the form,
    and the saved text is shown beside it to merge (status 409)."""
    meeting = selectors.meeting_get_for_user(
        user=request.user, meeting_id=meeting_id, cap=Cap.COUNCILS_MANAGE
    )
    saved: Meeting | None = None
    status = 200
    if request.method == "POST":
        form = MinutesForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_update(user=request.user, meeting=meeting, **form.cleaned_data)
            except ValidationError as exc:
                form_errors(form, exc)
            except services.StaleError as exc:
                saved, status = exc.current, 409
                data = request.POST.copy()
                data["version"] = str(saved.version)  # saving again, after merging, may win
                form = MinutesForm(data)
                form.is_valid()
                form.add_error(None, str(exc))
            else:
                messages.success(request, "会議の記録を保存しました")
                return redirect("councils:meeting_detail", meeting_id=meeting.pk)
    else:
        form = MinutesForm(
            initial={
                "held_on": meeting.held_on,
                "place": meeting.place,
                "agenda": meeting.agenda,
                "minutes": meeting.minutes,
                "version": meeting.version,
            }
        )
    return render(
        request,
        "councils/meetings/edit.html",
        {"meeting": meeting, "body": meeting.body, "form": form, "saved": saved},
        status=status,
    )


@login_required
def meeting_attendance(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """Tick the members who came and name the guests."""
    meeting = selectors.meeting_get_for_user(
        user=request.user, meeting_id=meeting_id, cap=Cap.COUNCILS_MANAGE
    )
    sheet = selectors.meeting_sheet(meeting=meeting)
    form = AttendanceForm(
        request.POST or None,
        members=[line.membership for line in sheet.members],
        guests=sheet.guests,
        initial={"members": [line.membership.pk for line in sheet.members if line.present]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_set(
                user=request.user,
                meeting=meeting,
                membership_ids=form.cleaned_data["members"],
                guests=form.guests(),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "出席を保存しました")
            return redirect("councils:meeting_detail", meeting_id=meeting.pk)
    return render(
        request,
        "councils/meetings/attendance.html",
        {"meeting": meeting, "body": meeting.body, "form": form},
    )


@login_required
def meeting_groupwork(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The group work of 「地域のええとこ・いかんとこ」, one pair of boxes a district of the
    body's area. Saving it carries the points onto each district's sheet at once."""
    meeting = selectors.meeting_get_for_user(
        user=request.user, meeting_id=meeting_id, cap=Cap.COUNCILS_MANAGE
    )
    sheet = selectors.meeting_sheet(meeting=meeting)
    districts = [d.district for d in sheet.districts]
    initial: dict[str, Any] = {}
    for d in sheet.districts:
        if d.work:
            initial[f"good_points_{d.district.pk}"] = d.work.good_points
            initial[f"problems_{d.district.pk}"] = d.work.problems
    form = GroupWorkForm(request.POST or None, districts=districts, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.groupwork_save(
                user=request.user, meeting=meeting, entries=form.entries()
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            names = "、".join(w.district.name for w in saved if w.applied_at)
            messages.success(
                request,
                f"グループワークを保存し、資源シート（{names}地区）に反映しました"
                if names
                else "グループワークを保存しました",
            )
            return redirect("councils:meeting_detail", meeting_id=meeting.pk)
    return render(
        request,
        "councils/meetings/groupwork.html",
        {"meeting": meeting, "body": meeting.body, "form": form},
    )


@login_required
@require_POST
def meeting_decision_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(
        user=request.user, meeting_id=meeting_id, cap=Cap.COUNCILS_MANAGE
    )
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decision_add(user=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "決定事項を追加しました")
            return redirect("councils:meeting_detail", meeting_id=meeting.pk)
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    return _detail(request, meeting, decision_form=form)


@login_required
@require_POST
def meeting_decision_done(
    request: AuthedRequest, meeting_id: int, decision_id: int
) -> HttpResponse:
    """Mark a decision done (today unless ``done_on`` says otherwise), or undo it."""
    meeting = selectors.meeting_get_for_user(
        user=request.user, meeting_id=meeting_id, cap=Cap.COUNCILS_MANAGE
    )
    decision = selectors.decision_get_for_user(
        user=request.user, meeting=meeting, decision_id=decision_id
    )
    params = Params(request.POST)
    done_on = None if params.flag("undo") else params.date("done_on", default=localdate())
    try:
        services.decision_done(user=request.user, decision=decision, done_on=done_on)
    except ValidationError as exc:
        messages.error(request, "\n".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(request, "完了にしました" if done_on else "未完了に戻しました")
    return redirect("councils:meeting_detail", meeting_id=meeting.pk)


@login_required
def meeting_agenda_pdf(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The agenda to hand out before the meeting, with the members expected (A4)."""
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    sheet = selectors.meeting_sheet(meeting=meeting)
    pdf = render_pdf(
        "councils/meetings/agenda_pdf.html",
        {"sheet": sheet, "meeting": meeting, "body": meeting.body, "printed_on": localdate()},
    )
    return _pdf(pdf, f"agenda-{meeting.held_on:%Y%m%d}-{meeting.pk}.pdf")


@login_required
def meeting_minutes_pdf(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The minutes: attendance, minutes, decisions with owners and due dates, group work."""
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    sheet = selectors.meeting_sheet(meeting=meeting)
    pdf = render_pdf(
        "councils/meetings/minutes_pdf.html",
        {"sheet": sheet, "meeting": meeting, "body": meeting.body, "printed_on": localdate()},
    )
    return _pdf(pdf, f"minutes-{meeting.held_on:%Y%m%d}-{meeting.pk}.pdf")


@login_required
def body_attendance_pdf(request: AuthedRequest, body_id: int) -> HttpResponse:
    """The members' attendance over one fiscal year (``year``, 年度; the latest by default):
    a member per row, a meeting per column (A4 landscape)."""
    year = Params(request.GET).year("year")
    grid = selectors.body_attendance_for_user(user=request.user, body_id=body_id, fiscal_year=year)
    pdf = render_pdf(
        "councils/meetings/attendance_pdf.html", {"grid": grid, "printed_on": localdate()}
    )
    return _pdf(pdf, f"attendance-{grid.body.pk}-{grid.fiscal_year}.pdf")


urlpatterns = [
    path("bodies/<id:body_id>/meetings/", meeting_list, name="meeting_list"),
    path("bodies/<id:body_id>/meetings/new/", meeting_new, name="meeting_new"),
    path("bodies/<id:body_id>/attendance.pdf", body_attendance_pdf, name="body_attendance_pdf"),
    path("meetings/<id:meeting_id>/", meeting_detail, name="meeting_detail"),
    path("meetings/<id:meeting_id>/edit/", meeting_edit, name="meeting_edit"),
    path("meetings/<id:meeting_id>/attendance/", meeting_attendance, name="meeting_attendance"),
    path("meetings/<id:meeting_id>/groupwork/", meeting_groupwork, name="meeting_groupwork"),
    path("meetings/<id:meeting_id>/decisions/", meeting_decision_add, name="meeting_decision_add"),
    path(
        "meetings/<id:meeting_id>/decisions/<id:decision_id>/done/",
        meeting_decision_done,
        name="meeting_decision_done",
    ),
    path("meetings/<id:meeting_id>/agenda.pdf", meeting_agenda_pdf, name="meeting_agenda_pdf"),
    path("meetings/<id:meeting_id>/minutes.pdf", meeting_minutes_pdf, name="meeting_minutes_pdf"),
]
