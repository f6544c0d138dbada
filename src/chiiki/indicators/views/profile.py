"""The municipality's profile in the guide's words: a page, a printable page, and the form
for its support centers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.areas.selectors import municipality_get_for_user
from chiiki.core.params import Params
from chiiki.core.pdf import render_pdf
from chiiki.indicators.forms import CenterProfileForm
from chiiki.indicators.models import CenterProfile
from chiiki.indicators.selectors import dashboard as board
from chiiki.indicators.selectors.profile import profile_dates, profile_of
from chiiki.indicators.services.insurance import center_profile_set


def _context(request: AuthedRequest) -> dict[str, Any]:
    municipality = municipality_get_for_user(user=request.user, cap=Cap.INDICATORS_VIEW)
    dates = profile_dates(municipality=municipality)
    params = Params(request.GET)
    chosen = params.choice("date", [d.isoformat() for d in dates], default="")
    date = next((d for d in dates if d.isoformat() == chosen), None)
    found = profile_of(municipality=municipality, date=date)
    return {
        "municipality": municipality,
        "profile": found,
        "dates": dates,
        "date": found.as_of if found else None,
    }


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    context = _context(request)
    municipality = context["municipality"]
    centers = CenterProfile.objects.filter(municipality=municipality).first()
    context["can_edit"] = access.can(request.user, Cap.INDICATORS_EDIT)
    context["form"] = CenterProfileForm(
        initial={
            "direct": centers.direct,
            "commissioned": centers.commissioned,
            "note": centers.note,
        }
        if centers
        else None
    )
    return render(request, "indicators/profile.html", context)


@login_required
def profile_pdf(request: AuthedRequest) -> HttpResponse:
    """The one-page profile to print: the paragraph, the figures' tables and their sources."""
    context = _context(request)
    municipality = context["municipality"]
    area = board.areas_of(municipality)[0]
    context["sections"] = [
        s
        for s in board.dashboard(request.user, municipality, area)
        if s.key in ("population", "certification", "costs") and s.rows
    ]
    for s in context["sections"]:
        s.rows = s.rows[-5:]  # the last five years fit one page
    content = render_pdf("indicators/profile_pdf.html", context)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="profile-{municipality.code}.pdf"'
    return response


@login_required
@require_POST
def centers_set(request: AuthedRequest) -> HttpResponse:
    municipality = municipality_get_for_user(user=request.user, cap=Cap.INDICATORS_EDIT)
    form = CenterProfileForm(request.POST)
    if form.is_valid():
        center_profile_set(user=request.user, municipality=municipality, **form.cleaned_data)
        messages.success(request, "地域包括支援センターの設置状況を保存しました")
        return redirect("indicators:profile")
    context = _context(request)
    context.update({"can_edit": True, "form": form})
    return render(request, "indicators/profile.html", context, status=400)


urlpatterns = [
    path("profile/", profile, name="profile"),
    path("profile.pdf", profile_pdf, name="profile_pdf"),
    path("profile/centers", centers_set, name="centers_set"),
]
