"""Pages of councils: district questionnaires (地区アンケート) — define, collect on paper or
on a tablet, see the results by district, and make a result evidence for a regional issue."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.core import bounds, wareki
from chiiki.core.csp import charts_csp
from chiiki.core.params import ParamError, Params
from chiiki.core.tabular import safe_cell
from chiiki.councils import instrument, tally
from chiiki.councils.selectors import bodies as body_selectors
from chiiki.councils.selectors import issues as issue_selectors
from chiiki.councils.selectors import questionnaires as selectors
from chiiki.councils.services import questionnaires as services
from chiiki.councils.views.bodies import form_errors
from chiiki.imports import selectors as import_selectors
from chiiki.imports.models import ImportKind
from chiiki.imports.services import import_job_create
from chiiki.surveys.rules import Instrument

# --- define ----------------------------------------------------------------------------------


class QuestionnaireForm(forms.Form):
    name = forms.CharField(label="名称", max_length=120)
    fiscal_year = forms.IntegerField(
        label="年度", min_value=bounds.FISCAL_YEAR.low, max_value=bounds.FISCAL_YEAR.high
    )
    instrument_yaml = forms.CharField(
        label="調査票（YAML）",
        max_length=40000,
        widget=forms.Textarea(attrs={"rows": 30, "cols": 110, "spellcheck": "false"}),
    )


@login_required
def questionnaire_list(request: AuthedRequest, body_id: int) -> HttpResponse:
    body = body_selectors.body_get_for_user(user=request.user, body_id=body_id)
    return render(
        request,
        "councils/questionnaires/list.html",
        {
            "body": body,
            "questionnaires": selectors.questionnaire_list_for_body(user=request.user, body=body),
            "can_manage": selectors.can_manage(user=request.user, body=body),
        },
    )


@login_required
def questionnaire_new(request: AuthedRequest, body_id: int) -> HttpResponse:
    body = body_selectors.body_get_for_user(
        user=request.user, body_id=body_id, cap=Cap.COUNCILS_MANAGE
    )
    form = QuestionnaireForm(
        request.POST or None,
        initial={
            "name": f"{body.name} 地区アンケート",
            "fiscal_year": wareki.fiscal_year(timezone.localdate()),
            "instrument_yaml": instrument.example_yaml(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            q = services.questionnaire_create(user=request.user, body=body, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"地区アンケート「{q.name}」を作成しました")
            return redirect("councils:questionnaire_detail", questionnaire_id=q.pk)
    return render(
        request,
        "councils/questionnaires/new.html",
        {"body": body, "form": form},
        status=400 if form.errors else 200,
    )


# --- results ---------------------------------------------------------------------------------


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _table(results: selectors.Results) -> list[dict[str, Any]]:
    """Each question's rows as the template shows them."""
    out = []
    for res in results.tally.results:
        rows = []
        for row in res.rows:
            cells = [
                {"key": key, "f": figure}
                for (key, _label), figure in zip(res.question.options, row.figures, strict=True)
            ]
            rows.append(
                {
                    "group": "" if row.group is tally.TOTAL else row.group,
                    "label": results.label(row.group),
                    "total": row.group is tally.TOTAL,
                    "n": row.n,
                    "cells": cells,
                }
            )
        out.append({"q": res.question, "rows": rows})
    return out


def _chart(results: selectors.Results, res: tally.QuestionResult) -> dict[str, Any]:
    """Grouped bars of each option's rate (%) with its interval; one trace per district and
    全体; hidden figures are gaps."""
    labels = [label for _, label in res.question.options]
    traces = []
    for row in res.rows:
        ys = [_pct(f.rate) for f in row.figures]
        if all(y is None for y in ys):
            continue
        traces.append(
            {
                "type": "bar",
                "name": results.label(row.group),
                "x": labels,
                "y": ys,
                "error_y": {
                    "type": "data",
                    "array": [
                        None if f.rate is None or f.ci_high is None else _pct(f.ci_high - f.rate)
                        for f in row.figures
                    ],
                    "arrayminus": [
                        None if f.rate is None or f.ci_low is None else _pct(f.rate - f.ci_low)
                        for f in row.figures
                    ],
                    "visible": True,
                },
            }
        )
    return {
        "data": traces,
        "layout": {
            "barmode": "group",
            "height": 360,
            "yaxis": {"title": {"text": "割合（%）"}, "rangemode": "tozero"},
            "legend": {"orientation": "h", "y": 1.15, "x": 0},
            "margin": {"t": 40, "l": 60, "r": 10, "b": 90},
            "font": {"family": "Noto Sans CJK JP, sans-serif"},
        },
    }


