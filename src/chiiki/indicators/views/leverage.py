"""The funding-leverage calculator: a plan period's cost shares, the multiplier, and who
pays what for a budget, in words a council member understands; the table as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.core.params import Params
from chiiki.core.tabular import safe_cell
from chiiki.indicators import leverage as engine

REFUSED = "指標を見る権限がありません"
BAR_PX = 240  # a bar of 100%


@dataclass(frozen=True)
class Payer:
    key: str
    label: str
    words: str
    share: Decimal
    amount: int | None
    own: bool

    @property
    def px(self) -> int:
        return round(self.share * BAR_PX / 100)


@dataclass(frozen=True)
class Card:
    programme: engine.Programme
    uses: str
    payers: list[Payer]
    multiplier: Decimal
    multiplier_1: Decimal
    sentence: str
    own_sentence: str
    budget_sentence: str
    own_amount: int | None


def cards(table: engine.ShareTable, budget: int | None) -> list[Card]:
    found = []
    for p in table.programmes:
        parts = p.split(budget) if budget is not None else {}
        payers = [
            Payer(
                key=k,
                label=engine.PAYERS[k],
                words=engine.PAYER_WORDS[k],
                share=v.normalize(),
                amount=parts.get(k),
                own=k in engine.OWN,
            )
            for k, v in p.shares.items()
        ]
        found.append(
            Card(
                programme=p,
                uses=engine.USES[p.key],
                payers=payers,
                multiplier=p.multiplier(),
                multiplier_1=p.multiplier(1),
                sentence=engine.multiplier_sentence(p),
                own_sentence=engine.own_sentence(p),
                budget_sentence=engine.budget_sentence(p, budget) if budget is not None else "",
                own_amount=sum(parts[k] for k in engine.OWN) if budget is not None else None,
            )
        )
    return found


@login_required
def calculator(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, Cap.INDICATORS_VIEW, REFUSED)
    params = Params(request.GET)
    periods = engine.periods()
    period = int(params.choice("period", [str(p) for p in periods], default=str(periods[-1])))
    budget = params.number("budget", minimum=1, maximum=engine.MAX_BUDGET)
    table = engine.load_period(period)
    if params.choice("format", ["csv"]) == "csv":
        return _csv(table, budget)
    return render(
        request,
        "indicators/leverage.html",
        {
            "table": table,
            "periods": periods,
            "period": period,
            "budget": budget,
            "max_budget": engine.MAX_BUDGET,
            "cards": cards(table, budget),
        },
    )


def _csv(table: engine.ShareTable, budget: int | None) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    head = ["計画期", "事業", "負担者", "負担割合（%）", "市町村の持ち分"]
    writer.writerow(head + (["金額（円）"] if budget is not None else []))
    for p in table.programmes:
        parts = p.split(budget) if budget is not None else {}
        for k, v in p.shares.items():
            row: list[Any] = [
                f"第{table.period}期",
                p.name,
                engine.PAYERS[k],
                engine.as_number(v),
                "○" if k in engine.OWN else "",
            ]
            if budget is not None:
                row.append(parts[k])
            writer.writerow([safe_cell(c) for c in row])
        own: list[Any] = [f"第{table.period}期", p.name, "持ち分（市町村＋第1号）"]
        own += [engine.as_number(p.own_share), "○"]
        times: list[Any] = [f"第{table.period}期", p.name, "倍率（100÷持ち分、倍）"]
        times += [engine.as_number(p.multiplier()), ""]
        if budget is not None:
            own.append(sum(parts[k] for k in engine.OWN))
            times.append("")
        writer.writerow([safe_cell(c) for c in own])
        writer.writerow([safe_cell(c) for c in times])
    response = HttpResponse(
        out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    name = f"leverage-period-{table.period}" + (f"-{budget}" if budget is not None else "")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


urlpatterns: list[Any] = [path("leverage/", calculator, name="leverage")]
