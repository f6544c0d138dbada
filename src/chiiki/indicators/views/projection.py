"""The projection to 2040: the municipality's latest population table aged forward, certified
people and care costs, and a prevention scenario's effect on the 第1号保険料."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.areas.selectors import municipality_get_for_user
from chiiki.core.csp import charts_csp
from chiiki.core.params import ParamError, Params
from chiiki.core.tabular import safe_cell
from chiiki.indicators import projection as engine
from chiiki.indicators.selectors import projection as selectors

# The page refuses reductions above this: halving the certification rates by prevention is
# beyond anything reported, and a typo (50 for 5) should not pass as a scenario.
MAX_REDUCTION_PERCENT = 50
GROUPS = engine.GROUPS


@dataclass(frozen=True)
class Inputs:
    reduction: int  # percent
    from_age: int
    births: str
    rates: str  # "approx" | "register"
    cost: int
    premium: int


def read_inputs(params: Params, defaults: engine.Defaults) -> Inputs:
    """The scenario's inputs through the parameter door; a bad value is a 400 page."""
    return Inputs(
        reduction=params.number("reduction", minimum=0, maximum=MAX_REDUCTION_PERCENT, default=5)
        or 0,
        from_age=int(params.choice("from_age", [str(b) for b in engine.CERT_BANDS], default="75")),
        births=params.choice("births", ["cwr", "flat"], default="cwr"),
        rates=params.choice("rates", ["approx", "register"], default="approx"),
        cost=params.number(
            "cost", minimum=10_000, maximum=20_000_000, default=round(defaults.cost_per_certified)
        )
        or 0,
        premium=params.number(
            "premium", minimum=500, maximum=30_000, default=round(defaults.premium_today)
        )
        or 0,
    )


def _charts(result: engine.Projection) -> dict[str, Any]:
    years = [str(r.year) for r in result.rows]
    population = {
        "data": [
            {
                "type": "bar",
                "name": label,
                "x": years,
                "y": [round(r.population.aged(lo, hi)) for r in result.rows],
            }
            for lo, hi, label in GROUPS
        ],
        "layout": {
            "barmode": "stack",
            "height": 380,
            "yaxis": {"title": {"text": "人"}, "rangemode": "tozero"},
            "legend": {"orientation": "h", "y": 1.15, "x": 0},
            "margin": {"t": 40, "l": 70, "r": 10, "b": 40},
        },
    }
    certified = {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "現状の認定率のまま",
                "x": years,
                "y": [round(r.certified_total) for r in result.rows],
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": result.scenario.label(),
                "x": years,
                "y": [round(r.certified_scenario_total) for r in result.rows],
            },
        ],
        "layout": {
            "height": 380,
            "yaxis": {"title": {"text": "認定者（人）"}, "rangemode": "tozero"},
            "legend": {"orientation": "h", "y": 1.15, "x": 0},
            "margin": {"t": 40, "l": 70, "r": 10, "b": 40},
        },
    }
    return {"population": population, "certified": certified}


def _csv(rows: list[list[Any]], name: str) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    response = HttpResponse(
        out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _own_money(municipality: Any, defaults: engine.Defaults) -> engine.Defaults:
    """The municipality's own cost per certified person and premium, from its latest year of
    the insurer's report, in place of the national approximations when it has one."""
    from dataclasses import replace

    from chiiki.indicators.models import InsuranceYear

    year = (
        InsuranceYear.objects.filter(municipality=municipality)
        .exclude(premium_monthly=None)
        .order_by("-fiscal_year")
        .first()
    )
    if year is None or not year.certified_total:
        return defaults
    label = f"{municipality}の介護保険事業状況報告（{year.fiscal_year}年度）"
    return replace(
        defaults,
        cost_per_certified=year.benefit_cost / year.certified_total,
        premium_today=float(year.premium_monthly or defaults.premium_today),
        sources={
            **defaults.sources,
            "cost": f"{label}の給付費 ÷ 認定者数",
            "premium": f"{label}の第1号保険料（月額基準額）",
        },
    )


@login_required
@charts_csp  # Plotly: see settings.CHIIKI_CSP_CHARTS
def projection(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, Cap.INDICATORS_VIEW, "指標を見る権限がありません")
    municipality = municipality_get_for_user(user=request.user, cap=Cap.INDICATORS_VIEW)
    params = Params(request.GET)
    defaults = _own_money(municipality, engine.read_defaults())
    inputs = read_inputs(params, defaults)
    download = params.choice("download", ["summary", "bands"])
    base = selectors.latest_population(municipality=municipality)
    context: dict[str, Any] = {
        "municipality": municipality,
        "inputs": inputs,
        "defaults": defaults,
        "cert_bands": [(b, engine.cert_band_label(b)) for b in engine.CERT_BANDS],
        "max_reduction": MAX_REDUCTION_PERCENT,
        "base": base,
    }
    if base is None:
        return render(request, "indicators/projection.html", context)
    own = selectors.register_rates(user=request.user, municipality=municipality, base=base)
    rates = defaults.rates
    rates_note = ""
    if inputs.rates == "register":
        if own.rates is None:
            rates_note = (
                "人の記録から認定率を出せない年齢階級があるため、おおよその全国値を使いました"
            )
        else:
            rates = own.rates
    assumptions = engine.Assumptions(
        survival=defaults.assumptions.survival,
        births=inputs.births,
        sex_ratio=defaults.assumptions.sex_ratio,
        source=defaults.assumptions.source,
    )
    try:
        result = engine.project(
            base.pyramid,
            base.date.year,
            assumptions=assumptions,
            rates=rates,
            money=engine.Money(inputs.cost, inputs.premium, defaults.first_insured_share),
            scenario=engine.Scenario(inputs.reduction / 100, inputs.from_age),
            until=max(engine.DEFAULT_UNTIL, base.date.year + engine.BAND),
        )
    except engine.ProjectionError as exc:
        raise ParamError("シナリオ", inputs.reduction, str(exc)) from exc
    if download == "summary":
        return _csv(engine.summary_rows(result), f"projection-{municipality.code}.csv")
    if download == "bands":
        return _csv(engine.band_rows(result), f"projection-bands-{municipality.code}.csv")
    table = engine.summary_rows(result)
    context |= {
        "result": result,
        "summary": engine.summary_lines(result),
        "charts": _charts(result),
        "head": table[0],
        "rows": table[1:],
        # 給付費 in 万円 for the page (the CSV keeps whole yen).
        "rows_costs": [
            (row, (round(r.cost / 10_000), round(r.cost_scenario / 10_000)))
            for row, r in zip(table[1:], result.rows, strict=True)
        ],
        "rate_rows": [
            (
                engine.cert_band_label(b),
                f"{result.rates[b] * 100:.1f}%",
                f"{result.scenario_rates[b] * 100:.1f}%",
                own.certified[b],
                round(own.population[b]),
            )
            for b in engine.CERT_BANDS
        ],
        "own_total": own.total,
        "rates_note": rates_note,
        "missing": [engine.band_label(b) for b in base.missing],
        "query": params_query(inputs),
    }
    return render(request, "indicators/projection.html", context)


def params_query(inputs: Inputs) -> str:
    return urlencode(
        {
            "reduction": inputs.reduction,
            "from_age": inputs.from_age,
            "births": inputs.births,
            "rates": inputs.rates,
            "cost": inputs.cost,
            "premium": inputs.premium,
        }
    )


urlpatterns = [
    path("projection/", projection, name="projection"),
]
