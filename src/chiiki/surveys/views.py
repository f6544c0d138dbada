from __future__ import annotations

import io
import json
from typing import Any, cast

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.areas.models import Municipality
from chiiki.areas.selectors import district_list_for_user
from chiiki.core.csp import charts_csp
from chiiki.core.params import Params
from chiiki.core.pdf import render_pdf
from chiiki.core.tabular import safe_cell
from chiiki.imports import selectors as import_selectors
from chiiki.imports.models import ImportKind
from chiiki.imports.services import import_job_create
from chiiki.people import selectors as people_selectors
from chiiki.surveys import selectors, services, suggest
from chiiki.surveys.forms import (
    KCL_ITEMS,
    ImportForm,
    KclForm,
    MailingForm,
    SurveyCreateForm,
    VisitForm,
)
from chiiki.surveys.models import Outcome
from chiiki.surveys.rules import RuleSetError


def _htmx(request: AuthedRequest) -> bool:
    """django-htmx's request.htmx, typed."""
    return bool(getattr(request, "htmx", False))


def _municipality(request: AuthedRequest) -> Municipality:
    municipality = getattr(request.user, "municipality", None)
    if municipality is None:
        raise access.PermissionDenied("市町村に属するユーザーだけが行えます")
    return cast(Municipality, municipality)


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    surveys = list(
        selectors.survey_list_for_user(user=user)
    )  # refuses volunteers: no survey data at all
    form = SurveyCreateForm(
        request.POST or None,
        rulesets=services.ruleset_choices(municipality=getattr(user, "municipality", None)),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                survey = services.survey_create(
                    user=user,
                    municipality=_municipality(request),
                    name=form.cleaned_data["name"],
                    fiscal_year=form.cleaned_data["fiscal_year"],
                    instrument=form.cleaned_data["instrument"],
                    ruleset_name=form.cleaned_data["ruleset"],
                )
            except RuleSetError as exc:
                form.add_error("ruleset", str(exc))
            else:
                return redirect("surveys:import", survey_id=survey.pk)
    return render(
        request,
        "surveys/index.html",
        {
            "surveys": surveys,
            "form": form,
            "can_import": access.can(user, Cap.SURVEY_IMPORT),
            "can_screen": access.can(user, Cap.KCL_SCREEN),
            "can_visit": access.can(user, Cap.SURVEY_VISITS),
            "can_answers": access.can(user, Cap.SURVEY_ANSWERS),
            "can_results": access.can(user, Cap.SURVEY_RESULTS),
        },
    )


def _chart(table: selectors.ResultTable) -> dict[str, Any]:
    """Grouped bars (one trace per area) of each risk's rate; suppressed cells left out."""
    traces = []
    for group in table.groups:
        ys, errs_hi, errs_lo = [], [], []
        for risk, _label in table.risks:
            cell = table.cells.get((group, risk)) or {}
            rate = cell.get("rate")
            ys.append(None if rate is None else round(rate * 100, 1))
            errs_hi.append(None if rate is None else round((cell["ci_high"] - rate) * 100, 1))
            errs_lo.append(None if rate is None else round((rate - cell["ci_low"]) * 100, 1))
        if all(y is None for y in ys):
            continue  # a group suppressed everywhere has nothing to draw
        traces.append(
            {
                "type": "bar",
                "name": group,
                "x": [label for _, label in table.risks],
                "y": ys,
                "error_y": {
                    "type": "data",
                    "array": errs_hi,
                    "arrayminus": errs_lo,
                    "visible": True,
                },
            }
        )
    layout = {
        "barmode": "group",
        "height": 440,
        "yaxis": {"title": {"text": "該当率（%）"}, "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": 1.12, "x": 0},
        "margin": {"t": 40, "l": 60, "r": 10, "b": 90},
    }
    return {"data": traces, "layout": layout}


@login_required
@charts_csp  # Plotly: see settings.CHIIKI_CSP_CHARTS
def results(request: AuthedRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey_get_for_user(user=request.user, survey_id=survey_id)
    params = Params(request.GET)
    table = selectors.survey_results(
        user=request.user,
        survey=survey,
        by=params.choice("by", selectors.BY_CHOICES, default="life_area"),
        then=params.choice("then", selectors.BY_CHOICES),
    )
    rows = [
        (
            group,
            [table.cells.get((group, risk)) for risk, _ in table.risks],
            (table.cells.get((group, table.risks[0][0])) or {}) if table.risks else {},
        )
        for group in table.groups
    ]
    rates, total_rate = selectors.response_rates(user=request.user, survey=survey)
    context = {
        "survey": survey,
        "table": table,
        "rows": rows,
        "by": table.by,
        "then": table.then,
        "by_choices": selectors.BY_CHOICES,
        "total": [table.total.get(risk) for risk, _ in table.risks],
        "chart": _chart(table),
        "suppress": selectors.SUPPRESS,
        "rates": rates,
        "total_rate": total_rate,
        "can_import": access.can(request.user, Cap.SURVEY_IMPORT),
        "can_visit": access.can(request.user, Cap.SURVEY_VISITS),
        "can_answers": access.can(request.user, Cap.SURVEY_ANSWERS),
        "ruleset_choices": services.ruleset_choices(
            municipality=survey.municipality, instrument=survey.instrument
        )
        if access.can(request.user, Cap.SURVEY_IMPORT)
        else [],
    }
    template = "surveys/results.html#heat" if _htmx(request) else "surveys/results.html"
    return render(request, template, context)


@login_required
def export(request: AuthedRequest, survey_id: int, fmt: str) -> HttpResponse:
    """CSV (UTF-8 with BOM, for Excel) or XLSX of the suppressed results, formula-safe."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    survey = selectors.survey_get_for_user(user=request.user, survey_id=survey_id)
    params = Params(request.GET)
    table = selectors.survey_results(
        user=request.user,
        survey=survey,
        by=params.choice("by", selectors.BY_CHOICES, default="life_area"),
        then=params.choice("then", selectors.BY_CHOICES),
    )
    frame = selectors.export_frame(table)
    name = f"survey{survey.pk}_{'_'.join(table.dims)}"
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "結果"
        ws.append(frame.columns)
        for row in frame.iter_rows():
            ws.append([safe_cell(v) for v in row])
        buf = io.BytesIO()
        wb.save(buf)
        response = HttpResponse(
            buf.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    safe = frame.with_columns(
        [
            pl.col(c).map_elements(safe_cell, return_dtype=pl.String)
            for c, t in frame.schema.items()
            if t == pl.String
        ]
    )
    response = HttpResponse(
        ("\ufeff" + safe.write_csv()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_required
def import_answers(request: AuthedRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey_get_for_user(
        user=request.user, survey_id=survey_id, cap=Cap.SURVEY_IMPORT
    )
    saved = services.column_mapping_for(
        municipality=survey.municipality, instrument=survey.instrument
    )
    initial = {"mapping": "\n".join(f"{h}={t}" for h, t in saved.items())}
    form = ImportForm(request.POST or None, request.FILES or None, initial=initial)
    mailing_form = MailingForm(prefix="mailing")
    if request.method == "POST" and form.is_valid():
        job = import_job_create(
            user=request.user,
            kind=ImportKind.SURVEY_ANSWERS,
            municipality=survey.municipality,
            survey=survey,
            upload=form.cleaned_data["file"],
            params={"mapping": form.cleaned_data["mapping"], "channel": "web"},
        )
        return redirect("imports:job", job_id=job.pk)
    return render(
        request,
        "surveys/import.html",
        {
            "survey": survey,
            "form": form,
            "mailing_form": mailing_form,
            "saved": saved,
            "jobs": import_selectors.import_job_list_for_user(
                user=request.user, kind=ImportKind.SURVEY_ANSWERS, survey_id=survey.pk
            ),
        },
    )


@login_required
@require_POST
def import_mailing(request: AuthedRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey_get_for_user(
        user=request.user, survey_id=survey_id, cap=Cap.SURVEY_IMPORT
    )
    form = MailingForm(request.POST, request.FILES, prefix="mailing")
    if form.is_valid():
        job = import_job_create(
            user=request.user,
            kind=ImportKind.SURVEY_MAILING,
            municipality=survey.municipality,
            survey=survey,
            upload=form.cleaned_data["file"],
        )
        return redirect("imports:job", job_id=job.pk)
    messages.error(request, "発送名簿のファイルを選んでください")
    return redirect("surveys:import", survey_id=survey.pk)


@login_required
def nonrespondents(request: AuthedRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey_get_for_user(
        user=request.user, survey_id=survey_id, cap=Cap.SURVEY_VISITS
    )
    params = Params(request.GET)
    district_id = params.id("district")
    page = selectors.nonrespondent_page(
        user=request.user, survey=survey, district_id=district_id, page=params.page()
    )
    summary = selectors.nonrespondent_summary(user=request.user, survey=survey)
    rates, total_rate = selectors.response_rates(user=request.user, survey=survey)
    return render(
        request,
        "surveys/nonrespondents.html",
        {
            "survey": survey,
            "page": page,
            "entries": page.object_list,
            "count": page.paginator.count,
            "summary": summary,
            "district_id": district_id,
            "districts": district_list_for_user(user=request.user, cap=Cap.SURVEY_VISITS),
            "query_string": f"district={district_id}" if district_id else "",
            "visit_form": VisitForm(),
            "rates": rates,
            "total_rate": total_rate,
            "suppress": selectors.SUPPRESS,
            "outcomes": Outcome.choices,
        },
    )


@login_required
def visit_list_pdf(request: AuthedRequest, survey_id: int) -> HttpResponse:
    """The printable visit list, in address order, for the user's districts."""
    survey = selectors.survey_get_for_user(
        user=request.user, survey_id=survey_id, cap=Cap.SURVEY_VISITS
    )
    listed = selectors.visit_list_rows(
        user=request.user, survey=survey, district_id=Params(request.GET).id("district")
    )
    pdf = render_pdf(
        "surveys/visit_list_pdf.html",
        {
            "survey": survey,
            "entries": listed,
            "today": selectors.today(),
            "user": request.user,
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="visits_{survey.pk}.pdf"'
    return response


@login_required
@require_POST
def visit_record(request: AuthedRequest, survey_id: int, entry_id: int) -> HttpResponse:
    survey = selectors.survey_get_for_user(
        user=request.user, survey_id=survey_id, cap=Cap.SURVEY_VISITS
    )
    entry = selectors.mailing_entry_for_visit(user=request.user, survey=survey, entry_id=entry_id)
    form = VisitForm(request.POST)
    if form.is_valid():
        services.visit_record(user=request.user, entry=entry, **form.cleaned_data)
        entry.refresh_from_db()
    context = {"e": entry, "survey": survey, "visit_form": form, "outcomes": Outcome.choices}
    if _htmx(request):
        return render(request, "surveys/nonrespondents.html#entry", context)
    return redirect("surveys:nonrespondents", survey_id=survey.pk)


@login_required
def followup(request: AuthedRequest) -> HttpResponse:
    """High-risk people in no service, by district, paged (50 a page): each page read is one
    audit event with the people it showed."""
    params = Params(request.GET)
    survey_id, district_id = params.id("survey"), params.id("district")
    survey = (
        selectors.survey_get_for_user(user=request.user, survey_id=survey_id)
        if survey_id is not None
        else selectors.latest_survey(user=request.user)
    )
    page, items = selectors.followup_page(
        user=request.user, survey=survey, district_id=district_id, page=params.page()
    )
    query = {k: v for k, v in (("survey", survey_id), ("district", district_id)) if v}
    return render(
        request,
        "surveys/followup.html",
        {
            "page": page,
            "items": items,
            "survey": survey,
            "count": page.paginator.count,
            "district_id": district_id,
            "districts": district_list_for_user(user=request.user, cap=Cap.SURVEY_FOLLOWUP),
            "surveys": selectors.survey_list_for_user(user=request.user).filter(instrument="needs"),
            "query_string": "&".join(f"{k}={v}" for k, v in query.items()),
        },
    )


@login_required
def kcl_search(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, Cap.KCL_SCREEN, "基本チェックリストを記録する権限がありません")
    query = Params(request.GET).text("q")
    people = people_selectors.person_pick_list(user=request.user, query=query, cap=Cap.KCL_SCREEN)
    return render(request, "surveys/kcl_search.html", {"people": people, "query": query})


def _kcl_result(form: KclForm) -> dict[str, Any] | None:
    if not form.is_valid():
        return None
    result = services.kcl_evaluate(
        answers_by_item=form.answers(),
        height_cm=form.cleaned_data.get("height_cm"),
        weight_kg=form.cleaned_data.get("weight_kg"),
    )
    flagged = [c for c in ("c1", "c2", "c3", "c4", "c5", "c6", "c7") if result[c] == 1]
    result["criteria"] = [
        (c, services.rules.builtin_ruleset("kcl_mhlw").determination(c).label, result[c])
        for c in ("c1", "c2", "c3", "c4", "c5", "c6", "c7")
    ]
    result["answered"] = sum(1 for v in form.answers().values() if v is not None)
    return result | {"flagged": flagged}


@login_required
def kcl_counter(request: AuthedRequest, person_id: int) -> HttpResponse:
    """The checklist at the counter: the result updates as the nurse answers (HTMX)."""
    if _htmx(request):
        # A live preview while the nurse answers: scoped like the full page, whose opening
        # was audited already, without one audit event per click.
        person = people_selectors.person_in_scope(
            user=request.user, person_id=person_id, cap=Cap.KCL_SCREEN
        )
    else:
        person = people_selectors.person_get_for_user(
            user=request.user, person_id=person_id, cap=Cap.KCL_SCREEN
        )
    form = KclForm(request.POST or None)
    result = _kcl_result(form) if request.method == "POST" else None
    if request.method == "POST" and request.POST.get("save") and result is not None:
        services.screening_create(
            user=request.user,
            person=person,
            answers_by_item=form.answers(),
            height_cm=form.cleaned_data.get("height_cm"),
            weight_kg=form.cleaned_data.get("weight_kg"),
            screened_on=form.cleaned_data["screened_on"],
        )
        messages.success(
            request,
            f"{person.name} さんの基本チェックリストを保存しました（{form.cleaned_data['screened_on']}）",
        )
        return redirect("surveys:kcl_counter", person_id=person.pk)
    suggestions = (
        suggest.with_directory(
            suggest.suggestions(result["flagged"]), person.municipality_id, person.district_id
        )
        if result
        else []
    )
    context = {
        "person": person,
        "form": form,
        "result": result,
        "suggestions": suggestions,
        "first_items": form.item_fields()[:11],
        "rest_items": form.item_fields()[11:],
        "history": selectors.screening_list_for_person(user=request.user, person=person),
        "items": KCL_ITEMS,
    }
    if _htmx(request):
        return render(request, "surveys/kcl_counter.html#result", context)
    return render(request, "surveys/kcl_counter.html", context)


@login_required
def screening_detail(request: AuthedRequest, screening_id: int) -> HttpResponse:
    screening = selectors.screening_get_for_user(user=request.user, screening_id=screening_id)
    answers = [(item, screening.answers.get(item.id)) for item in KCL_ITEMS]
    return render(
        request,
        "surveys/screening_detail.html",
        {
            "s": screening,
            "answers": answers,
            "results_json": json.dumps(screening.results, ensure_ascii=False),
        },
    )


@login_required
def rulesets(request: AuthedRequest) -> HttpResponse:
    """Choose or edit the municipality's rule sets (YAML, checked before it is kept)."""
    access.require(request.user, Cap.SURVEY_IMPORT, "判定ルールを編集する権限がありません")
    municipality = _municipality(request)
    choices = services.ruleset_choices(municipality=municipality)
    source = Params(request.GET).choice("from", [rs.name for rs in choices])
    text = request.POST.get("yaml", "")
    error = ""
    if request.method == "POST":
        try:
            saved = services.municipal_ruleset_save(
                user=request.user, municipality=municipality, yaml_text=text
            )
        except RuleSetError as exc:
            error = str(exc)
        else:
            messages.success(request, f"判定ルール {saved.name} を保存しました")
            return redirect("surveys:rulesets")
    elif source:
        try:
            text = services.ruleset_yaml(municipality=municipality, name=source)
        except RuleSetError as exc:
            error = str(exc)
    return render(
        request, "surveys/rulesets.html", {"choices": choices, "yaml": text, "error": error}
    )


@login_required
@require_POST
def rescore(request: AuthedRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey_get_for_user(user=request.user, survey_id=survey_id)
    try:
        names = [
            rs.name
            for rs in services.ruleset_choices(
                municipality=survey.municipality, instrument=survey.instrument
            )
        ]
        n = services.survey_rescore(
            user=request.user,
            survey=survey,
            ruleset_name=Params(request.POST).choice("ruleset", names),
        )
    except RuleSetError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"{n} 人の回答を判定ルール {survey.ruleset_ref} で判定し直しました"
        )
    return redirect("surveys:results", survey_id=survey.pk)


@login_required
def owners(request: AuthedRequest) -> HttpResponse:
    """Who owns each district's follow-up (佐々町's 地区担当制): one staff member per district."""
    staff, districts = selectors.district_owner_choices(user=request.user)
    if request.method == "POST":
        by_id = {u.pk: u for u in staff}
        form = Params(request.POST)
        for d in districts:
            chosen = by_id.get(form.id(f"district-{d.pk}") or 0)
            services.district_owner_set(district=d, staff=chosen, user=request.user)
        messages.success(request, "地区担当を保存しました")
        return redirect("surveys:owners")
    rows = [(d, getattr(getattr(d, "survey_owner", None), "staff_id", None)) for d in districts]
    return render(request, "surveys/owners.html", {"rows": rows, "staff": staff})


@login_required
@require_POST
def kcl_register(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = people_selectors.person_in_scope(
        user=request.user, person_id=person_id, cap=Cap.KCL_SCREEN
    )
    try:
        services.program_eligible_register(user=request.user, person=person)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{person.name} さんを事業対象者として登録しました")
    return redirect("surveys:kcl_counter", person_id=person.pk)


@login_required
def respondents(request: AuthedRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey_get_for_user(
        user=request.user, survey_id=survey_id, cap=Cap.SURVEY_ANSWERS
    )
    ruleset = services.survey_ruleset(survey)
    params = Params(request.GET)
    district_id = params.id("district")
    risk = params.choice("risk", ruleset.determination_ids)
    page = selectors.respondent_page(
        user=request.user, survey=survey, district_id=district_id, risk=risk, page=params.page()
    )
    labels = [(d.id, d.label) for d in ruleset.determinations]
    query = {k: v for k, v in (("district", district_id), ("risk", risk)) if v}
    return render(
        request,
        "surveys/respondents.html",
        {
            "survey": survey,
            "page": page,
            "labels": labels,
            "risk": risk,
            "district": str(district_id or ""),
            "districts": district_list_for_user(user=request.user, cap=Cap.SURVEY_ANSWERS),
            "query_string": "&".join(f"{k}={v}" for k, v in query.items()),
        },
    )


@login_required
def respondent_detail(request: AuthedRequest, survey_id: int, respondent_id: int) -> HttpResponse:
    survey = selectors.survey_get_for_user(
        user=request.user, survey_id=survey_id, cap=Cap.SURVEY_ANSWERS
    )
    r = selectors.respondent_get_for_user(
        user=request.user, survey=survey, respondent_id=respondent_id
    )
    inst = services.rules.instrument(survey.instrument)
    answers = [(item, r.answers.get(item.id)) for item in inst.items if item.id in r.answers]
    labels = [
        (d.id, d.label, r.results.get(d.id))
        for d in services.survey_ruleset(survey).determinations
        if d.id in r.results
    ]
    return render(
        request,
        "surveys/respondent_detail.html",
        {"survey": survey, "r": r, "answers": answers, "labels": labels},
    )
