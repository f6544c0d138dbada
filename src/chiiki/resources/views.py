"""Pages of the resource directory: search, service, calendars, .ics feeds, area sheet,
coverage gaps, the "open near this person" partial for the person's page, and the forms of
the directory by hand (organizations, services, places, schedules with a live preview)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.areas.models import District
from chiiki.areas.selectors import district_list_for_user
from chiiki.core.csp import charts_csp
from chiiki.core.params import ParamError, Params, check_year_month
from chiiki.core.pdf import render_pdf
from chiiki.resources import calendar, ics, selectors, services
from chiiki.resources.forms import (
    DistrictProfileForm,
    LocationForm,
    LocationLinkForm,
    OrganizationForm,
    ScheduleForm,
    SearchForm,
    ServiceForm,
)
from chiiki.resources.models import Schedule, ScheduleKind, Service


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
        "can_edit": access.can(request.user, Cap.RESOURCES_EDIT),
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
        {
            "service": service,
            "rules": rules,
            "today": today,
            "can_edit": access.reaches(request.user, Cap.RESOURCES_EDIT, service),
        },
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


# --- the directory by hand ----------------------------------------------------------------


def _refusal_on(form: Any, exc: ValidationError) -> None:
    """A service's refusal on the fields it names, in Japanese (else above the form)."""
    for field, errors in services.errors_by_field(exc).items():
        form.add_error(field if field in form.fields else None, errors)


def _back_to_service(params: Params, user: Any) -> Service | None:
    """The service a form was opened from (``?service=<id>``), when the user may edit it."""
    service_id = params.id("service")
    if service_id is None:
        return None
    return selectors.service_get_for_edit(user=user, service_id=service_id)


@login_required
def organization_new(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, Cap.RESOURCES_EDIT)
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _refusal_on(form, exc)
        else:
            messages.success(request, f"提供団体「{org.name}」を登録しました")
            return redirect(f"{reverse('resources:service_new')}?organization={org.pk}")
    return render(request, "resources/edit_form.html", {"form": form, "title": "提供団体の登録"})


@login_required
def organization_edit(request: AuthedRequest, organization_id: int) -> HttpResponse:
    org = selectors.organization_get_for_edit(user=request.user, organization_id=organization_id)
    back = _back_to_service(Params(request.GET), request.user)
    initial = {f: getattr(org, f) for f in services.ORGANIZATION_FIELDS}
    form = OrganizationForm(request.POST or None, initial=initial)
    title = f"{org.name} の変更"
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(user=request.user, organization=org, **form.cleaned_data)
        except ValidationError as exc:
            _refusal_on(form, exc)
        else:
            messages.success(request, "提供団体の変更を保存しました（監査ログに記録されます）")
            if back is not None:
                return redirect("resources:service_edit", back.pk)
            return redirect("resources:index")
    return render(request, "resources/edit_form.html", {"form": form, "title": title, "back": back})


def _service_form(request: AuthedRequest, service: Service | None) -> ServiceForm:
    districts, whole = selectors.editable_districts(user=request.user)
    organizations = selectors.organization_choices(user=request.user)
    if service is None:
        chosen = Params(request.GET).id("organization")
        initial: dict[str, Any] = {"organization": chosen} if chosen else {}
        return ServiceForm(
            request.POST or None,
            initial=initial,
            organizations=organizations,
            districts=districts,
            whole_municipality=whole,
        )
    fee = selectors.service_fee(service)
    return ServiceForm(
        request.POST or None,
        initial=ServiceForm.initial_of(service, fee=fee, phone=selectors.service_phone(service)),
        organizations=organizations,
        districts=districts,
        whole_municipality=whole,
        fee_note=fee if isinstance(fee, str) else "",
    )


