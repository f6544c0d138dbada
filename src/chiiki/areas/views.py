from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.capabilities import Scope
from chiiki.accounts.http import AuthedRequest
from chiiki.areas import selectors, services
from chiiki.areas.forms import PopulationImportForm
from chiiki.areas.population import PopulationFileError
from chiiki.core.params import Params
from chiiki.core.tabular import TableError, read_table


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The area dashboard: the municipality, its life areas and districts, with aging rates."""
    user = request.user
    date = Params(request.GET).date("date")
    if access.can(user, Cap.MUTUALAID_OWN_JOBS):
        return redirect("mutualaid:my")  # a volunteer's home is their own jobs, in large type
    if access.scope_of(user, Cap.DASHBOARD_VIEW) == Scope.PREFECTURE:
        municipalities = selectors.municipality_list_for_user(user=user)
        rows = [
            (m, selectors.municipality_overview(municipality=m).summary) for m in municipalities
        ]
        return render(request, "areas/prefecture_dashboard.html", {"rows": rows})
    municipality = selectors.municipality_get_for_user(user=user)
    overview = selectors.municipality_overview(municipality=municipality, date=date)
    template = "areas/dashboard.html#areas" if request.htmx else "areas/dashboard.html"
    return render(request, template, {"o": overview})


@login_required
def population_import(request: AuthedRequest) -> HttpResponse:
    municipality = selectors.municipality_get_for_user(user=request.user, cap=Cap.POPULATION_IMPORT)
    errors: list[str] = []
    form = PopulationImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload.read(), upload.name)
            result = services.population_import(
                municipality=municipality, table=table, user=request.user
            )
        except PopulationFileError as exc:
            errors = [str(e) for e in exc.errors]
        except TableError as exc:
            errors = [str(exc)]
        else:
            messages.success(request, f"「{upload.name}」: {result.message()}")
            return redirect("areas:population_import")
    return render(
        request,
        "areas/population_import.html",
        {
            "form": form,
            "errors": errors,
            "municipality": municipality,
            "dates": selectors.population_dates(municipality=municipality),
        },
    )
