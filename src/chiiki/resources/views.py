"""Pages of the resource directory: search, service, calendars, .ics feeds, area sheet,
coverage gaps, and the "open near this person" partial for the person's page."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.areas.models import District
from chiiki.areas.selectors import district_list_for_user
from chiiki.core.csp import charts_csp
from chiiki.core.params import Params, check_year_month
from chiiki.core.pdf import render_pdf
from chiiki.resources import calendar, ics, selectors, services
from chiiki.resources.forms import DistrictProfileForm, SearchForm


def _districts(request: AuthedRequest) -> list[District]:
    return list(district_list_for_user(user=request.user, cap=Cap.RESOURCES_VIEW))


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """Search the directory: keyword (any width or kana), category, district, day, time."""
    districts = _districts(request)
    form = SearchForm(request.GET or None, districts=districts)
    filters = form.cleaned_data if form.is_valid() else {}
    results = selectors.service_search(
        user=request.user,
        query=filters.get("q") or "",
        category=filters.get("category") or "",
        district_id=filters.get("district"),
        weekday=filters.get("weekday") or "",
        time=filters.get("time"),
        pickup=bool(filters.get("pickup")),
        free=bool(filters.get("free")),
    )
    page = Paginator(results, settings.CHIIKI_PAGE_SIZE).get_page(Params(request.GET).page())
    today = timezone.localdate()
    context = {
        "form": form,
        "page": page,
        "districts": districts,
        "query_string": urlencode(
            [(k, v) for k, v in request.GET.items() if k != "page" and v], doseq=False
        ),
        "hx_target": "#results",
        "today": today,
        "can_view_gaps": access.can(request.user, Cap.RESOURCE_GAPS),
        "capped": getattr(results, "capped", False),
    }
    template = "resources/index.html#results" if request.htmx else "resources/index.html"
    return render(request, template, context)


@login_required
def service_detail(request: AuthedRequest, service_id: int) -> HttpResponse:
    service = selectors.service_get_for_user(user=request.user, service_id=service_id)
    schedules = list(service.schedules.all())
    rules = []
    for s in schedules:
        try:
            rule = selectors.hsds.schedule_rule(s)
        except calendar.ScheduleError:
            continue
        rules.append((s, rule.describe()))
    today = timezone.localdate()
    return render(
        request,
        "resources/service_detail.html",
        {"service": service, "rules": rules, "today": today},
    )


def _month_context(year: int, month: int) -> dict[str, object]:
    first = dt.date(year, month, 1)
    prev = (first - dt.timedelta(days=1)).replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return {
        "year": year,
        "month": month,
        "weeks": calendar.month_grid(year, month),
        "weekday_labels": calendar.WEEKDAY_LABELS,
        "prev": prev,
        "next": nxt,
    }


@login_required
def service_calendar(
    request: AuthedRequest, service_id: int, year: int, month: int
) -> HttpResponse:
    """A printable month of one service, laid out as the guide's café calendar."""
    check_year_month(year, month)
    service = selectors.service_get_for_user(user=request.user, service_id=service_id)
    weeks = calendar.month_grid(year, month)
    days = {
        d.date: d
        for d in calendar.days_between(
            selectors.service_timetable(service), weeks[0][0], weeks[-1][-1]
        )
    }
    context = _month_context(year, month) | {
        "service": service,
        "title": f"{service.name} {year}年{month}月",
        "cells": [[(d, days[d]) for d in week] for week in weeks],
    }
    return render(request, "resources/calendar.html", context)


@login_required
def district_calendar(
    request: AuthedRequest, district_id: int, year: int, month: int
) -> HttpResponse:
    """A printable month of every service of one district."""
    check_year_month(year, month)
    district = selectors.district_get_for_user(user=request.user, district_id=district_id)
    services_ = list(selectors.district_services(user=request.user, district=district))
    weeks = calendar.month_grid(year, month)
    found = selectors.district_days(services=services_, start=weeks[0][0], end=weeks[-1][-1])
    context = _month_context(year, month) | {
        "district": district,
        "title": f"{district.name}地区の地域資源 {year}年{month}月",
        "district_cells": [[(d, found.get(d, [])) for d in week] for week in weeks],
        "holidays": calendar.holidays_between(weeks[0][0], weeks[-1][-1]),
    }
    return render(request, "resources/calendar.html", context)


@login_required
def service_ics(request: AuthedRequest, service_id: int) -> HttpResponse:
    service = selectors.service_get_for_user(user=request.user, service_id=service_id)
    body = ics.feed(f"{service.name}（chiiki）", [service], today=timezone.localdate())
    return _ics_response(body, f"service-{service.pk}.ics")


@login_required
def district_ics(request: AuthedRequest, district_id: int) -> HttpResponse:
    district = selectors.district_get_for_user(user=request.user, district_id=district_id)
    services_ = list(selectors.district_services(user=request.user, district=district))
    body = ics.feed(
        f"{district.name}地区の地域資源（chiiki）", services_, today=timezone.localdate()
    )
    return _ics_response(body, f"district-{district.pk}.ics")


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def district_sheet(request: AuthedRequest, district_id: int) -> HttpResponse:
    """わがまちこんなとこシート: the page, with the coordinator's form for good points and
    problems."""
    context = selectors.district_sheet(user=request.user, district_id=district_id)
    profile = context["profile"]
    if request.method == "POST":
        form = DistrictProfileForm(request.POST)
        if form.is_valid():
            services.district_profile_update(
                user=request.user,
                district=context["district"],
                good_points=form.cleaned_data["good_points"],
                problems=form.cleaned_data["problems"],
            )
            messages.success(request, "資源シートを保存しました")
            return redirect("resources:district_sheet", district_id=district_id)
    else:
        form = DistrictProfileForm(
            initial={
                "good_points": profile.good_points if profile else "",
                "problems": profile.problems if profile else "",
            }
        )
    return render(
        request,
        "resources/sheet.html",
        context | {"form": form, "today": timezone.localdate()},
    )


@login_required
def district_sheet_pdf(request: AuthedRequest, district_id: int) -> HttpResponse:
    context = selectors.district_sheet(user=request.user, district_id=district_id)
    context["printed_on"] = timezone.localdate()
    pdf = render_pdf("resources/sheet_pdf.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="sheet-{context["district"].code}.pdf"'
    return response


@login_required
@charts_csp  # Plotly: see settings.CHIIKI_CSP_CHARTS
def coverage(request: AuthedRequest) -> HttpResponse:
    """Districts × categories: how many resources, how many older people, what is missing."""
    rows, terms = selectors.coverage_for_user(user=request.user)
    heat = {
        "z": [[c.count for c in r.cells] for r in rows],
        "x": [t.name for t in terms],
        "y": [r.district.name for r in rows],
        "gaps": [[c.gap for c in r.cells] for r in rows],
    }
    return render(
        request,
        "resources/coverage.html",
        {"rows": rows, "terms": terms, "heat": heat},
    )


@login_required
def near_person(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Partial for the person's page: what is open near this person in the next 7 days."""
    person, nearby = selectors.services_near_person(
        user=request.user, person_id=person_id, today=timezone.localdate()
    )
    return render(request, "resources/near.html", {"person": person, "nearby": nearby})
