"""Pages of the grant's self-assessment (保険者機能強化推進交付金): the years, one year's
answers with their evidence, and its export as XLSX and CSV."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.core.params import ParamError, Params
from chiiki.councils.views.bodies import form_errors
from chiiki.indicators.grant import selectors, services, sheet
from chiiki.indicators.grant.forms import AnswerForm

VIEW_REFUSED = "交付金の自己評価を見る権限がありません"
EDIT_REFUSED = "交付金の自己評価を記録する権限がありません"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _year(fiscal_year: int) -> int:
    if not FIRST_YEAR <= fiscal_year <= LAST_YEAR:
        raise ParamError("年度", fiscal_year, f"{FIRST_YEAR}〜{LAST_YEAR} の年度を指定してください")
    return fiscal_year


@login_required
@require_GET
def years(request: AuthedRequest) -> HttpResponse:
    """The municipality's assessments by fiscal year; a year is opened by its number."""
    access.require(request.user, Cap.INDICATORS_VIEW, VIEW_REFUSED)
    params = Params(request.GET)
    chosen = params.number("year", minimum=FIRST_YEAR, maximum=LAST_YEAR)
    if chosen is not None:
        return redirect("indicators:grant_year", fiscal_year=chosen)
    return render(
        request,
        "indicators/grant/years.html",
        {
            "years": selectors.years_for_user(user=request.user),
            "can_edit": access.can(request.user, Cap.INDICATORS_EDIT),
        },
    )


def _page(
    request: AuthedRequest, fiscal_year: int, bound: AnswerForm | None = None
) -> HttpResponse:
    can_edit = access.can(request.user, Cap.INDICATORS_EDIT)
    view = selectors.year_for_user(
        user=request.user, fiscal_year=fiscal_year, with_candidates=can_edit
    )
    items = []
    for row in view.rows:
        form = None
        if can_edit and bound is not None and bound.indicator.id == row.indicator.id:
            form = bound
        elif can_edit:
            a = row.answer
            initial = (
                {
                    "answer": a.answer,
                    "note": a.note,
                    "evidence": [f"{e.kind}:{e.record_id}" for e in a.evidence],
                }
                if a
                else {}
            )
            form = AnswerForm(initial=initial, indicator=row.indicator, candidates=view.candidates)
        has = any(view.candidates.get(k) for k in row.indicator.evidence)
        items.append({"row": row, "form": form, "has_candidates": has})
    return render(
        request,
        "indicators/grant/year.html",
        {
            "view": view,
            "items": items,
            "can_edit": can_edit,
            "answered": sum(1 for r in view.rows if r.answer),
        },
        status=400 if bound is not None and bound.errors else 200,
    )


@login_required
@require_GET
def year(request: AuthedRequest, fiscal_year: int) -> HttpResponse:
    access.require(request.user, Cap.INDICATORS_VIEW, VIEW_REFUSED)
    return _page(request, _year(fiscal_year))


@login_required
@require_POST
def answer(request: AuthedRequest, fiscal_year: int, indicator_id: str) -> HttpResponse:
    """Save one indicator's answer; a refusal comes back on the year's page, on its form."""
    user = request.user
    access.require(user, Cap.INDICATORS_EDIT, EDIT_REFUSED)
    fiscal_year = _year(fiscal_year)
    view = selectors.year_for_user(user=user, fiscal_year=fiscal_year, with_candidates=True)
    indicator = view.catalog.indicator(indicator_id)
    if indicator is None:
        raise ParamError("評価指標", indicator_id, "この年度の評価指標から選んでください")
    form = AnswerForm(request.POST, indicator=indicator, candidates=view.candidates)
    if not form.is_valid():
        return _page(request, fiscal_year, form)
    try:
        services.grant_answer_save(
            user=user,
            municipality=view.municipality,
            fiscal_year=fiscal_year,
            indicator_id=indicator.id,
            answer=form.cleaned_data["answer"],
            note=form.cleaned_data["note"],
            evidence=form.picks(),
        )
    except ValidationError as exc:
        form_errors(form, exc)
        return _page(request, fiscal_year, form)
    messages.success(request, "回答と根拠を記録しました")
    url = reverse("indicators:grant_year", kwargs={"fiscal_year": fiscal_year})
    return redirect(f"{url}#ind-{indicator.id}")


@login_required
@require_POST
def share(request: AuthedRequest, fiscal_year: int) -> HttpResponse:
    """Share the year's answers (their counts only) with the prefecture, or stop."""
    user = request.user
    access.require(user, Cap.INDICATORS_EDIT, EDIT_REFUSED)
    fiscal_year = _year(fiscal_year)
    shared = Params(request.POST).flag("shared")
    view = selectors.year_for_user(user=user, fiscal_year=fiscal_year)
    services.grant_share_set(
        user=user, municipality=view.municipality, fiscal_year=fiscal_year, shared=shared
    )
    messages.success(
        request,
        "回答の件数を都道府県に共有しました" if shared else "都道府県への共有をやめました",
    )
    return redirect(reverse("indicators:grant_year", kwargs={"fiscal_year": fiscal_year}))


def _table(request: AuthedRequest, fiscal_year: int) -> selectors.YearView:
    access.require(request.user, Cap.INDICATORS_VIEW, VIEW_REFUSED)
    return selectors.year_for_user(user=request.user, fiscal_year=_year(fiscal_year))


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def export_xlsx(request: AuthedRequest, fiscal_year: int) -> HttpResponse:
    view = _table(request, fiscal_year)
    content = sheet.xlsx_bytes(
        view.catalog, view.rows, municipality=view.municipality.name, fiscal_year=fiscal_year
    )
    return _attachment(content, XLSX, f"grant-self-assessment-{fiscal_year}.xlsx")


@login_required
@require_GET
def export_csv(request: AuthedRequest, fiscal_year: int) -> HttpResponse:
    view = _table(request, fiscal_year)
    return _attachment(
        sheet.csv_bytes(view.rows),
        "text/csv; charset=utf-8",
        f"grant-self-assessment-{fiscal_year}.csv",
    )


urlpatterns = [
    path("grant/", years, name="grant_years"),
    path("grant/<year:fiscal_year>/", year, name="grant_year"),
    path("grant/<year:fiscal_year>/export.xlsx", export_xlsx, name="grant_export_xlsx"),
    path("grant/<year:fiscal_year>/export.csv", export_csv, name="grant_export_csv"),
    path("grant/<year:fiscal_year>/share", share, name="grant_share"),
    path("grant/<year:fiscal_year>/<slug:indicator_id>/", answer, name="grant_answer"),
]
