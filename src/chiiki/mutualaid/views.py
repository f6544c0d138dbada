from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timezone import localdate
from django.views.decorators.http import require_POST

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.core.csp import charts_csp
from chiiki.core.params import ParamError, Params
from chiiki.core.pdf import render_pdf
from chiiki.core.tabular import safe_cell
from chiiki.mutualaid import selectors, services
from chiiki.mutualaid.forms import (
    AssignForm,
    AvailabilityForm,
    DoneForm,
    ExceptionForm,
    ProfileForm,
    RedeemForm,
    RequestForm,
)
from chiiki.mutualaid.models import SLOT_CHOICES, Status, week_start
from chiiki.mutualaid.tariff import TariffError, quote


def _week(params: Params, name: str = "week") -> dt.date:
    """The Monday of the week a ``week`` parameter names (this week when none)."""
    return week_start(params.date(name) or localdate())


def _errors(exc: ValidationError) -> str:
    return "\n".join(
        m
        for ms in (exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages])
        for m in ms
    )


def _act(request: AuthedRequest, action: Callable[[], Any], done: str) -> bool:
    """Run one service call; show what happened or why it was refused."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return False
    except services.ConflictError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, done)
    return True


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """Staff: this week's requests by status; volunteers go to their own page."""
    if access.can(request.user, Cap.MUTUALAID_OWN_JOBS):
        return redirect("mutualaid:my")
    params = Params(request.GET)
    week = _week(params)
    if not params.given("week") and not any(
        selectors.status_counts(user=request.user, week=week).values()
    ):
        # Nothing this week (a quiet week, or the demo's year): show the latest busy one.
        week = selectors.latest_week(user=request.user, before=week) or week
    context = {
        "services": selectors.service_list_for_user(user=request.user),
        "week": week,
        "counts": selectors.status_counts(user=request.user, week=week),
        "statuses": Status.choices,
        "prev_week": week - dt.timedelta(days=7),
        "next_week": week + dt.timedelta(days=7),
    }
    return render(request, "mutualaid/index.html", context)


@login_required
def request_list(request: AuthedRequest) -> HttpResponse:
    params = Params(request.GET)
    status = params.choice("status", Status.values)
    week = params.date("week")
    unpaid = params.flag("unpaid")
    page = selectors.request_page_for_user(
        user=request.user, status=status, week=week, unpaid=unpaid, page=params.page()
    )
    shown = (
        ("status", status),
        ("week", week.isoformat() if week else ""),
        ("unpaid", "1" if unpaid else ""),
    )
    query = "&".join(f"{k}={v}" for k, v in shown if v)
    context = {
        "page": page,
        "unpaid": unpaid,
        "status": status,
        "week": week,
        "statuses": Status.choices,
        "query_string": query,
        "hx_target": "#results",
    }
    template = (
        "mutualaid/request_list.html#results" if request.htmx else "mutualaid/request_list.html"
    )
    return render(request, template, context)


@login_required
def request_new(request: AuthedRequest) -> HttpResponse:
    """Take a request: find the resident, then the job, the week and the time slots."""
    svc = selectors.service_list_for_user(user=request.user)
    query = Params(request.GET).text("q")
    people = selectors.people_for_request(user=request.user, query=query)
    if request.htmx and request.method == "GET":
        return render(
            request, "mutualaid/request_new.html#people", {"people": people, "query": query}
        )
    form = RequestForm(
        request.POST or None, services=svc, initial={"week": week_start(localdate())}
    )
    chosen = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = selectors.requester_in_scope(user=request.user, person_id=data["person"])
        if chosen is None:
            form.add_error(None, "依頼者を検索して選んでください（担当地区の人のみ）")
        else:
            try:
                req = services.request_create(
                    user=request.user,
                    service=data["service"],
                    person=chosen,
                    task=data["task"],
                    week=data["week"],
                    preferred_slots=data["preferred_slots"],
                    estimated_minutes=data["estimated_minutes"],
                    address=data["address"],
                    notes=data["notes"],
                )
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, f"依頼{req.pk}を受け付けました")
                return redirect("mutualaid:request_detail", req.pk)
    context = {"form": form, "people": people, "query": query, "services": svc}
    return render(request, "mutualaid/request_new.html", context)


