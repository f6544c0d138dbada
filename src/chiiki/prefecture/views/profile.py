"""One municipality of the prefecture on one page, printable (and as a PDF)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import re_path

from chiiki.accounts.http import AuthedRequest
from chiiki.core.pdf import render_pdf
from chiiki.prefecture.selectors.profile import profile_for_user


@login_required
def profile(request: AuthedRequest, code: str) -> HttpResponse:
    found = profile_for_user(user=request.user, code=code)
    return render(request, "prefecture/profile.html", {"p": found})


@login_required
def profile_pdf(request: AuthedRequest, code: str) -> HttpResponse:
    found = profile_for_user(user=request.user, code=code)
    content = render_pdf("prefecture/profile_pdf.html", {"p": found})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="profile-{found.municipality.code}.pdf"'
    return response


urlpatterns = [
    re_path(r"^m/(?P<code>[0-9]{6})/$", profile, name="profile"),
    re_path(r"^m/(?P<code>[0-9]{6})/profile\.pdf$", profile_pdf, name="profile_pdf"),
]
