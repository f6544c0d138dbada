"""The spread of the guide's structures: per fiscal year, the districts with a 第2層/第3層
body, a mutual-aid service and a weekly gathering place; a text summary, the district
table, and both as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.core.params import MIN_YEAR, Params
from chiiki.core.tabular import safe_cell
from chiiki.indicators import spread as engine
from chiiki.indicators.selectors.spread import REFUSED, Spread, spread_for_user

BAR_PX = 160
KEYS = list(engine.STRUCTURES)


@dataclass(frozen=True)
class Cell:
    count: int
    px: int


@dataclass(frozen=True)
class Line:
    row: engine.YearRow
    cells: list[Cell]


def summary(found: Spread) -> list[str]:
    """Plain sentences: where the municipality stands now and how far it came."""
    total = len(found.districts)
    if not found.years or not total:
        return ["地区が登録されていないため、数えられません。"]
    last, first = found.years[-1], found.years[0]
    day = f"{found.on:%Y年%-m月%-d日}時点" if last.running else f"{last.year}年度末"
    said = [
        f"{day}で、{total}地区のうち"
        + "、".join(f"{engine.STRUCTURES[k]}がある地区は{last.counts[k]}地区" for k in KEYS)
        + f"です。3つともそろった地区は{last.all_three}地区です。"
    ]
    if len(found.years) > 1:
        said.append(
            f"{first.year}年度末からの増減: "
            + "、".join(
                f"{engine.STRUCTURES[k]} {last.counts[k] - first.counts[k]:+d}地区" for k in KEYS
            )
            + "。"
        )
    return said


def since_text(r: engine.DistrictRow, key: str) -> str:
    since = r.since.get(key)
    if since is not None:
        return f"{engine.fiscal_year(since)}年度から（{since.isoformat()}）"
    return "開始日の記録なし" if r.has(key) else "—"


def lines(found: Spread) -> list[Line]:
    total = len(found.districts) or 1
    return [
        Line(row=r, cells=[Cell(r.counts[k], round(BAR_PX * r.counts[k] / total)) for k in KEYS])
        for r in found.years
    ]


@login_required
def spread(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, Cap.INDICATORS_VIEW, REFUSED)
    params = Params(request.GET)
    today = timezone.localdate()
    # As of another day: to look back, or at a demo dated in the past.
    on = params.date("on", default=today) or today
    since = params.number("since", minimum=MIN_YEAR, maximum=engine.fiscal_year(on))
    found = spread_for_user(user=request.user, on=on, since=since)
    shown = params.choice("format", ["csv", "districts"])
    if shown == "csv":
        return _years_csv(found)
    if shown == "districts":
        return _districts_csv(found)
    names = {d.pk: d for d in found.districts}
    return render(
        request,
        "indicators/spread.html",
        {
            "found": found,
            "on": on,
            "on_raw": params.raw("on").strip(),
            "since": since,
            "structures": engine.STRUCTURES,
            "lines": lines(found),
            "summary": summary(found),
            "district_rows": [
                (names[r.district], [since_text(r, k) for k in KEYS]) for r in found.rows
            ],
            "keys": KEYS,
            "total": len(found.districts),
        },
    )


def _attachment(out: io.StringIO, name: str) -> HttpResponse:
    response = HttpResponse(
        out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _years_csv(found: Spread) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["年度", "数えた日", "地区数", *(engine.STRUCTURES[k] for k in KEYS), "3つそろった地区"]
    )
    for r in found.years:
        cells = [r.year, r.day.isoformat(), len(found.districts)]
        writer.writerow([safe_cell(c) for c in (*cells, *(r.counts[k] for k in KEYS), r.all_three)])
    return _attachment(out, f"spread-{found.on:%Y%m%d}.csv")


def _districts_csv(found: Spread) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["圏域", "地区", *(f"{engine.STRUCTURES[k]}（から）" for k in KEYS)])
    names = {d.pk: d for d in found.districts}
    for r in found.rows:
        d = names[r.district]
        cells: list[Any] = [d.life_area.name, d.name]
        for k in KEYS:
            since = r.since.get(k)
            cells.append(since.isoformat() if since else ("開始日の記録なし" if r.has(k) else ""))
        writer.writerow([safe_cell(c) for c in cells])
    return _attachment(out, f"spread-districts-{found.on:%Y%m%d}.csv")


urlpatterns: list[Any] = [path("spread/", spread, name="spread")]
