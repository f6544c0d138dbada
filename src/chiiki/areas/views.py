from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from chiiki.accounts import permissions
from chiiki.accounts.models import Role
from chiiki.areas import selectors
from chiiki.areas.forms import PopulationImportForm
from chiiki.core.http import HtmxHttpRequest
from chiiki.imports import selectors as import_selectors
from chiiki.imports.models import ImportKind
from chiiki.imports.services import import_job_create


def _date_param(request: HttpRequest) -> dt.date | None:
    raw = request.GET.get("date", "")
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_required
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    """The area dashboard: the municipality, its life areas and districts, with aging rates."""
    user = request.user
    if permissions.can_use_volunteer_page(user):
        return redirect("mutualaid:my")  # a volunteer's home is their own jobs, in large type
    if getattr(user, "role", None) == Role.PREFECTURE:
        municipalities = selectors.municipality_list_for_user(user=user)
        rows = [
            (m, selectors.municipality_overview(municipality=m).summary) for m in municipalities
        ]
        return render(request, "areas/prefecture_dashboard.html", {"rows": rows})
    municipality = selectors.municipality_get_for_user(user=user)
    overview = selectors.municipality_overview(municipality=municipality, date=_date_param(request))
    template = "areas/dashboard.html#areas" if request.htmx else "areas/dashboard.html"
    return render(request, template, {"o": overview})


@login_required
def population_import(request: HttpRequest) -> HttpResponse:
    permissions.require(
        permissions.can_import_population(request.user), "人口データを取り込む権限がありません"
    )
    municipality = selectors.municipality_get_for_user(user=request.user)
    form = PopulationImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(
            user=request.user,
            kind=ImportKind.POPULATION,
            municipality=municipality,
            upload=form.cleaned_data["file"],
        )
        return redirect("imports:job", job_id=job.pk)
    return render(
        request,
        "areas/population_import.html",
        {
            "form": form,
            "municipality": municipality,
            "dates": selectors.population_dates(municipality=municipality),
            "jobs": import_selectors.import_job_list_for_user(
                user=request.user, kind=ImportKind.POPULATION
            ),
        },
    )
