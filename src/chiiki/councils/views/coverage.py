"""Pages of councils: coverage, which districts have a body of each layer and since when
(高松市: 「44地区中39地区」), as a table, a count by year and a map-like grid of tiles."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from chiiki.accounts.http import AuthedRequest
from chiiki.core.params import MIN_YEAR, Params
from chiiki.councils.selectors.bodies import Coverage, CoverageRow, coverage_for_user

BAR_PX = 240


@dataclass(frozen=True)
class Tile:
    """One district's square: its colour class and the text mark that says the same."""

    row: CoverageRow
    css: str
    mark: str
    label: str


MARKS = {
    (True, True): ("tile-both", "◎", "第2層と第3層の協議体"),
    (False, True): ("tile-district", "●", "第3層（地区）の協議体"),
    (True, False): ("tile-area", "○", "第2層（圏域）の協議体のみ"),
    (False, False): ("tile-none", "×", "協議体なし"),
}


def tile(row: CoverageRow) -> Tile:
    css, mark, label = MARKS[(row.life_area_body is not None, row.district_body is not None)]
    return Tile(row=row, css=css, mark=mark, label=label)


def by_year(found: Coverage) -> list[tuple[int, int, int]]:
    """(year, districts covered at its end, bar width in px), oldest first."""
    total = len(found.rows) or 1
    return [(y, found.by_year[y], round(BAR_PX * found.by_year[y] / total)) for y in found.years]


@login_required
def coverage(request: AuthedRequest) -> HttpResponse:
    """Coverage on a day (today unless ``on``), counted by year from ``since``."""
    params = Params(request.GET)
    today = timezone.localdate()
    on = params.date("on", default=today) or today
    since = params.number("since", minimum=MIN_YEAR, maximum=on.year)
    found = coverage_for_user(user=request.user, on=on, since_year=since)
    context = {
        "coverage": found,
        "on": on,
        "since": since,
        "total": len(found.rows),
        "with_district_body": sum(1 for r in found.rows if r.district_body is not None),
        "tiles": [tile(r) for r in found.rows],
        "marks": list(MARKS.values()),
        "years": by_year(found),
        "bar_px": BAR_PX,
    }
    return render(request, "councils/coverage/coverage.html", context)


urlpatterns = [path("coverage/", coverage, name="coverage")]
