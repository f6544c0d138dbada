"""Pages of councils: the overview, bodies and their members."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.areas.selectors import district_list_for_user, life_area_list_for_user
from chiiki.core.params import Params
from chiiki.councils.forms.bodies import BodyForm, MembershipEndForm, MembershipForm
from chiiki.councils.models import BodyKind, Layer
from chiiki.councils.selectors import bodies as selectors
from chiiki.councils.selectors import issues as issue_selectors
from chiiki.councils.services import bodies as services


def form_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's refusal on the form, in Japanese: on the field it names when the form
    has it, above the form otherwise (a refusal of the whole record, or a plain message)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        form.add_error(key if key in form.fields and key != NON_FIELD_ERRORS else None, errors)


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """The municipality's bodies by layer, the register's counts by status, and coverage."""
    params = Params(request.GET)
    layer = params.number("layer", minimum=1, maximum=3)
    kind = params.choice("kind", BodyKind.values)
    bodies = list(selectors.body_list_for_user(user=request.user, layer=layer, kind=kind))
    coverage = selectors.coverage_for_user(user=request.user, on=timezone.localdate())
    return render(
        request,
        "councils/index.html",
        {
            "bodies": bodies,
            "layer": layer,
            "kind": kind,
            "layers": Layer.choices,
            "kinds": BodyKind.choices,
            "coverage": coverage,
            "counts": issue_selectors.issue_status_counts(user=request.user),
            "can_manage": access.can(request.user, Cap.COUNCILS_MANAGE),
            "can_watch": access.can(request.user, Cap.WATCH),
        },
    )


def _area_choices(user: Any) -> dict[str, Any]:
    return {
        "life_areas": list(life_area_list_for_user(user=user, cap=Cap.COUNCILS_MANAGE)),
        "districts": list(district_list_for_user(user=user, cap=Cap.COUNCILS_MANAGE)),
    }


@login_required
def body_new(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, Cap.COUNCILS_MANAGE, "協議体を設置する権限がありません")
    form = BodyForm(request.POST or None, **_area_choices(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        life_area, district = form.chosen_area()
        try:
            body = services.body_create(
                user=request.user,
                municipality=request.user.municipality,  # type: ignore[arg-type]
                layer=data["layer"],
                kind=data["kind"],
                name=data["name"],
                founded_on=data["founded_on"],
                life_area=life_area,
                district=district,
                secretariat=data["secretariat"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"{body.name}を登録しました")
            return redirect("councils:body_detail", body.pk)
    return render(request, "councils/body_form.html", {"form": form, "body": None})


@login_required
def body_edit(request: AuthedRequest, body_id: int) -> HttpResponse:
    body = selectors.body_get_for_user(user=request.user, body_id=body_id, cap=Cap.COUNCILS_MANAGE)
    area = (
        f"d-{body.district_id}"
        if body.district_id
        else (f"la-{body.life_area_id}" if body.life_area_id else "")
    )
    initial = {
        "layer": body.layer,
        "kind": body.kind,
        "name": body.name,
        "area": area,
        "founded_on": body.founded_on,
        "dissolved_on": body.dissolved_on,
        "secretariat": body.secretariat,
        "notes": body.notes,
    }
    form = BodyForm(request.POST or None, initial=initial, **_area_choices(request.user))
    form.fields["layer"].disabled = form.fields["area"].disabled = True  # a body keeps its area
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.body_update(
                user=request.user,
                body=body,
                kind=data["kind"],
                name=data["name"],
                founded_on=data["founded_on"],
                dissolved_on=data["dissolved_on"],
                secretariat=data["secretariat"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "保存しました")
            return redirect("councils:body_detail", body.pk)
    return render(request, "councils/body_form.html", {"form": form, "body": body})


@login_required
def body_detail(request: AuthedRequest, body_id: int) -> HttpResponse:
    """A body: its area, its members now and before, its issues; and the add-a-member form."""
    body = selectors.body_get_for_user(user=request.user, body_id=body_id)
    can_manage = access.reaches(request.user, Cap.COUNCILS_MANAGE, body)
    form = MembershipForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.membership_add(user=request.user, body=body, **form.cleaned_data)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, f"{form.cleaned_data['name']}さんを構成員に加えました")
                return redirect("councils:body_detail", body.pk)
    members = list(body.memberships.all())
    return render(
        request,
        "councils/body_detail.html",
        {
            "body": body,
            "current": [m for m in members if m.ended_on is None],
            "past": [m for m in members if m.ended_on is not None],
            "issues": issue_selectors.issue_rows_for_user(user=request.user, body_id=body.pk),
            "form": form,
            "end_form": MembershipEndForm(initial={"ended_on": timezone.localdate()}),
            "can_manage": can_manage,
            "can_huddle": access.reaches(request.user, Cap.HUDDLE, body),
        },
    )


@login_required
@require_POST
def membership_end(request: AuthedRequest, membership_id: int) -> HttpResponse:
    membership = selectors.membership_get_for_user(user=request.user, membership_id=membership_id)
    form = MembershipEndForm(request.POST)
    if form.is_valid():
        try:
            services.membership_end(
                user=request.user, membership=membership, ended_on=form.cleaned_data["ended_on"]
            )
        except ValidationError as exc:
            messages.error(request, "、".join(exc.messages))
        else:
            messages.success(request, f"{membership.name}さんの退任を記録しました")
    else:
        messages.error(request, "退任日を入れてください")
    return redirect("councils:body_detail", membership.body_id)


urlpatterns = [
    path("", index, name="index"),
    path("bodies/new/", body_new, name="body_new"),
    path("bodies/<id:body_id>/", body_detail, name="body_detail"),
    path("bodies/<id:body_id>/edit/", body_edit, name="body_edit"),
    path("members/<id:membership_id>/end/", membership_end, name="membership_end"),
]