@login_required
def quote_partial(request: AuthedRequest) -> HttpResponse:
    """The fee of the job being entered, or why the tariff refuses it (for the intake form)."""
    svc = selectors.service_list_for_user(user=request.user)
    params = Params(request.GET)
    service_id = params.id("service")
    service = svc.filter(pk=service_id).first() if service_id else svc.first()
    context: dict[str, Any] = {"quote": None, "error": ""}
    try:
        minutes = params.number("estimated_minutes", minimum=-100_000, maximum=100_000)
    except ParamError:
        minutes, context["error"] = None, "見込み時間は分単位の整数です"
    if service is not None and minutes is not None:
        try:
            context["quote"] = quote(service.tariff, params.text("task"), minutes)
        except TariffError as exc:
            context["error"] = str(exc)
    return render(request, "mutualaid/_quote.html", context)


@login_required
def request_detail(request: AuthedRequest, request_id: int) -> HttpResponse:
    req = selectors.request_get_for_user(user=request.user, request_id=request_id)
    context = {
        "req": req,
        "choices": selectors.volunteer_choices(user=request.user, request=req)
        if req.status in (Status.REQUESTED, Status.MATCHED)
        else [],
        "slots": SLOT_CHOICES,
        "show_health": False,  # the job needs no health data, whoever looks
    }
    return render(request, "mutualaid/request_detail.html", context)


def _confirm(request: AuthedRequest, request_id: int) -> None:
    seen = Params(request.POST).id("volunteer")
    _act(
        request,
        lambda: services.proposal_confirm(
            user=request.user, request_id=request_id, volunteer_id=seen
        ),
        "担当を確定しました",
    )


def _reject(request: AuthedRequest, request_id: int) -> None:
    _act(
        request,
        lambda: services.proposal_reject(
            user=request.user, request_id=request_id, note=request.POST.get("note", "")
        ),
        "提案を却下しました",
    )


def _cancel(request: AuthedRequest, request_id: int) -> None:
    _act(
        request,
        lambda: services.request_cancel(
            user=request.user, request_id=request_id, note=request.POST.get("note", "")
        ),
        "依頼を取り消しました",
    )


def _assign(request: AuthedRequest, request_id: int) -> None:
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "ボランティアと時間帯を選んでください")
        return
    # Only volunteers registered with a service this user runs can be chosen.
    volunteer = selectors.volunteer_of_users_services(
        user=request.user, volunteer_id=form.cleaned_data["volunteer"]
    )
    if volunteer is None:
        messages.error(request, "ボランティアが見つかりません")
        return
    _act(
        request,
        lambda: services.proposal_change(
            user=request.user,
            request_id=request_id,
            volunteer=volunteer,
            slot=form.cleaned_data["slot"],
        ),
        "担当を変更しました（提案中）",
    )


def _done(request: AuthedRequest, request_id: int) -> None:
    form = DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "実際の時間（分）を整数で入力してください")
        return
    _act(
        request,
        lambda: services.request_done(
            user=request.user,
            request_id=request_id,
            actual_minutes=form.cleaned_data["actual_minutes"],
            done_on=form.cleaned_data["done_on"],
        ),
        "完了を記録しました",
    )


def _paid(request: AuthedRequest, request_id: int) -> None:
    _act(
        request,
        lambda: services.request_paid(user=request.user, request_id=request_id),
        "利用料の受領を記録しました",
    )


# One small handler per action of the request page; each reports through messages.
_ACTIONS: dict[str, Callable[[AuthedRequest, int], None]] = {
    "confirm": _confirm,
    "reject": _reject,
    "cancel": _cancel,
    "assign": _assign,
    "done": _done,
    "paid": _paid,
}


@login_required
@require_POST
def request_action(request: AuthedRequest, request_id: int, action: str) -> HttpResponse:
    handler = _ACTIONS.get(action)
    if handler is None:
        return HttpResponse(status=404)
    handler(request, request_id)
    return HttpResponseRedirect(reverse("mutualaid:request_detail", args=[request_id]))


