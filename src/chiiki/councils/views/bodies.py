"""Pages of councils: the overview, bodies and their members, coverage."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from chiiki.accounts.http import AuthedRequest
from chiiki.councils.selectors import bodies as selectors
from chiiki.councils.selectors import issues as issue_selectors


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """The municipality's bodies by layer, the register's counts by status, and coverage."""
    bodies = list(selectors.body_list_for_user(user=request.user))
    coverage = selectors.coverage_for_user(user=request.user, on=timezone.localdate())
    return render(
        request,
        "councils/index.html",
        {
            "bodies": bodies,
            "coverage": coverage,
            "counts": issue_selectors.issue_status_counts(user=request.user),
        },
    )


urlpatterns = [path("", index, name="index")]
