"""The dashboards of the municipality, a life area and a district, with each table's
download, and the municipality's profile in the guide's words."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.areas.selectors import municipality_get_for_user
from chiiki.core.csp import charts_csp
from chiiki.core.params import Params
from chiiki.indicators import exports
from chiiki.indicators.selectors import dashboard as board


@login_required
@charts_csp  # Plotly: see settings.CHIIKI_CSP_CHARTS
def dashboard(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, Cap.INDICATORS_VIEW, "指標を見る権限がありません")
    municipality = municipality_get_for_user(user=request.user, cap=Cap.INDICATORS_VIEW)
    areas = board.areas_of(municipality)
    params = Params(request.GET)
    key = params.choice("area", [a.key for a in areas], default=board.MUNICIPALITY)
    area = next(a for a in areas if a.key == key)
    sections = board.dashboard(request.user, municipality, area)
    fmt = params.choice("format", ["html", "csv", "xlsx"], default="html")
    if fmt != "html":
        wanted = params.choice("section", [s.key for s in sections], default=sections[0].key)
        s = next(s for s in sections if s.key == wanted)
        return exports.download(
            fmt, f"{municipality.code}-{area.key}-{s.key}", s.title, s.columns, s.rows
        )
    template = "indicators/dashboard.html#sections" if request.htmx else "indicators/dashboard.html"
    return render(
        request,
        template,
        {"municipality": municipality, "areas": areas, "area": area, "sections": sections},
    )


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
]