@login_required
def receipt(request: AuthedRequest, request_id: int) -> HttpResponse:
    """The receipt (領収書) of a done job, as a PDF in Japanese."""
    req = selectors.request_get_for_user(user=request.user, request_id=request_id)
    if req.status != Status.DONE:
        messages.error(request, "領収書は完了した依頼にのみ発行できます")
        return redirect("mutualaid:request_detail", req.pk)
    pdf = render_pdf("mutualaid/receipt_pdf.html", {"req": req, "issued": localdate()})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{req.pk}.pdf"'
    return response


@login_required
def matching(request: AuthedRequest) -> HttpResponse:
    """Run the weekly matching and review its proposals, each with its reasons."""
    access.require(request.user, Cap.MUTUALAID_MANAGE, "助け合いの依頼を扱う権限がありません")
    week = _week(Params(request.POST if request.method == "POST" else request.GET))
    if request.method == "POST":
        svc = selectors.service_list_for_user(user=request.user)
        total = {"open": 0, "served": 0}
        unserved: list[dict[str, Any]] = []
        for s in svc:
            result = services.matching_run(
                municipality=s.municipality, week=week, user=request.user, service=s
            )
            total["open"] += result["open"]
            total["served"] += result["served"]
            unserved += result["unserved"]
        messages.success(
            request,
            f"{week:%Y-%m-%d} の週: 受付中 {total['open']}件 のうち {total['served']}件 に担当を提案しました",
        )
        # Say why the others got nobody, so staff can phone a volunteer or the resident.
        for item in unserved[:10]:
            messages.warning(request, f"依頼{item['request']}: {item['reason']}")
        if len(unserved) > 10:
            messages.warning(request, f"ほか{len(unserved) - 10}件も担当が決まりませんでした")
        return redirect(f"{reverse('mutualaid:matching')}?week={week.isoformat()}")
    proposals = selectors.request_rows_for_user(user=request.user, week=week, status=Status.MATCHED)
    waiting = selectors.request_rows_for_user(user=request.user, week=week, status=Status.REQUESTED)
    context = {
        "week": week,
        "proposals": proposals,
        "waiting": waiting,
        "prev_week": week - dt.timedelta(days=7),
        "next_week": week + dt.timedelta(days=7),
    }
    return render(request, "mutualaid/matching.html", context)


@login_required
def volunteer_list(request: AuthedRequest) -> HttpResponse:
    profiles = selectors.volunteer_list_for_user(user=request.user)
    waiting = selectors.volunteers_without_profile(user=request.user)
    return render(
        request, "mutualaid/volunteer_list.html", {"profiles": profiles, "waiting": waiting}
    )