@login_required
def service_new(request: AuthedRequest) -> HttpResponse:
    """A service typed in by hand: found by the search and in the HSDS export at once."""
    form = _service_form(request, None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(user=request.user, **form.changes(creating=True))
        except ValidationError as exc:
            _refusal_on(form, exc)
        else:
            messages.success(
                request, f"「{service.name}」を登録しました。日程と場所を入れてください"
            )
            return redirect("resources:service_edit", service.pk)
    return render(request, "resources/service_form.html", {"form": form, "service": None})


@login_required
def service_edit(request: AuthedRequest, service_id: int) -> HttpResponse:
    """The service's form, with its schedules, closures, events and places."""
    service = selectors.service_get_for_edit(user=request.user, service_id=service_id)
    form = _service_form(request, service)
    if request.method == "POST" and form.is_valid():
        try:
            # On a copy: the page shows the stored record again when the change is refused.
            services.service_update(
                user=request.user, service=copy.copy(service), **form.changes(creating=False)
            )
        except ValidationError as exc:
            _refusal_on(form, exc)
        else:
            messages.success(request, "変更を保存しました（変更内容は監査ログに記録されます）")
            return redirect("resources:service_edit", service.pk)
    schedules = list(service.schedules.all())
    places = list(service.at_locations.all())
    context = {
        "form": form,
        "service": service,
        "schedules": {
            kind: [s for s in schedules if s.kind == kind] for kind in ScheduleKind.values
        },
        "places": places,
        "editable_places": selectors.locations_editable(
            user=request.user, location_ids=[at.location_id for at in places]
        ),
        "link_form": LocationLinkForm(
            locations=selectors.location_choices(user=request.user, service=service)
        ),
        "can_edit_organization": selectors.organization_editable(
            user=request.user, organization=service.organization
        ),
    }
    return render(request, "resources/service_form.html", context)


@login_required
@require_POST
def service_location_add(request: AuthedRequest, service_id: int) -> HttpResponse:
    service = selectors.service_get_for_edit(user=request.user, service_id=service_id)
    form = LocationLinkForm(
        request.POST, locations=selectors.location_choices(user=request.user, service=service)
    )
    if form.is_valid():
        location = form.cleaned_data["location"]
        services.service_location_add(user=request.user, service=service, location=location)
        messages.success(request, f"場所「{location.name}」を加えました")
    else:
        messages.error(request, "加える場所を一覧から選んでください")
    return redirect("resources:service_edit", service.pk)


@login_required
@require_POST
def service_location_remove(request: AuthedRequest, service_id: int, link_id: int) -> HttpResponse:
    service = selectors.service_get_for_edit(user=request.user, service_id=service_id)
    at = selectors.location_link_get_for_edit(service=service, link_id=link_id)
    services.service_location_remove(user=request.user, at=at)
    messages.success(request, f"場所「{at.location.name}」を外しました（場所の登録は残ります）")
    return redirect("resources:service_edit", service.pk)


def _location_form(request: AuthedRequest, initial: dict[str, Any]) -> LocationForm:
    districts, whole = selectors.editable_districts(user=request.user)
    return LocationForm(
        request.POST or None, initial=initial, districts=districts, whole_municipality=whole
    )


@login_required
def location_new(request: AuthedRequest) -> HttpResponse:
    """A place; opened from a service (``?service=<id>``), it is linked to it."""
    back = _back_to_service(Params(request.GET), request.user)
    municipality = request.user.municipality
    initial: dict[str, Any] = {
        "state_province": municipality.prefecture.name if municipality else "",
        "city": municipality.name if municipality else "",
        "district": back.district_id if back else None,
    }
    form = _location_form(request, initial)
    if request.method == "POST" and form.is_valid():
        try:
            location = services.location_create(
                user=request.user, service=back, **form.cleaned_data
            )
        except ValidationError as exc:
            _refusal_on(form, exc)
        else:
            messages.success(request, f"場所「{location.name}」を登録しました")
            if back is not None:
                return redirect("resources:service_edit", back.pk)
            return redirect("resources:location_edit", location.pk)
    return render(
        request, "resources/edit_form.html", {"form": form, "title": "場所の登録", "back": back}
    )


@login_required
def location_edit(request: AuthedRequest, location_id: int) -> HttpResponse:
    location = selectors.location_get_for_edit(user=request.user, location_id=location_id)
    back = _back_to_service(Params(request.GET), request.user)
    initial = {f: getattr(location, f) for f in services.LOCATION_FIELDS}
    form = _location_form(request, initial)
    title = f"{location.name} の変更"
    if request.method == "POST" and form.is_valid():
        try:
            services.location_update(
                user=request.user, location=copy.copy(location), **form.cleaned_data
            )
        except ValidationError as exc:
            _refusal_on(form, exc)
        else:
            messages.success(request, "場所の変更を保存しました（監査ログに記録されます）")
            if back is not None:
                return redirect("resources:service_edit", back.pk)
            return redirect("resources:location_edit", location.pk)
    return render(request, "resources/edit_form.html", {"form": form, "title": title, "back": back})


@login_required
def schedule_new(request: AuthedRequest, service_id: int) -> HttpResponse:
    """Opening hours, an event or a closure (``kind``), with the calendar preview."""
    service = selectors.service_get_for_edit(user=request.user, service_id=service_id)
    data = request.POST if request.method == "POST" else request.GET
    kind = Params(data).choice("kind", ScheduleKind.values, default=ScheduleKind.OPEN)
    return _schedule_page(request, service, kind, None)


@login_required
def schedule_edit(request: AuthedRequest, service_id: int, schedule_id: int) -> HttpResponse:
    service = selectors.service_get_for_edit(user=request.user, service_id=service_id)
    schedule = selectors.schedule_get_for_edit(service=service, schedule_id=schedule_id)
    return _schedule_page(request, service, schedule.kind, schedule)


@login_required
@require_POST
def schedule_delete(request: AuthedRequest, service_id: int, schedule_id: int) -> HttpResponse:
    service = selectors.service_get_for_edit(user=request.user, service_id=service_id)
    schedule = selectors.schedule_get_for_edit(service=service, schedule_id=schedule_id)
    text = schedule.describe()
    services.schedule_delete(user=request.user, schedule=schedule)
    messages.success(request, f"「{text}」を削除しました")
    return redirect("resources:service_edit", service.pk)


_KIND_TITLES = {
    ScheduleKind.OPEN: "開所日時",
    ScheduleKind.EVENT: "催し",
    ScheduleKind.CLOSED: "休み（臨時休業・年始休業など）",
}


def _schedule_page(
    request: AuthedRequest, service: Service, kind: str, schedule: Schedule | None
) -> HttpResponse:
    """The form; an HTMX request (each change typed) gets the preview partial alone."""
    if request.method == "POST":
        form = ScheduleForm(request.POST, kind=kind)
        if form.is_valid():
            try:
                if schedule is None:
                    services.schedule_create(user=request.user, service=service, **form.values())
                else:
                    services.schedule_update(
                        user=request.user, schedule=copy.copy(schedule), **form.values()
                    )
            except ValidationError as exc:
                form.add_model_errors(services.errors_by_field(exc))
            else:
                messages.success(request, f"{_KIND_TITLES[ScheduleKind(kind)]}を保存しました")
                return redirect("resources:service_edit", service.pk)
    elif request.htmx:
        form = ScheduleForm(request.GET, kind=kind, for_preview=True)
    else:
        initial = ScheduleForm.initial_of(schedule) if schedule else {"kind": kind}
        form = ScheduleForm(initial=initial, kind=kind)
    preview, problems = _preview(request, service, form, schedule)
    context = {
        "service": service,
        "schedule": schedule,
        "kind": kind,
        "title": _KIND_TITLES[ScheduleKind(kind)],
        "form": form,
        "preview": preview,
        "problems": problems,
        "weekday_labels": calendar.WEEKDAY_LABELS,
    }
    template = "resources/schedule_form.html"
    return render(request, f"{template}#preview" if request.htmx else template, context)


def _preview(
    request: AuthedRequest, service: Service, form: ScheduleForm, schedule: Schedule | None
) -> tuple[calendar.Preview | None, list[str]]:
    """The calendar with the schedule as typed, or what is wrong with it (in Japanese)."""
    if form.is_bound and not form.is_valid():
        return None, _problems(form, form.errors.get_json_data())
    if not form.is_bound and schedule is None:
        return None, []
    try:
        start = Params(request.GET).date("preview_from")
    except ParamError as exc:
        return None, [str(exc)]
    try:
        preview = selectors.schedule_preview(
            service=service,
            schedule=schedule,
            values=form.values() if form.is_bound else None,
            start=start,
            today=timezone.localdate(),
        )
    except ValidationError as exc:
        return None, _problems(form, services.errors_by_field(exc))
    return preview, []


def _problems(form: ScheduleForm, errors: dict[str, Any]) -> list[str]:
    shown: list[str] = []
    for name, found in errors.items():
        target = {"byday": "weekdays"}.get(name, name)
        label = form.fields[target].label if target in form.fields else ""
        for e in found:
            text = e["message"] if isinstance(e, dict) else str(e)
            shown.append(f"{label}: {text}" if label else text)
    return shown
