"""The shell's own pages: the administrator's staff pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from chiiki.accounts import selectors, services
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.accounts.models import User
from chiiki.areas.selectors import municipality_get_for_user
from chiiki.imports import selectors as import_selectors
from chiiki.imports.models import ImportKind
from chiiki.imports.services import import_job_create
from chiiki.web.staff import StaffForm, StaffImportForm, staff_form_choices


def _apply(form: StaffForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _passwords_page(request: AuthedRequest, issued: list[tuple[User, str]]) -> HttpResponse:
    """The passwords just made, shown this once: never stored in clear, never cached."""
    response = render(request, "web/staff_passwords.html", {"issued": issued})
    add_never_cache_headers(response)
    return response


@login_required
def staff_list(request: AuthedRequest) -> HttpResponse:
    staff = list(selectors.staff_list_for_user(user=request.user))
    pending = sum(1 for u in staff if u.is_active and not u.has_usable_password())
    return render(request, "web/staff_list.html", {"staff": staff, "pending": pending})


@login_required
def staff_new(request: AuthedRequest) -> HttpResponse:
    selectors.staff_list_for_user(user=request.user)  # refuses anyone but an administrator
    areas, volunteers = staff_form_choices(user=request.user)
    form = StaffForm(request.POST or None, areas=areas, volunteers=volunteers, creating=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = data["password"] or services.initial_password()
        try:
            created = services.staff_user_create(
                actor=request.user,
                username=data["username"],
                password=password,
                role=data["role"],
                display_name=data["display_name"],
                life_areas=form.chosen_areas(),
                person=form.chosen_person(),
                support_center=data["support_center"],
                email=data["email"],
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            if not data["password"]:
                return _passwords_page(request, [(created, password)])
            messages.success(request, f"{created.username} を登録しました")
            return redirect("web:staff_list")
    return render(request, "web/staff_form.html", {"form": form, "target": None})


@login_required
def staff_edit(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = selectors.staff_get_for_user(user=request.user, user_id=user_id)
    if request.method == "POST" and request.POST.get("action") == "reset_password":
        password = services.staff_password_reset(actor=request.user, user=target)
        if target.pk == request.user.pk:
            update_session_auth_hash(request, target)  # their own: stay logged in here
        return _passwords_page(request, [(target, password)])
    areas, volunteers = staff_form_choices(user=request.user, editing=target)
    initial = {
        "display_name": target.display_name,
        "role": target.role,
        "is_active": target.is_active,
        "life_areas": [str(la.pk) for la in target.life_areas.all()],
        "person": target.person_id,
        "support_center": target.support_center,
        "email": target.email,
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
                support_center=data["support_center"],
                email=data["email"],
            )
            if data["password"]:
                services.staff_password_set(
                    actor=request.user, user=target, password=data["password"]
                )
                if target.pk == request.user.pk:
                    update_session_auth_hash(request, target)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"{target.username} の設定を保存しました")
            return redirect("web:staff_list")
    return render(request, "web/staff_form.html", {"form": form, "target": target})


@login_required
@require_POST
def staff_passwords(request: AuthedRequest) -> HttpResponse:
    """Initial passwords for the logins a staff file created, shown once."""
    issued = services.staff_passwords_issue(actor=request.user)
    if not issued:
        messages.info(request, "初期パスワードを待っているログインはありません")
        return redirect("web:staff_list")
    return _passwords_page(request, issued)


@login_required
def staff_import(request: AuthedRequest) -> HttpResponse:
    """An administrator imports their municipality's staff list (never another's)."""
    municipality = municipality_get_for_user(user=request.user, cap=Cap.USERS_MANAGE)
    form = StaffImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(
            user=request.user,
            kind=ImportKind.STAFF,
            municipality=municipality,
            upload=form.cleaned_data["file"],
        )
        return redirect("imports:job", job_id=job.pk)
    jobs = import_selectors.import_job_list_for_user(user=request.user, kind=ImportKind.STAFF)
    return render(
        request,
        "web/staff_import.html",
        {"form": form, "municipality": municipality, "jobs": jobs},
    )
