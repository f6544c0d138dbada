from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chiiki.accounts import permissions
from chiiki.accounts.models import AuditEvent


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail, newest first; administrators only, and read-only by construction."""
    permissions.require(
        permissions.can_view_audit(request.user), "監査ログは管理者のみ閲覧できます"
    )
    # An administrator answers for one municipality: its residents' trail, nobody else's.
    events = AuditEvent.objects.filter(
        municipality_id=getattr(request.user, "municipality_id", None)
    )
    if person_id := request.GET.get("object_id", "").strip():
        if person_id.isdigit():
            events = events.filter(object_id=int(person_id))
    if username := request.GET.get("user", "").strip():
        events = events.filter(username=username)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_list.html", {"page": page})