@login_required
@charts_csp  # Plotly: see settings.CHIIKI_CSP_CHARTS
def questionnaire_detail(request: AuthedRequest, questionnaire_id: int) -> HttpResponse:
    q = selectors.questionnaire_get_for_user(user=request.user, questionnaire_id=questionnaire_id)
    results = selectors.questionnaire_results(user=request.user, questionnaire=q)
    tables = _table(results)
    for t, res in zip(tables, results.tally.results, strict=True):
        t["chart"] = _chart(results, res)
        t["chart_id"] = f"chart-{res.question.id}"
        t["data_id"] = f"chart-data-{res.question.id}"
    sheets = [
        (results.label(g), results.tally.sheets.get(g))
        for g in [*results.tally.groups, tally.TOTAL]
    ]
    return render(
        request,
        "councils/questionnaires/detail.html",
        {
            "q": q,
            "body": q.body,
            "tables": tables,
            "sheets": sheets,
            "threshold": results.tally.threshold,
            "can_manage": selectors.can_manage(user=request.user, body=q.body),
            "can_evidence": access.can(request.user, Cap.ISSUES_EDIT),
        },
    )


@login_required
def questionnaire_export(request: AuthedRequest, questionnaire_id: int) -> HttpResponse:
    """The results as CSV (UTF-8 with BOM, for Excel): hidden figures blank and marked, every
    cell guarded against formula injection (the labels are the body's own YAML)."""
    q = selectors.questionnaire_get_for_user(user=request.user, questionnaire_id=questionnaire_id)
    results = selectors.questionnaire_results(user=request.user, questionnaire=q)
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow(
        [
            "地区アンケート",
            "年度",
            "設問ID",
            "設問",
            "回答の形式",
            "選択肢",
            "地区",
            "回答者数",
            "件数",
            "割合（%）",
            "95%信頼区間 下限（%）",
            "95%信頼区間 上限（%）",
            "備考",
        ]
    )
    hidden = f"{results.tally.threshold}人未満、または差し引きで分からないよう伏せた数値"
    for res in results.tally.results:
        question = res.question
        for row in res.rows:
            for (_key, label), f in zip(question.options, row.figures, strict=True):
                values: list[object] = [
                    q.name,
                    q.fiscal_year,
                    question.id,
                    question.text,
                    "複数回答" if question.multiple else "単一回答",
                    label,
                    results.label(row.group),
                    "" if row.n is None else row.n,
                    "" if f.count is None else f.count,
                    "" if f.rate is None else f"{f.rate * 100:.1f}",
                    "" if f.ci_low is None else f"{f.ci_low * 100:.1f}",
                    "" if f.ci_high is None else f"{f.ci_high * 100:.1f}",
                    hidden if f.suppressed else "",
                ]
                out.writerow([safe_cell(v) for v in values])
    response = HttpResponse(
        ("\ufeff" + buf.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="questionnaire{q.pk}.csv"'
    return response


# --- paper: the import -----------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(label="回答ファイル（CSV: UTF-8 / Shift_JIS、または XLSX）")


def _columns(inst: Instrument) -> list[tuple[str, str, str]]:
    """The columns a file may have: (header, other spellings, what goes in it)."""
    cols = [
        ("回答者ID", "調査票番号・整理番号・No", "1枚ごとに異なる番号（必須）"),
        ("地区", "地区コード・小学校区", "地区コードか地区名（必須）"),
    ]
    for item in inst.items:
        others = [*item.aliases, *([f"問{item.number}", item.number] if item.number else [])]
        if len(item.options) == 1:
            code, label = next(iter(item.options.items()))
            what = f"{item.text}: ○なら {code}（または「{label}」）、○がなければ空欄"
        else:
            what = f"{item.text}: " + "、".join(f"{c}.{t}" for c, t in item.options.items())
        cols.append((item.id, "・".join(others), what))
    return cols


@login_required
def questionnaire_import(request: AuthedRequest, questionnaire_id: int) -> HttpResponse:
    q = selectors.questionnaire_get_for_user(
        user=request.user, questionnaire_id=questionnaire_id, cap=Cap.COUNCILS_MANAGE
    )
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(
            user=request.user,
            kind=ImportKind.QUESTIONNAIRE,
            municipality=q.body.municipality,
            upload=form.cleaned_data["file"],
            params={"questionnaire_id": q.pk, "channel": "web"},
        )
        return redirect("imports:job", job_id=job.pk)
    return render(
        request,
        "councils/questionnaires/import.html",
        {
            "q": q,
            "body": q.body,
            "form": form,
            "columns": _columns(services.questionnaire_instrument(q)),
            "districts": selectors.district_choices(questionnaire=q),
            "jobs": import_selectors.import_job_list_for_user(
                user=request.user,
                kind=ImportKind.QUESTIONNAIRE,
                params={"questionnaire_id": q.pk},
            ),
        },
    )


# --- tablet: one respondent at a time ------------------------------------------------------


class TabletForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(
        self,
        *args: Any,
        inst: Instrument,
        questions: tuple[instrument.Question, ...],
        districts: list[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.inst, self.questions = inst, questions
        self.fields["district"] = forms.TypedChoiceField(
            label="お住まいの地区",
            choices=[(d.pk, d.name) for d in districts],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": "お住まいの地区を選んでください"},
        )
        for question in questions:
            name = f"q_{question.id}"
            if question.multiple:
                self.fields[name] = forms.MultipleChoiceField(
                    label=question.text,
                    choices=list(question.options),
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    choices=list(question.options),
                    required=False,
                    widget=forms.RadioSelect,
                )

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"q_{question.id}"] for question in self.questions]

    def sheet(self) -> dict[str, int | None]:
        """item → code, as the import stores it (a mark's own code when marked)."""
        out: dict[str, int | None] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q_{question.id}")
            if question.multiple:
                for item_id in question.items:
                    code = next(iter(self.inst.item(item_id).options))
                    out[item_id] = code if item_id in (value or []) else None
            else:
                out[question.items[0]] = int(value) if value else None
        return out


@login_required
def questionnaire_tablet(request: AuthedRequest, questionnaire_id: int) -> HttpResponse:
    """A large-type form for one respondent at a time (a salon, a visit), for a tablet or a
    phone; each saved sheet gives a fresh form for the next person."""
    q = selectors.questionnaire_get_for_user(
        user=request.user, questionnaire_id=questionnaire_id, cap=Cap.COUNCILS_MANAGE
    )
    inst = services.questionnaire_instrument(q)
    districts = selectors.district_choices(questionnaire=q)
    # The district of the sheet before (a salon's respondents mostly live in one district).
    last = Params(request.GET).id("district")
    form = TabletForm(
        request.POST or None,
        inst=inst,
        questions=instrument.questions(inst),
        districts=districts,
        initial={
            "token": uuid.uuid4().hex,
            "district": last if last in {d.pk for d in districts} else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.questionnaire_answer_record(
                user=request.user,
                questionnaire=q,
                district=next(d for d in districts if d.pk == form.cleaned_data["district"]),
                sheet=form.sheet(),
                token=form.cleaned_data["token"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                "回答を保存しました。ありがとうございました。次の方の入力ができます"
                if saved.created
                else "この回答はすでに保存されています（二重には保存していません）",
            )
            url = reverse("councils:questionnaire_tablet", kwargs={"questionnaire_id": q.pk})
            return redirect(f"{url}?district={saved.answer.district_id}")
    return render(
        request,
        "councils/questionnaires/tablet.html",
        {"q": q, "form": form},
        status=400 if form.errors else 200,
    )


# --- a result as evidence ------------------------------------------------------------------


class EvidenceForm(forms.Form):
    issue = forms.TypedChoiceField(
        label="根拠を加える地域課題",
        coerce=int,
        error_messages={"required": "地域課題を選んでください"},
    )
    title = forms.CharField(
        label="見出し（空欄なら数値から作ります）", max_length=200, required=False
    )
    note = forms.CharField(
        label="メモ", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, issues: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["issue"]).choices = [
            ("", "選んでください"),
            *[(i.pk, f"{i.title}（{i.get_status_display()}）") for i in issues],
        ]


def _cell(params: Params, results: selectors.Results) -> tuple[str, str, int | None]:
    """The result cell named by the query or form: question, option and district (none: 全体)."""
    question = params.choice("question", [x.id for x in results.questions])
    if not question:
        raise ParamError("question", "", "設問を指定してください")
    chosen = next(x for x in results.questions if x.id == question)
    option = params.choice("option", [k for k, _ in chosen.options])
    if not option:
        raise ParamError("option", "", "選択肢を指定してください")
    groups = [str(g) for g in results.tally.groups]
    district = params.choice("district", groups)
    return question, option, int(district) if district else None


@login_required
def questionnaire_evidence(request: AuthedRequest, questionnaire_id: int) -> HttpResponse:
    """「この結果を地域課題の根拠にする」: the cell's figures as shown today, added to an issue."""
    q = selectors.questionnaire_get_for_user(user=request.user, questionnaire_id=questionnaire_id)
    results = selectors.questionnaire_results(user=request.user, questionnaire=q)
    params = Params(request.POST if request.method == "POST" else request.GET)
    question_id, option, district_id = _cell(params, results)
    figure = results.tally.figure(question_id, option, district_id)
    res = results.tally.result(question_id)
    assert figure is not None and res is not None  # the choices above come from the results
    issues = selectors.evidence_issue_choices(user=request.user, body=q.body)
    form = EvidenceForm(request.POST or None, issues=issues)
    refused = ""
    if figure.suppressed:
        refused = services.SUPPRESSED.format(threshold=results.tally.threshold)
    elif not figure.quotable:
        refused = "回答がないため割合がありません。根拠にできません"
    if request.method == "POST" and not refused and form.is_valid():
        issue = issue_selectors.issue_get_for_user(
            user=request.user, issue_id=form.cleaned_data["issue"], cap=Cap.ISSUES_EDIT
        )
        try:
            evidence = services.questionnaire_evidence_add(
                user=request.user,
                questionnaire=q,
                issue=issue,
                question_id=question_id,
                option=option,
                district_id=district_id,
                on=timezone.localdate(),
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, f"地域課題「{issue.title}」の根拠に加えました: {evidence.title}"
            )
            return redirect("councils:questionnaire_detail", questionnaire_id=q.pk)
    return render(
        request,
        "councils/questionnaires/evidence.html",
        {
            "q": q,
            "body": q.body,
            "question": res.question,
            "option": option,
            "option_label": res.question.option_label(option),
            "place": results.label(district_id),
            "district_id": "" if district_id is None else district_id,
            "figure": figure,
            "form": form,
            "issues": issues,
            "refused": refused,
            "threshold": results.tally.threshold,
        },
        status=400 if refused or form.errors else 200,
    )


urlpatterns = [
    path("bodies/<id:body_id>/questionnaires/", questionnaire_list, name="questionnaire_list"),
    path("bodies/<id:body_id>/questionnaires/new/", questionnaire_new, name="questionnaire_new"),
    path(
        "questionnaires/<id:questionnaire_id>/",
        questionnaire_detail,
        name="questionnaire_detail",
    ),
    path(
        "questionnaires/<id:questionnaire_id>/import/",
        questionnaire_import,
        name="questionnaire_import",
    ),
    path(
        "questionnaires/<id:questionnaire_id>/tablet/",
        questionnaire_tablet,
        name="questionnaire_tablet",
    ),
    path(
        "questionnaires/<id:questionnaire_id>/export.csv",
        questionnaire_export,
        name="questionnaire_export",
    ),
    path(
        "questionnaires/<id:questionnaire_id>/evidence/",
        questionnaire_evidence,
        name="questionnaire_evidence",
    ),
]
