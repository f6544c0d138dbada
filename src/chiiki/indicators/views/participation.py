"""Gathering places' participation: the rate by district for a year (with its CSV), the
import of attendance sheets, and one place's participants."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.areas.models import Municipality
from chiiki.core import wareki
from chiiki.core.params import Params
from chiiki.core.tabular import TableError, check_size, read_table, safe_cell
from chiiki.core.uploads import upload_limits
from chiiki.imports.runners import file_error
from chiiki.indicators import participation as engine
from chiiki.indicators.selectors import participation as selectors
from chiiki.indicators.services import attendance

IMPORT_REFUSED = "通いの場の出席簿を取り込む権限がありません"


class AttendanceImportForm(forms.Form):
    file = forms.FileField(
        label="出席簿（CSV または Excel）",
        help_text="CSV は UTF-8 または Shift_JIS。1枚目のシートの1行目が見出しです。",
    )


def _year(params: Params, user: Any = None) -> int:
    """The year asked for; else the latest year with attendance records; else this year."""
    given = params.year("year")
    if given:
        return given
    years = selectors.participation_years(user=user) if user is not None else []
    return years[0] if years else wareki.fiscal_year(timezone.localdate())


def _page(
    request: AuthedRequest, year: int, form: AttendanceImportForm, result: Any = None
) -> HttpResponse:
    table = selectors.participation_for_user(user=request.user, fiscal_year=year)
    years = selectors.participation_years(user=request.user)
    current = wareki.fiscal_year(timezone.localdate())
    choices = sorted({*years, year, current}, reverse=True)
    return render(
        request,
        "indicators/participation.html",
        {
            "table": table,
            "year": year,
            # The bars scale to the highest district (100 px), not to 100%: rates of 5–10%
            # would be dots.
            "top_rate": max((r.rate for r in table.rows if r.rate is not None), default=0) or 1,
            "years": [(y, wareki.format_fiscal_year(y)) for y in choices],
            "places": selectors.places_for_user(user=request.user, fiscal_year=year),
            "can_edit": access.can(request.user, Cap.INDICATORS_EDIT),
            "form": form,
            "result": result,
            "columns_persons": "通いの場, 日付, 宛名番号（または 氏名, 生年月日）",
            "columns_counts": "通いの場, 日付, 参加者数, 65歳以上の参加者数（任意）",
        },
        status=400 if result is not None and not result.ok else 200,
    )


@login_required
def participation(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, Cap.INDICATORS_VIEW, selectors.VIEW_REFUSED)
    params = Params(request.GET)
    year = _year(params, request.user)
    if params.raw("format") == "csv":
        table = selectors.participation_for_user(user=request.user, fiscal_year=year)
        return _csv(table)
    return _page(request, year, AttendanceImportForm())


@login_required
@require_POST
def participation_import(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, Cap.INDICATORS_EDIT, IMPORT_REFUSED)
    year = _year(Params(request.GET))
    form = AttendanceImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, year, form)
    upload = form.cleaned_data["file"]
    municipality = Municipality.objects.filter(
        pk=access.who(request.user).municipality_id or 0
    ).first()
    if municipality is None:
        raise access.PermissionDenied(IMPORT_REFUSED)
    limits = upload_limits()
    try:
        check_size(upload.size or 0, limits)
        table = read_table(upload.read(), upload.name or "", limits)
    except TableError as exc:
        result = attendance.AttendanceImportResult(
            municipality=municipality.code, name=str(municipality)
        )
        result.errors, result.error_count = [file_error(upload.name or "", exc)], 1
        return _page(request, year, form, result)
    result = attendance.attendance_import(
        user=request.user, municipality=municipality, table=table, source=upload.name or ""
    )
    if not result.ok:
        return _page(request, year, form, result)
    messages.success(request, result.message())
    return redirect(f"{reverse('indicators:participation')}?year={year}")


def _csv(table: engine.Table) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "年度",
            "圏域",
            "地区",
            "参加者（65歳以上・実人数）",
            "参加者（全年齢・実人数）",
            "65歳以上人口",
            "人口の出典",
            "参加率（%）",
            "延べ参加者数",
            "うち人数だけの記録",
            "通いの場の数",
        ]
    )
    for r in [*table.rows, table.total]:
        writer.writerow(
            [
                safe_cell(c)
                for c in (
                    table.fiscal_year,
                    r.life_area,
                    r.district,
                    r.participants_65,
                    r.participants,
                    r.population_65,
                    r.source_label,
                    "" if r.rate is None else str(r.rate),
                    r.attendances,
                    r.counted_attendances,
                    r.places,
                )
            ]
        )
    for note in table.notes:
        writer.writerow([safe_cell(f"※{note}")])
    response = HttpResponse(
        out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    name = f"participation-{table.fiscal_year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def place(request: AuthedRequest, place_id: int) -> HttpResponse:
    year = _year(Params(request.GET))
    found, participants = selectors.place_participants_for_user(
        user=request.user, place_id=place_id, fiscal_year=year
    )
    return render(
        request,
        "indicators/participation_place.html",
        {
            "place": found,
            "participants": participants,
            "year": year,
            "year_label": wareki.format_fiscal_year(year),
        },
    )


urlpatterns = [
    path("participation/", participation, name="participation"),
    path("participation/import/", participation_import, name="participation_import"),
    path("participation/places/<int:place_id>/", place, name="participation_place"),
]
