from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chiiki.imports import selectors
from chiiki.imports.services import FollowRefused, import_job_follow

# The column keys a mapping form may send (``map_<key>``), and the longest header kept.
MAPPED_KEY = "map_"
HEADER_MAX = 200


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job's progress while it runs (HTMX polls its status part), then its result."""
    job = selectors.import_job_get_for_user(user=request.user, job_id=job_id)
    template = "imports/job.html#status" if getattr(request, "htmx", False) else "imports/job.html"
    return render(request, template, {"job": job})


@login_required
@require_POST
def job_follow(request: HttpRequest, job_id: int) -> HttpResponse:
    """Commit a previewed upload (``commit``), or check it again with its columns mapped
    (``map_<key>`` = one of the file's own headers); a new job takes the kept file."""
    job = selectors.import_job_get_for_user(user=request.user, job_id=job_id)
    headers = set(job.result.get("headers") or [])
    columns = set(job.result.get("columns") or {})
    mapping = {
        name.removeprefix(MAPPED_KEY): value
        for name, value in request.POST.items()
        if name.startswith(MAPPED_KEY)
        and name.removeprefix(MAPPED_KEY) in columns
        and value in headers
        and len(value) <= HEADER_MAX
    }
    commit = request.POST.get("commit") == "1" and job.result.get("preview") is True
    params: dict[str, object] = {"preview": not commit}
    if mapping:
        params["mapping"] = {**(job.params.get("mapping") or {}), **mapping}
    try:
        follow = import_job_follow(user=request.user, job=job, params=params)
    except FollowRefused as exc:
        messages.error(request, str(exc))
        return redirect("imports:job", job_id=job.pk)
    return redirect("imports:job", job_id=follow.pk)
