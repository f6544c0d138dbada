from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.areas.selectors import district_list_for_user, municipality_get_for_user
from chiiki.core.params import Params
from chiiki.imports import selectors as import_selectors
from chiiki.imports.models import ImportKind
from chiiki.imports.services import import_job_create
from chiiki.people import selectors, services
from chiiki.people.forms import CareImportForm, PersonForm, RegisterImportForm


@login_required
def person_list(request: AuthedRequest) -> HttpResponse:
    """People in the user's areas in kana order, a page at a time by cursor (次へ/前へ);
    search by name or kana in any width or kana; people moved out with ``moved=1``."""
    params = Params(request.GET)
    query, district_id = params.text("q"), params.id("district")
    include_moved = params.flag("moved")
    page = selectors.person_list_for_user(
        user=request.user,
        query=query,
        district_id=district_id,
        after=params.id("after"),
        before=params.id("before"),
        include_moved=include_moved,
    )
    filters = (("q", query), ("district", district_id), ("moved", "1" if include_moved else ""))
    context = {
        "page": page,
        "query": query,
        "district_id": district_id,
        "include_moved": include_moved,
        "districts": district_list_for_user(user=request.user, cap=Cap.PEOPLE_LIST),
        "query_string": urlencode({k: v for k, v in filters if v}),
        "show_health": access.can(request.user, Cap.HEALTH_VIEW),
        "can_edit": access.can(request.user, Cap.PEOPLE_EDIT),
        "can_import": access.can(request.user, Cap.PEOPLE_IMPORT),
        "can_import_care": access.can(request.user, Cap.CARE_IMPORT),
    }
    template = "people/person_list.html#results" if request.htmx else "people/person_list.html"
    return render(request, template, context)


@login_required
def person_detail(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    show_health = access.can(request.user, Cap.HEALTH_VIEW)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "show_health": show_health,
            "can_edit": access.can(request.user, Cap.PEOPLE_EDIT),
            "certifications": (
                selectors.care_certification_list_for_person(user=request.user, person=person)
                if show_health
                else []
            ),
        },
    )


def _save(form: PersonForm, save: Any) -> Any:
    """Run the service; a model error lands on the form, in Japanese, field by field."""
    try:
        return save(**form.changes())
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


@login_required
def person_new(request: AuthedRequest) -> HttpResponse:
    districts = district_list_for_user(user=request.user, cap=Cap.PEOPLE_EDIT)
    form = PersonForm(request.POST or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        person = _save(form, lambda **f: services.person_create(user=request.user, **f))
        if person is not None:
            messages.success(request, f"{person.name}さんを登録しました")
            return redirect("people:detail", person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@login_required
def person_edit(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for_user(
        user=request.user, person_id=person_id, cap=Cap.PEOPLE_EDIT
    )
    # The form validates on a copy: the service must see the record as it was, to audit the change.
    form = PersonForm(
        request.POST or None,
        instance=copy.copy(person),
        districts=district_list_for_user(user=request.user, cap=Cap.PEOPLE_EDIT),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form,
            lambda **f: services.person_update(user=request.user, person=person, **f),
        )
        if saved is not None:
            messages.success(request, "変更を保存しました（変更内容は監査ログに記録されます）")
            return redirect("people:detail", person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@login_required
def register_import(request: AuthedRequest) -> HttpResponse:
    """Upload the register extract: the job checks it and shows what would change (a
    preview), and the import is committed from the job's page."""
    municipality = municipality_get_for_user(user=request.user, cap=Cap.PEOPLE_IMPORT)
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        on = form.cleaned_data["on"]
        job = import_job_create(
            user=request.user,
            kind=ImportKind.REGISTER,
            municipality=municipality,
            upload=form.cleaned_data["file"],
            params={"preview": True, **({"on": on.isoformat()} if on else {})},
        )
        return redirect("imports:job", job_id=job.pk)
    return render(
        request,
        "people/register_import.html",
        {
            "form": form,
            "municipality": municipality,
            "counts": selectors.register_counts(municipality=municipality),
            "mapping": services.register_mapping_for(municipality=municipality),
            "jobs": import_selectors.import_job_list_for_user(
                user=request.user, kind=ImportKind.REGISTER
            ),
        },
    )


@login_required
def care_import(request: AuthedRequest) -> HttpResponse:
    """The municipality's care-insurance staff import the insurer's certification file."""
    municipality = municipality_get_for_user(user=request.user, cap=Cap.CARE_IMPORT)
    form = CareImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(
            user=request.user,
            kind=ImportKind.CARE_CERTIFICATION,
            municipality=municipality,
            upload=form.cleaned_data["file"],
        )
        return redirect("imports:job", job_id=job.pk)
    return render(
        request,
        "people/care_import.html",
        {
            "form": form,
            "municipality": municipality,
            "jobs": import_selectors.import_job_list_for_user(
                user=request.user, kind=ImportKind.CARE_CERTIFICATION
            ),
        },
    )
