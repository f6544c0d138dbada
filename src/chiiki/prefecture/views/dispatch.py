"""The dispatch log's pages: the year's table in the guide's layout and by municipality
(printable, PDF, CSV and XLSX), a form for one dispatch with the recent entries, and the
file's import with every fault shown. Reading needs PREFECTURE_VIEW, writing PREFECTURE_EDIT.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.core import wareki
from chiiki.core.params import Params
from chiiki.core.pdf import render_pdf
from chiiki.core.tabular import TableError, check_size, read_table
from chiiki.core.uploads import upload_limits
from chiiki.imports.runners import file_error
from chiiki.indicators.exports import download
from chiiki.prefecture import dispatch_file
from chiiki.prefecture.dispatch_summary import LABELS, ORDERS, Line, Summary
from chiiki.prefecture.forms import DispatchForm, DispatchImportForm
from chiiki.prefecture.selectors.common import municipalities_of, prefecture_of
from chiiki.prefecture.selectors.dispatch import (
    dispatch_choices,
    dispatch_recent,
    dispatch_summary_for_user,
    dispatch_years,
)
from chiiki.prefecture.services.dispatch import (
    DispatchImportResult,
    DispatchNotFound,
    dispatch_add,
    dispatch_delete,
    dispatch_import,
)

TABLES = {"senders": "派遣元別", "municipalities": "市町村別", "professions": "職種別"}


def _year(params: Params, years: list[int]) -> int:
    """The chosen fiscal year; by default the latest with dispatches (else this one)."""
    latest = years[0] if years else wareki.fiscal_year(timezone.localdate())
    return params.year("year", default=latest) or latest


def _rows(found: Summary, table: str) -> tuple[str, list[Line], Line | None]:
    if table == "municipalities":
        return "市町村", found.municipalities, found.municipalities_total
    if table == "professions":
        return "職種", found.professions, found.total
    return wareki.format_fiscal_year(found.year), found.senders, found.total


def _download(found: Summary, table: str, fmt: str, prefecture: Any) -> HttpResponse:
    head, lines, total = _rows(found, table)
    columns = [head, *LABELS, "合計"]
    if table == "municipalities":
        columns = ["市町村コード", *columns]
    body: list[list[Any]] = []
    for line in [*lines, *([total] if total else [])]:
        row: list[Any] = [line.label, *line.counts, line.total]
        body.append([line.code, *row] if table == "municipalities" else row)
    title = f"{prefecture.name} 専門職の派遣実績 {found.year}年度 {TABLES[table]}"
    return download(fmt, f"dispatch-{prefecture.code}-{found.year}-{table}", title, columns, body)


@login_required
def summary(request: AuthedRequest) -> HttpResponse:
    prefecture = prefecture_of(request.user, Cap.PREFECTURE_VIEW)
    params = Params(request.GET)
    years = dispatch_years(user=request.user)
    year = _year(params, years)
    order = params.choice("order", ORDERS, default="first")
    found = dispatch_summary_for_user(user=request.user, year=year, order=order)
    fmt = params.choice("format", ["csv", "xlsx", "pdf"])
    shown = sorted({*years, year}, reverse=True)
    context: dict[str, Any] = {
        "prefecture": prefecture,
        "found": found,
        "year": year,
        "year_label": wareki.format_fiscal_year(year),
        "year_labels": [(y, wareki.format_fiscal_year(y)) for y in shown],
        "order": order,
        "labels": LABELS,
        "can_edit": access.can(request.user, Cap.PREFECTURE_EDIT),
        "tables": TABLES,
        "said": said(found),
    }
    if fmt == "pdf":
        response = HttpResponse(
            render_pdf("prefecture/dispatch_pdf.html", context), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'inline; filename="dispatch-{prefecture.code}-{year}.pdf"'
        )
        return response
    if fmt:
        table = params.choice("table", TABLES, default="senders")
        return _download(found, table, fmt, prefecture)
    return render(request, "prefecture/dispatch.html", context)


def said(found: Summary) -> list[str]:
    """The table in sentences, for those who do not read it as a table."""
    label = wareki.format_fiscal_year(found.year)
    if not found.total.total:
        return [f"{label}の派遣の記録はありません。"]
    out = [
        f"{label}の派遣は合計{found.total.total:,}件です"
        f"（{'、'.join(f'{k} {n:,}件' for k, n in found.total.by_label().items())}）。"
    ]
    out += [f"{line.label}: {line.total:,}件。" for line in found.senders]
    reached = sum(1 for m in found.municipalities if m.total)
    out.append(f"{len(found.municipalities)}市町村のうち{reached}市町村に派遣しました。")
    return out


def _new_context(request: AuthedRequest, form: DispatchForm) -> dict[str, Any]:
    senders, professions = dispatch_choices(user=request.user)
    return {
        "prefecture": prefecture_of(request.user, Cap.PREFECTURE_EDIT),
        "form": form,
        "senders": senders,
        "professions": professions,
        "recent": dispatch_recent(user=request.user),
    }


@login_required
def new(request: AuthedRequest) -> HttpResponse:
    prefecture = prefecture_of(request.user, Cap.PREFECTURE_EDIT)
    towns = list(municipalities_of(request.user, Cap.PREFECTURE_EDIT))
    form = DispatchForm(
        request.POST or None, municipalities=[(m.pk, f"{m.code} {m.name}") for m in towns]
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        town = next(m for m in towns if str(m.pk) == data["municipality"])
        try:
            saved = dispatch_add(
                user=request.user,
                prefecture=prefecture,
                day=data["day"],
                municipality=town,
                sender=data["sender"],
                work=data["work"],
                profession=data["profession"],
                count=data["count"],
            )
        except ValueError as exc:  # the key's count would pass its bound
            form.add_error("count", str(exc))
            return render(
                request, "prefecture/dispatch_new.html", _new_context(request, form), status=400
            )
        messages.success(
            request,
            f"{wareki.display(saved.day)} {town.name} {saved.sender} "
            f"{saved.get_work_display()} {saved.profession}: {saved.count}件になりました",
        )
        return redirect("prefecture:dispatch_new")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "prefecture/dispatch_new.html", _new_context(request, form), status=status
    )


@login_required
def upload(request: AuthedRequest) -> HttpResponse:
    prefecture = prefecture_of(request.user, Cap.PREFECTURE_EDIT)
    form = DispatchImportForm(request.POST or None, request.FILES or None)
    result: DispatchImportResult | None = None
    if request.method == "POST" and form.is_valid():
        result = _run_import(request, prefecture, form.cleaned_data["file"])
    context = {
        "prefecture": prefecture,
        "form": form,
        "result": result,
        "columns": dispatch_file.REQUIRED + dispatch_file.OPTIONAL,
        "labels": LABELS,
    }
    status = 400 if request.method == "POST" and (result is None or not result.ok) else 200
    return render(request, "prefecture/dispatch_import.html", context, status=status)


def _run_import(request: AuthedRequest, prefecture: Any, upload: Any) -> DispatchImportResult:
    name = upload.name or ""
    limits = upload_limits()
    try:
        check_size(upload.size or 0, limits)
        table = read_table(upload.read(), name, limits)
    except TableError as exc:
        result = DispatchImportResult(prefecture=prefecture.code, source=name, ok=False)
        result.errors, result.error_count = [file_error(name, exc)], 1
        return result
    return dispatch_import(user=request.user, prefecture=prefecture, table=table, source=name)


@login_required
@require_POST
def delete(request: AuthedRequest, dispatch_id: int) -> HttpResponse:
    prefecture = prefecture_of(request.user, Cap.PREFECTURE_EDIT)
    try:
        dispatch_delete(user=request.user, dispatch_id=dispatch_id, prefecture=prefecture)
    except DispatchNotFound as exc:
        raise Http404(str(exc)) from exc
    messages.success(request, "派遣の記録を1件削除しました")
    return redirect("prefecture:dispatch_new")


urlpatterns = [
    path("dispatch/", summary, name="dispatch"),
    path("dispatch/new", new, name="dispatch_new"),
    path("dispatch/import", upload, name="dispatch_import"),
    path("dispatch/<int:dispatch_id>/delete", delete, name="dispatch_delete"),
]
