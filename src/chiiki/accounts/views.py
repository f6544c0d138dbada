from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from chiiki.accounts import selectors
from chiiki.accounts.http import AuthedRequest
from chiiki.accounts.models import AuditAction
from chiiki.core.params import Params


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    """The audit trail, newest first; administrators only, and read-only by construction."""
    params = Params(request.GET)
    person_id = params.id("person") or params.id("object_id")
    username = params.text("user", max_length=150)
    action = params.choice("action", AuditAction.values)
    page = selectors.audit_page_for_user(
        user=request.user, person_id=person_id, username=username, action=action, page=params.page()
    )
    filters = {"person": person_id or "", "user": username, "action": action}
    return render(
        request,
        "accounts/audit_list.html",
        {
            "page": page,
            "filters": filters,
            "actions": AuditAction.choices,
            "query_string": urlencode({k: v for k, v in filters.items() if v}),
        },
    )