@login_required
def volunteer_edit(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    """Set up or change a volunteer's profile (skills, tools, districts, free slots, weekly
    limit, training) and add days away."""
    volunteer = selectors.volunteer_role_get_for_user(user=request.user, volunteer_id=volunteer_id)
    profile = getattr(volunteer, "mutualaid_profile", None)
    svc = selectors.service_list_for_user(user=request.user)
    districts = selectors.district_choices(user=request.user)
    if request.method == "POST" and request.POST.get("form") == "exception" and profile is not None:
        away = ExceptionForm(request.POST)
        if away.is_valid():
            _act(
                request,
                lambda: services.availability_exception_add(
                    profile=profile,
                    date=away.cleaned_data["date"],
                    note=away.cleaned_data["note"],
                    user=request.user,
                ),
                f"{away.cleaned_data['date']} を休みの日にしました",
            )
        else:
            messages.error(request, "休みの日を入力してください")
        return redirect("mutualaid:volunteer_edit", volunteer_id)
    initial: dict[str, Any] = {}
    if profile is not None:
        initial = {
            "service": profile.service_id,
            "skills": profile.skills,
            "tools": profile.tools,
            "districts": [str(d.pk) for d in profile.districts.all()],
            "availability": profile.availability,
            "max_jobs_per_week": profile.max_jobs_per_week,
            "trainings": "\n".join(profile.trainings),
        }
    form = ProfileForm(request.POST or None, services=svc, districts=districts, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [d for d in districts if str(d.pk) in data["districts"]]
        try:
            services.volunteer_profile_save(
                volunteer=volunteer,
                service=data["service"],
                skills=data["skills"],
                tools=data["tools"],
                districts=chosen,
                availability=data["availability"],
                max_jobs_per_week=data["max_jobs_per_week"],
                trainings=[t.strip() for t in data["trainings"].splitlines() if t.strip()],
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, f"{volunteer.person.name}さんの登録内容を保存しました")
            return redirect("mutualaid:volunteer_detail", volunteer_id)
    context = {"volunteer": volunteer, "profile": profile, "form": form}
    return render(request, "mutualaid/volunteer_edit.html", context)


@login_required
def volunteer_detail(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    """A volunteer's profile and monthly statement; staff can exchange points here."""
    profile = selectors.volunteer_get_for_user(user=request.user, volunteer_id=volunteer_id)
    if request.method == "POST":
        form = RedeemForm(request.POST)
        if form.is_valid():
            _act(
                request,
                lambda: services.points_redeem(
                    user=request.user,
                    volunteer=profile.volunteer,
                    points=form.cleaned_data["points"],
                    note=form.cleaned_data["note"],
                ),
                f"{form.cleaned_data['points']}ポイントを交換しました",
            )
        else:
            messages.error(request, "交換するポイントを整数で入力してください")
        return redirect("mutualaid:volunteer_detail", volunteer_id)
    chosen = Params(request.GET).month("month")
    month = dt.date(*chosen, 1) if chosen else localdate().replace(day=1)
    statement = selectors.volunteer_statement(
        user=request.user, volunteer=profile.volunteer, month=month
    )
    tariff = profile.service.tariff
    context = {
        "profile": profile,
        "statement": statement,
        "skills": [tariff.task_label(s) for s in profile.skills],
        "tools": [tariff.tool_label(t) for t in profile.tools],
        "availability": [label for s, label in SLOT_CHOICES if s in profile.availability],
        "balance": services.points_balance(profile.volunteer_id),
        "form": RedeemForm(),
    }
    return render(request, "mutualaid/volunteer_detail.html", context)


@login_required
@charts_csp  # Plotly: see settings.CHIIKI_CSP_CHARTS
def report(request: AuthedRequest) -> HttpResponse:
    """The yearly report (年度): jobs by task, hours, residents, volunteers; table and chart."""
    params = Params(request.GET)
    service_id, given_year = params.id("service"), params.year("year")
    as_csv = params.choice("format", ["html", "csv"]) == "csv"
    svc = list(selectors.service_list_for_user(user=request.user))
    if not svc:
        return render(request, "mutualaid/report.html", {"report": None, "services": svc})
    service = next((s for s in svc if s.pk == service_id), svc[0])
    year = (
        given_year
        or selectors.latest_fiscal_year(user=request.user, service=service)
        or selectors.fiscal_year_of(localdate())
    )
    data = selectors.year_report(user=request.user, service=service, fiscal_year=year)
    if as_csv:
        return _report_csv(service.name, year, data)
    chart = {
        "data": [
            {"type": "bar", "name": name, "x": data["months"], "y": ys}
            for name, ys in data["monthly"].items()
        ],
        "layout": {
            "barmode": "stack",
            "title": {"text": f"{year}年度 月別・作業別の件数"},
            "height": 420,
            "font": {"family": "Noto Sans CJK JP, sans-serif"},
            "yaxis": {"title": {"text": "件数"}, "tickformat": "d", "rangemode": "tozero"},
            "margin": {"t": 50, "r": 10, "b": 40, "l": 50},
        },
    }
    context = {
        "report": data,
        "service": service,
        "services": svc,
        "year": year,
        "years": range(year - 3, year + 2),
        "chart": chart,
    }
    return render(request, "mutualaid/report.html", context)


def _report_csv(name: str, year: int, data: dict[str, Any]) -> HttpResponse:
    """The yearly table as CSV (UTF-8 with BOM, so that Excel opens it in Japanese)."""
    import csv

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mutualaid-{year}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["サービス", "年度", "作業", "件数", "延べ時間", "利用料（円）"])
    for row in data["rows"]:
        writer.writerow(
            [
                safe_cell(v)
                for v in (name, year, row["label"], row["jobs"], row["hours"], row["fees"])
            ]
        )
    writer.writerow([safe_cell(name), year, "合計", data["jobs"], data["hours"], data["fees"]])
    writer.writerow([])
    writer.writerow(["利用した住民", data["residents"]])
    writer.writerow(["活動したボランティア", data["volunteers_active"]])
    writer.writerow(["新規登録ボランティア", data["volunteers_new"]])
    return response


def _my_page(
    request: AuthedRequest,
    week: dt.date,
    availability: AvailabilityForm | None = None,
    away: ExceptionForm | None = None,
) -> HttpResponse:
    """The volunteer's page; a form that was refused comes back bound, with its errors."""
    jobs = selectors.my_jobs(user=request.user, week=week)
    nearest = None if jobs else selectors.my_nearest_active_week(user=request.user, week=week)
    profile = selectors.my_profile(user=request.user)
    today = localdate()
    if availability is None and profile is not None:
        availability = AvailabilityForm(initial={"availability": profile.availability})
    context = {
        "jobs": jobs,
        "week": week,
        "nearest": nearest,
        "points": selectors.my_points(user=request.user),
        "prev_week": week - dt.timedelta(days=7),
        "next_week": week + dt.timedelta(days=7),
        "profile": profile,
        "availability_form": availability,
        "away_form": away or ExceptionForm(),
        "days_away": selectors.my_days_away(user=request.user, today=today)
        if profile is not None
        else [],
        "away_min": today,
        "away_max": today + services.AWAY_AHEAD,
    }
    return render(request, "mutualaid/my.html", context)


@login_required
def my(request: AuthedRequest) -> HttpResponse:
    """The volunteer's own page: this week's jobs in large type, for a phone; below them
    their weekly free slots and days away, which they keep themselves."""
    access.require(request.user, Cap.MUTUALAID_OWN_JOBS, "ボランティア本人のページです")
    return _my_page(request, _week(Params(request.GET)))


def _back_to_my(request: AuthedRequest, anchor: str) -> HttpResponse:
    week = Params(request.POST).date("week")
    query = f"?week={week}" if week else ""
    return redirect(f"{reverse('mutualaid:my')}{query}#{anchor}")


def _refused(form: forms.Form, exc: ValidationError) -> None:
    for field, errors in (exc.message_dict if hasattr(exc, "error_dict") else {}).items():
        form.add_error(field if field in form.fields else None, errors)
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)


@login_required
@require_POST
def my_availability(request: AuthedRequest) -> HttpResponse:
    """The volunteer saves their own weekly free slots (no volunteer id is read)."""
    access.require(request.user, Cap.MUTUALAID_OWN_JOBS, "ボランティア本人のページです")
    form = AvailabilityForm(request.POST)
    if form.is_valid():
        try:
            services.own_availability_save(
                user=request.user, availability=form.cleaned_data["availability"]
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, "空いている時間帯を保存しました")
            return _back_to_my(request, "availability")
    return _my_page(request, _week(Params(request.POST)), availability=form)


@login_required
@require_POST
def my_away_add(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, Cap.MUTUALAID_OWN_JOBS, "ボランティア本人のページです")
    form = ExceptionForm(request.POST)
    if form.is_valid():
        day = form.cleaned_data["date"]
        try:
            services.own_day_away_add(user=request.user, date=day, note=form.cleaned_data["note"])
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"{day.month}月{day.day}日を休みの日にしました")
            return _back_to_my(request, "away")
    return _my_page(request, _week(Params(request.POST)), away=form)


@login_required
@require_POST
def my_away_remove(request: AuthedRequest, away_id: int) -> HttpResponse:
    access.require(request.user, Cap.MUTUALAID_OWN_JOBS, "ボランティア本人のページです")
    services.own_day_away_remove(user=request.user, away_id=away_id)
    messages.success(request, "休みの日を取り消しました")
    return _back_to_my(request, "away")


@login_required
@require_POST
def my_done(request: AuthedRequest, request_id: int) -> HttpResponse:
    access.require(request.user, Cap.MUTUALAID_OWN_JOBS, "ボランティア本人のページです")
    form = DoneForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.request_done(
                user=request.user,
                request_id=request_id,
                actual_minutes=form.cleaned_data["actual_minutes"],
            ),
            "おつかれさまでした。完了を記録しました",
        )
    else:
        messages.error(request, "かかった時間（分）を数字で入れてください")
    week = Params(request.POST).date("week")
    return redirect(f"{reverse('mutualaid:my')}?week={week}" if week else reverse("mutualaid:my"))
