"""The shell's own pages: the administrator's staff pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from chiiki.accounts import selectors, services
from chiiki.accounts.http import AuthedRequest
from chiiki.web.staff import StaffForm, staff_form_choices


def _apply(form: StaffForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def staff_list(request: AuthedRequest) -> HttpResponse:
    staff = selectors.staff_list_for_user(user=request.user)
    return render(request, "web/staff_list.html", {"staff": staff})


@login_required
def staff_new(request: AuthedRequest) -> HttpResponse:
    selectors.staff_list_for_user(user=request.user)  # refuses anyone but an administrator
    areas, volunteers = staff_form_choices(user=request.user)
    form = StaffForm(request.POST or None, areas=areas, volunteers=volunteers, creating=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.staff_user_create(
                actor=request.user,
                username=data["username"],
                password=data["password"],
                role=data["role"],
                display_name=data["display_name"],
                life_areas=form.chosen_areas(),
                person=form.chosen_person(),
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"{created.username} を登録しました")
            return redirect("web:staff_list")
    return render(request, "web/staff_form.html", {"form": form, "target": None})


@login_required
def staff_edit(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = selectors.staff_get_for_user(user=request.user, user_id=user_id)
    areas, volunteers = staff_form_choices(user=request.user, editing=target)
    initial = {
        "display_name": target.display_name,
        "role": target.role,
        "is_active": target.is_active,
        "life_areas": [str(la.pk) for la in target.life_areas.all()],
        "person": target.person_id,
    }
    form = StaffForm(
        request.POST or None, areas=areas, volunteers=volunteers, creating=False, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.staff_user_update(
                actor=request.user,
                user=target,
                display_name=data["display_name"],
                role=data["role"],
                is_active=data["is_active"],
                life_areas=form.chosen_areas(),
                person=form.chosen_person(),
            )
            if data["password"]:
                services.staff_password_set(
                    actor=request.user, user=target, password=data["password"]
                )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"{target.username} の設定を保存しました")
            return redirect("web:staff_list")
    return render(request, "web/staff_form.html", {"form": form, "target": target})
