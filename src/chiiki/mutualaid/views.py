from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timezone import localdate
from django.views.decorators.http import require_POST

from chiiki.accounts import permissions
from chiiki.accounts.models import AuditAction
from chiiki.accounts.services import AuditEntry, audit_record_many
from chiiki.core.csp import charts_csp
from chiiki.core.http import HtmxHttpRequest
from chiiki.core.pdf import render_pdf
from chiiki.core.tabular import safe_cell
from chiiki.mutualaid import selectors, services
from chiiki.mutualaid.forms import (
    AssignForm,
    DoneForm,
    ExceptionForm,
    ProfileForm,
    RedeemForm,
    RequestForm,
)
from chiiki.mutualaid.models import SLOT_CHOICES, Status, week_start
from chiiki.mutualaid.tariff import TariffError, quote
from chiiki.people.models import Person


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _errors(exc: ValidationError) -> str:
    return "\n".join(
        m
        for ms in (exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages])
        for m in ms
    )


def _act(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
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
def index(request: HttpRequest) -> HttpResponse:
    """Staff: this week's requests by status; volunteers go to their own page."""
    if permissions.can_use_volunteer_page(request.user):
        return redirect("mutualaid:my")
    permissions.require(
        permissions.can_manage_mutualaid(request.user), "助け合いサービスを閲覧する権限がありません"
    )
    week = week_start(_date(request.GET.get("week"), localdate()))
    if not request.GET.get("week") and not any(
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
def request_list(request: HtmxHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    week_raw = request.GET.get("week", "")
    week = _date(week_raw, localdate()) if week_raw else None
    unpaid = request.GET.get("unpaid") == "1"
    qs = selectors.request_list_for_user(user=request.user, status=status, week=week, unpaid=unpaid)
    page = Paginator(qs, settings.CHIIKI_PAGE_SIZE).get_page(request.GET.get("page"))
    params = (
        ("status", status),
        ("week", week.isoformat() if week else ""),
        ("unpaid", "1" if unpaid else ""),
    )
    query = "&".join(f"{k}={v}" for k, v in params if v)
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
def request_new(request: HtmxHttpRequest) -> HttpResponse:
    """Take a request: find the resident, then the job, the week and the time slots."""
    svc = selectors.service_list_for_user(user=request.user)
    query = request.GET.get("q", "").strip()
    people = selectors.people_for_request(user=request.user, query=query)
    if request.htmx and request.method == "GET":
        return render(
            request, "mutualaid/request_new.html#people", {"people": people, "query": query}
        )
    form = RequestForm(
        request.POST or None, services=svc, initial={"week": week_start(localdate())}
    )
    chosen: Person | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = (
            Person.objects.filter(permissions.person_filter(request.user))
            .filter(pk=data["person"])
            .first()
        )
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
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, f"依頼{req.pk}を受け付けました")
                return redirect("mutualaid:request_detail", req.pk)
    context = {"form": form, "people": people, "query": query, "services": svc}
    return render(request, "mutualaid/request_new.html", context)


@login_required
def quote_partial(request: HttpRequest) -> HttpResponse:
    """The fee of the job being entered, or why the tariff refuses it (for the intake form)."""
    svc = selectors.service_list_for_user(user=request.user)
    service_id = request.GET.get("service", "")
    service = svc.filter(pk=int(service_id)).first() if service_id.isdigit() else svc.first()
    minutes_raw = request.GET.get("estimated_minutes", "").strip()
    context: dict[str, Any] = {"quote": None, "error": ""}
    if service is not None and minutes_raw:
        try:
            context["quote"] = quote(service.tariff, request.GET.get("task", ""), int(minutes_raw))
        except (TariffError, ValueError) as exc:
            context["error"] = (
                str(exc) if isinstance(exc, TariffError) else "見込み時間は分単位の整数です"
            )
    return render(request, "mutualaid/_quote.html", context)


@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    req = selectors.request_get_for_user(user=request.user, request_id=request_id, request=request)
    context = {
        "req": req,
        "choices": selectors.volunteer_choices(request=req)
        if req.status in (Status.REQUESTED, Status.MATCHED)
        else [],
        "slots": SLOT_CHOICES,
        "show_health": False,  # the job needs no health data, whoever looks
    }
    return render(request, "mutualaid/request_detail.html", context)


@login_required
@require_POST
def request_action(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    user = request.user
    back = HttpResponseRedirect(reverse("mutualaid:request_detail", args=[request_id]))
    if action == "confirm":
        seen = request.POST.get("volunteer", "")
        _act(
            request,
            lambda: services.proposal_confirm(
                user=user, request_id=request_id, volunteer_id=int(seen) if seen.isdigit() else None
            ),
            "担当を確定しました",
        )
    elif action == "reject":
        _act(
            request,
            lambda: services.proposal_reject(
                user=user, request_id=request_id, note=request.POST.get("note", "")
            ),
            "提案を却下しました",
        )
    elif action == "cancel":
        _act(
            request,
            lambda: services.request_cancel(
                user=user, request_id=request_id, note=request.POST.get("note", "")
            ),
            "依頼を取り消しました",
        )
    elif action == "assign":
        form = AssignForm(request.POST)
        if not form.is_valid():
            messages.error(request, "ボランティアと時間帯を選んでください")
            return back
        from chiiki.people.models import Volunteer

        # Only volunteers registered with a service this user runs can be chosen.
        volunteer = (
            Volunteer.objects.filter(
                pk=form.cleaned_data["volunteer"],
                mutualaid_profile__service__in=selectors.service_list_for_user(user=user),
            )
            .select_related("person")
            .first()
        )
        if volunteer is None:
            messages.error(request, "ボランティアが見つかりません")
            return back
        _act(
            request,
            lambda: services.proposal_change(
                user=user,
                request_id=request_id,
                volunteer=volunteer,
                slot=form.cleaned_data["slot"],
            ),
            "担当を変更しました（提案中）",
        )
    elif action == "done":
        done_form = DoneForm(request.POST)
        if not done_form.is_valid():
            messages.error(request, "実際の時間（分）を整数で入力してください")
            return back
        _act(
            request,
            lambda: services.request_done(
                user=user,
                request_id=request_id,
                actual_minutes=done_form.cleaned_data["actual_minutes"],
                done_on=done_form.cleaned_data["done_on"],
            ),
            "完了を記録しました",
        )
    elif action == "paid":
        _act(
            request,
            lambda: services.request_paid(user=user, request_id=request_id),
            "利用料の受領を記録しました",
        )
    else:
        return HttpResponse(status=404)
    return back


@login_required
def receipt(request: HttpRequest, request_id: int) -> HttpResponse:
    """The receipt (領収書) of a done job, as a PDF in Japanese."""
    req = selectors.request_get_for_user(user=request.user, request_id=request_id, request=request)
    if req.status != Status.DONE:
        messages.error(request, "領収書は完了した依頼にのみ発行できます")
        return redirect("mutualaid:request_detail", req.pk)
    pdf = render_pdf("mutualaid/receipt_pdf.html", {"req": req, "issued": localdate()})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{req.pk}.pdf"'
    return response


@login_required
def matching(request: HttpRequest) -> HttpResponse:
    """Run the weekly matching and review its proposals, each with its reasons."""
    permissions.require(
        permissions.can_manage_mutualaid(request.user), "助け合いの依頼を扱う権限がありません"
    )
    week = week_start(_date(request.POST.get("week") or request.GET.get("week"), localdate()))
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
    proposals = selectors.request_list_for_user(user=request.user, week=week, status=Status.MATCHED)
    waiting = selectors.request_list_for_user(user=request.user, week=week, status=Status.REQUESTED)
    context = {
        "week": week,
        "proposals": proposals,
        "waiting": waiting,
        "prev_week": week - dt.timedelta(days=7),
        "next_week": week + dt.timedelta(days=7),
    }
    return render(request, "mutualaid/matching.html", context)


@login_required
def volunteer_list(request: HttpRequest) -> HttpResponse:
    profiles = selectors.volunteer_list_for_user(user=request.user)
    waiting = selectors.volunteers_without_profile(user=request.user)
    return render(
        request, "mutualaid/volunteer_list.html", {"profiles": profiles, "waiting": waiting}
    )


@login_required
def volunteer_edit(request: HttpRequest, volunteer_id: int) -> HttpResponse:
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
def volunteer_detail(request: HttpRequest, volunteer_id: int) -> HttpResponse:
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
    month = _date(
        (request.GET.get("month") or "") + "-01" if request.GET.get("month") else None,
        localdate(),
    )
    statement = selectors.volunteer_statement(volunteer=profile.volunteer, month=month)
    # The statement names the residents helped: each is a read, as in `mutualaid statement`.
    audit_record_many(
        user=request.user,
        model="people.person",
        request=request,
        entries=(
            AuditEntry(AuditAction.READ, j.person.pk, str(j.person), j.person.municipality_id)
            for j in statement.jobs
        ),
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
def report(request: HttpRequest) -> HttpResponse:
    """The yearly report (年度): jobs by task, hours, residents, volunteers; table and chart."""
    svc = list(selectors.service_list_for_user(user=request.user))
    if not svc:
        return render(request, "mutualaid/report.html", {"report": None, "services": svc})
    service_id = request.GET.get("service", "")
    service = next((s for s in svc if str(s.pk) == service_id), svc[0])
    year_raw = request.GET.get("year", "")
    year = (
        int(year_raw)
        if year_raw.isdigit()
        else selectors.latest_fiscal_year(user=request.user, service=service)
        or selectors.fiscal_year_of(localdate())
    )
    data = selectors.year_report(user=request.user, service=service, fiscal_year=year)
    if request.GET.get("format") == "csv":
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


@login_required
def my(request: HttpRequest) -> HttpResponse:
    """The volunteer's own page: this week's jobs in large type, for a phone."""
    permissions.require(
        permissions.can_use_volunteer_page(request.user), "ボランティア本人のページです"
    )
    week = week_start(_date(request.GET.get("week"), localdate()))
    jobs = selectors.my_jobs(user=request.user, week=week, request=request)
    nearest = None if jobs else selectors.my_nearest_active_week(user=request.user, week=week)
    context = {
        "jobs": jobs,
        "week": week,
        "nearest": nearest,
        "points": selectors.my_points(user=request.user),
        "prev_week": week - dt.timedelta(days=7),
        "next_week": week + dt.timedelta(days=7),
    }
    return render(request, "mutualaid/my.html", context)


@login_required
@require_POST
def my_done(request: HttpRequest, request_id: int) -> HttpResponse:
    permissions.require(
        permissions.can_use_volunteer_page(request.user), "ボランティア本人のページです"
    )
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
    week = request.POST.get("week", "")
    return redirect(f"{reverse('mutualaid:my')}?week={week}" if week else reverse("mutualaid:my"))
