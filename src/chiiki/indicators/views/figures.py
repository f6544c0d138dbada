"""The insurer's yearly figures: the import (through the import platform's jobs) and the
years stored, and the support centers for the profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.areas.population import percent
from chiiki.areas.selectors import municipality_get_for_user
from chiiki.imports import selectors as import_selectors
from chiiki.imports.models import ImportKind
from chiiki.imports.services import import_job_create
from chiiki.indicators import insurance_file
from chiiki.indicators.forms import FiguresImportForm
from chiiki.indicators.models import InsuranceYear


@login_required
def figures(request: AuthedRequest) -> HttpResponse:
    municipality = municipality_get_for_user(user=request.user, cap=Cap.INDICATORS_EDIT)
    form = FiguresImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(
            user=request.user,
            kind=ImportKind.INSURANCE_YEARS,
            municipality=municipality,
            upload=form.cleaned_data["file"],
        )
        return redirect("imports:job", job_id=job.pk)
    if request.method == "POST":
        messages.error(request, "ファイルを選んでください")
    years = list(InsuranceYear.objects.filter(municipality=municipality).order_by("fiscal_year"))
    return render(
        request,
        "indicators/figures.html",
        {
            "municipality": municipality,
            "form": form,
            "columns": insurance_file.REQUIRED + insurance_file.OPTIONAL,
            "levels": insurance_file.LEVELS,
            "years": [(y, percent(y.certified_total, y.insured_65)) for y in years],
            "jobs": import_selectors.import_job_list_for_user(
                user=request.user, kind=ImportKind.INSURANCE_YEARS
            ),
        },
    )


urlpatterns = [
    path("figures/", figures, name="figures"),
]
