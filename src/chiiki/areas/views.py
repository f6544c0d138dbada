from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.capabilities import Scope
from chiiki.accounts.http import AuthedRequest
from chiiki.areas import selectors
from chiiki.areas.forms import AreaTreeImportForm, PopulationImportForm
from chiiki.core.params import Params
from chiiki.imports import selectors as import_selectors
from chiiki.imports.models import ImportKind
from chiiki.imports.services import import_job_create


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The area dashboard: the municipality, its life areas and districts, with aging rates."""
    user = request.user
    date = Params(request.GET).date("date")
    if access.can(user, Cap.MUTUALAID_OWN_JOBS):
        return redirect("mutualaid:my")  # a volunteer's home is their own jobs, in large type
    if access.scope_of(user, Cap.DASHBOARD_VIEW) == Scope.PREFECTURE:
        return redirect("prefecture:index")  # its municipalities side by side
    municipality = selectors.municipality_get_for_user(user=user)
    overview = selectors.municipality_overview(municipality=municipality, date=date)
    template = "areas/dashboard.html#areas" if request.htmx else "areas/dashboard.html"
    return render(request, template, {"o": overview})


@login_required
def population_import(request: AuthedRequest) -> HttpResponse:
    municipality = selectors.municipality_get_for_user(user=request.user, cap=Cap.POPULATION_IMPORT)
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
            "perms_area_tree": access.can(request.user, Cap.AREAS_IMPORT),
            "jobs": import_selectors.import_job_list_for_user(
                user=request.user, kind=ImportKind.POPULATION
            ),
        },
    )


@login_required
def area_tree_import(request: AuthedRequest) -> HttpResponse:
    """An administrator imports their municipality's 圏域・地区・町丁目 (never another's)."""
    municipality = selectors.municipality_get_for_user(user=request.user, cap=Cap.AREAS_IMPORT)
    form = AreaTreeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(
            user=request.user,
            kind=ImportKind.AREA_TREE,
            municipality=municipality,
            upload=form.cleaned_data["file"],
        )
        return redirect("imports:job", job_id=job.pk)
    return render(
        request,
        "areas/area_tree_import.html",
        {
            "form": form,
            "municipality": municipality,
            "tree": selectors.area_tree_counts(municipality=municipality),
            "jobs": import_selectors.import_job_list_for_user(
                user=request.user, kind=ImportKind.AREA_TREE
            ),
        },
    )
