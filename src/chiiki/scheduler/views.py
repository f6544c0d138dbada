from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.timezone import now as timezone_now

from chiiki.scheduler import selectors


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """Each periodic job, when it runs next and how its last run went (administrators)."""
    now = timezone_now()
    rows = selectors.job_board(user=request.user, now=now)
    return render(request, "scheduler/job_list.html", {"rows": rows, "now": now})
