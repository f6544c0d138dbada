"""The indicators' front page: what there is to look at, and for whom."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, Cap.INDICATORS_VIEW, "指標を見る権限がありません")
    return render(
        request,
        "indicators/index.html",
        {"can_edit": access.can(request.user, Cap.INDICATORS_EDIT)},
    )


urlpatterns = [
    path("", index, name="index"),
]
