"""The prefecture's support teams and seminars: the team's coverage of the municipalities by
年度 (埼玉県's 「全63市町村を訪問」), and the seminars by 年度 with their attendance by
municipality (高知県's トップセミナー). Counts only: no page names a person."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.core.params import ParamError, Params
from chiiki.core.tabular import TableError, read_table
from chiiki.core.uploads import upload_limits
from chiiki.core.wareki import fiscal_year
from chiiki.imports.runners import file_error
from chiiki.indicators.exports import download
from chiiki.prefecture import visit_file
from chiiki.prefecture.selectors import support as selectors
from chiiki.prefecture.selectors.common import prefecture_of
from chiiki.prefecture.services import support as services

FORMATS = ("csv", "xlsx")


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404("形式は csv か xlsx です")
    return fmt


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- team visits ---------------------------------------------------------------------------


def _teams_page(request: AuthedRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    prefecture = prefecture_of(request.user)
    coverage = selectors.team_coverage(prefecture=prefecture)
    context = {
        "prefecture": prefecture,
        "coverage": coverage,
        "latest": coverage.totals[-1] if coverage.totals else None,
        "visits": selectors.team_visit_list(prefecture=prefecture),
        "municipalities": selectors.municipality_choices(prefecture=prefecture),
        "can_edit": _can_edit(request),
        "default_team": visit_file.DEFAULT_TEAM,
        "columns": visit_file.REQUIRED + visit_file.OPTIONAL,
        "form": {},
        **extra,
    }
    return render(request, "prefecture/teams.html", context, status=status)


def _can_edit(request: AuthedRequest) -> bool:
    return access.can(request.user, Cap.PREFECTURE_EDIT)


@login_required
@require_GET
def teams(request: AuthedRequest) -> HttpResponse:
    return _teams_page(request)


@login_required
@require_POST
def team_visit_create(request: AuthedRequest) -> HttpResponse:
    prefecture = prefecture_of(request.user, Cap.PREFECTURE_EDIT)
    params = Params(request.POST)
    form = {k: params.raw(k) for k in ("day", "municipality", "team", "purpose")}
    try:
        day = params.date("day")
        municipality_id = params.id("municipality")
        if day is None or municipality_id is None:
            raise ValidationError("訪問日と市町村を入れてください")
        municipality = selectors.municipality_of_prefecture(
            prefecture=prefecture, municipality_id=municipality_id
        )
        visit = services.team_visit_create(
            user=request.user,
            prefecture=prefecture,
            municipality=municipality,
            day=day,
            team=params.text("team", max_length=visit_file.TEAM_LENGTH),
            purpose=params.text("purpose", max_length=visit_file.PURPOSE_LENGTH),
        )
    except ParamError as exc:
        return _teams_page(request, status=400, form=form, visit_error=str(exc))
    except ValidationError as exc:
        return _teams_page(request, status=400, form=form, visit_error=_messages(exc))
    messages.success(
        request, f"{visit.municipality.name}への訪問（{visit.day.isoformat()}）を記録しました"
    )
    return redirect("prefecture:teams")


@login_required
@require_POST
def team_visit_delete(request: AuthedRequest, visit_id: int) -> HttpResponse:
    visit = selectors.team_visit_get_for_user(user=request.user, visit_id=visit_id)
    services.team_visit_delete(user=request.user, visit=visit)
    messages.success(request, "訪問の記録を削除しました")
    return redirect("prefecture:teams")


@login_required
@require_POST
def team_visit_import(request: AuthedRequest) -> HttpResponse:
    prefecture = prefecture_of(request.user, Cap.PREFECTURE_EDIT)
    upload = request.FILES.get("file")
    if upload is None:
        return _teams_page(
            request, status=400, import_errors=[{"message": "ファイルを選んでください"}]
        )
    name = upload.name or "upload.csv"
    try:
        limits = upload_limits()
        if upload.size is not None and upload.size > limits.max_bytes:
            raise TableError("ファイルが大きすぎます")
        table = read_table(upload.read(), name, limits)
    except TableError as exc:
        return _teams_page(request, status=400, import_errors=[file_error(name, exc)])
    result = services.team_visit_import(user=request.user, prefecture=prefecture, table=table)
    if not result.ok:
        return _teams_page(
            request,
            status=400,
            import_errors=result.errors,
            import_error_count=result.error_count,
        )
    messages.success(request, result.message())
    return redirect("prefecture:teams")


@login_required
@require_GET
def teams_download(request: AuthedRequest, fmt: str) -> HttpResponse:
    prefecture = prefecture_of(request.user)
    columns, rows = selectors.team_coverage(prefecture=prefecture).table()
    return download(_format(fmt), "team-coverage", "支援チームの訪問", columns, rows)


@login_required
@require_GET
def team_visits_download(request: AuthedRequest, fmt: str) -> HttpResponse:
    prefecture = prefecture_of(request.user)
    columns, rows = selectors.team_visit_rows(prefecture=prefecture)
    return download(_format(fmt), "team-visits", "訪問の記録", columns, rows)


# --- seminars ------------------------------------------------------------------------------


def _seminar_values(params: Params) -> dict[str, Any]:
    day = params.date("day")
    if day is None:
        raise ValidationError("開催日を入れてください")
    return {
        "day": day,
        "session": params.text("session", max_length=20),
        "title": params.text("title", max_length=200),
        "audience": params.text("audience", max_length=200),
    }


def _seminars_page(request: AuthedRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    prefecture = prefecture_of(request.user)
    context = {
        "prefecture": prefecture,
        "rows": selectors.seminar_table(prefecture=prefecture),
        "can_edit": _can_edit(request),
        "form": {},
        **extra,
    }
    return render(request, "prefecture/seminars.html", context, status=status)


@login_required
def seminars(request: AuthedRequest) -> HttpResponse:
    if request.method != "POST":
        return _seminars_page(request)
    prefecture = prefecture_of(request.user, Cap.PREFECTURE_EDIT)
    params = Params(request.POST)
    form = {k: params.raw(k) for k in ("day", "session", "title", "audience")}
    try:
        seminar = services.seminar_create(
            user=request.user, prefecture=prefecture, **_seminar_values(params)
        )
    except ParamError as exc:
        return _seminars_page(request, status=400, form=form, seminar_error=str(exc))
    except ValidationError as exc:
        return _seminars_page(request, status=400, form=form, seminar_error=_messages(exc))
    messages.success(request, f"「{seminar.title}」を登録しました")
    return redirect("prefecture:seminar", seminar_id=seminar.pk)


def _seminar_page(
    request: AuthedRequest, seminar: Any, *, status: int = 200, **extra: Any
) -> HttpResponse:
    prefecture = prefecture_of(request.user)
    grid = selectors.seminar_attendance_grid(seminar=seminar)
    entered: dict[str, str] = extra.pop("entered", {})
    bad = {f.code for f in extra.get("faults", [])}
    rows = [
        (
            c,
            entered.get(c.municipality.code, str(c.attendees) if c.attendees else ""),
            c.municipality.code in bad,
        )
        for c in grid
    ]
    context = {
        "prefecture": prefecture,
        "seminar": seminar,
        "year_label": selectors.year_label(fiscal_year(seminar.day)),
        "grid": grid,
        "rows": rows,
        "participating": sum(1 for c in grid if c.attendees),
        "attendees": sum(c.attendees for c in grid),
        "can_edit": _can_edit(request),
        "faults": [],
        **extra,
    }
    return render(request, "prefecture/seminar.html", context, status=status)


@login_required
def seminar(request: AuthedRequest, seminar_id: int) -> HttpResponse:
    if request.method != "POST":
        found = selectors.seminar_get_for_user(user=request.user, seminar_id=seminar_id)
        return _seminar_page(request, found)
    found = selectors.seminar_get_for_user(
        user=request.user, seminar_id=seminar_id, cap=Cap.PREFECTURE_EDIT
    )
    params = Params(request.POST)
    counts = {
        key.removeprefix("m-"): params.raw(key) for key in request.POST if key.startswith("m-")
    }
    try:
        done = services.seminar_attendance_set(user=request.user, seminar=found, counts=counts)
    except services.AttendanceError as exc:
        return _seminar_page(request, found, status=400, entered=counts, faults=exc.faults)
    messages.success(
        request,
        f"参加を保存しました（新規 {done['created']}、変更 {done['updated']}、"
        f"削除 {done['deleted']} 市町村）",
    )
    return redirect("prefecture:seminar", seminar_id=found.pk)


@login_required
@require_POST
def seminar_edit(request: AuthedRequest, seminar_id: int) -> HttpResponse:
    found = selectors.seminar_get_for_user(
        user=request.user, seminar_id=seminar_id, cap=Cap.PREFECTURE_EDIT
    )
    try:
        services.seminar_update(
            user=request.user, seminar=found, **_seminar_values(Params(request.POST))
        )
    except ParamError as exc:
        return _seminar_page(request, found, status=400, seminar_error=str(exc))
    except ValidationError as exc:
        return _seminar_page(request, found, status=400, seminar_error=_messages(exc))
    messages.success(request, "セミナーを変更しました")
    return redirect("prefecture:seminar", seminar_id=found.pk)


@login_required
@require_POST
def seminar_delete(request: AuthedRequest, seminar_id: int) -> HttpResponse:
    found = selectors.seminar_get_for_user(
        user=request.user, seminar_id=seminar_id, cap=Cap.PREFECTURE_EDIT
    )
    services.seminar_delete(user=request.user, seminar=found)
    messages.success(request, f"「{found.title}」を削除しました")
    return redirect("prefecture:seminars")


@login_required
@require_GET
def seminar_attendance(request: AuthedRequest) -> HttpResponse:
    prefecture = prefecture_of(request.user)
    return render(
        request,
        "prefecture/seminar_attendance.html",
        {"prefecture": prefecture, "matrix": selectors.attendance_matrix(prefecture=prefecture)},
    )


@login_required
@require_GET
def seminars_download(request: AuthedRequest, fmt: str) -> HttpResponse:
    prefecture = prefecture_of(request.user)
    columns, rows = selectors.seminar_rows_for_download(prefecture=prefecture)
    return download(_format(fmt), "seminars", "セミナー", columns, rows)


@login_required
@require_GET
def seminar_attendance_download(request: AuthedRequest, fmt: str) -> HttpResponse:
    prefecture = prefecture_of(request.user)
    columns, rows = selectors.attendance_matrix(prefecture=prefecture).table()
    return download(_format(fmt), "seminar-attendance", "市町村別の参加", columns, rows)


urlpatterns = [
    path("teams/", teams, name="teams"),
    path("teams/visits/", team_visit_create, name="team_visit_create"),
    path("teams/visits/<int:visit_id>/delete/", team_visit_delete, name="team_visit_delete"),
    path("teams/import/", team_visit_import, name="team_visit_import"),
    path("teams/coverage.<str:fmt>", teams_download, name="teams_download"),
    path("teams/visits.<str:fmt>", team_visits_download, name="team_visits_download"),
    path("seminars/", seminars, name="seminars"),
    path("seminars/attendance/", seminar_attendance, name="seminar_attendance"),
    path(
        "seminars/attendance.<str:fmt>",
        seminar_attendance_download,
        name="seminar_attendance_download",
    ),
    path("seminars/list.<str:fmt>", seminars_download, name="seminars_download"),
    path("seminars/<int:seminar_id>/", seminar, name="seminar"),
    path("seminars/<int:seminar_id>/edit/", seminar_edit, name="seminar_edit"),
    path("seminars/<int:seminar_id>/delete/", seminar_delete, name="seminar_delete"),
]
