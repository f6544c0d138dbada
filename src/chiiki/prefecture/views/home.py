"""The prefecture's front page: its municipalities side by side, and its records of support."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from chiiki.accounts.http import AuthedRequest
from chiiki.prefecture.selectors.common import prefecture_of


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    prefecture = prefecture_of(request.user)
    return render(request, "prefecture/index.html", {"prefecture": prefecture})


urlpatterns = [
    path("", index, name="index"),
]
