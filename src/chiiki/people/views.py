from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from chiiki.accounts import permissions
from chiiki.areas.selectors import district_list_for_user
from chiiki.core.http import HtmxHttpRequest
from chiiki.people import selectors


@login_required
def person_list(request: HtmxHttpRequest) -> HttpResponse:
    """People in the user's areas; search by name or kana in any width or kana."""
    query = request.GET.get("q", "").strip()
    district = request.GET.get("district", "")
    district_id = int(district) if district.isdigit() else None
    people = selectors.person_list_for_user(user=request.user, query=query, district_id=district_id)
    page = Paginator(people, settings.CHIIKI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "district_id": district_id,
        "districts": district_list_for_user(user=request.user),
        "query_string": urlencode({k: v for k, v in (("q", query), ("district", district)) if v}),
        "hx_target": "#results",
        "show_health": permissions.can_view_health(request.user),
    }
    template = "people/person_list.html#results" if request.htmx else "people/person_list.html"
    return render(request, template, context)


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, person_id=person_id, request=request)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "age": person.age_on(timezone.localdate()),
            "show_health": permissions.can_view_health(request.user),
        },
    )
