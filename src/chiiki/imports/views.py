from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chiiki.imports import selectors


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job's progress while it runs (HTMX polls its status part), then its result."""
    job = selectors.import_job_get_for_user(user=request.user, job_id=job_id)
    template = "imports/job.html#status" if getattr(request, "htmx", False) else "imports/job.html"
    return render(request, template, {"job": job})
