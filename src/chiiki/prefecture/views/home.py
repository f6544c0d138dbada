"""The prefecture's front page: its municipalities side by side, sortable, against the
prefecture's median, with a tile grid of one column; and the way to its records of support."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from chiiki.accounts.http import AuthedRequest
from chiiki.core.params import Params
from chiiki.indicators.exports import download
from chiiki.prefecture.selectors.compare import VIEWS, Comparison, side_by_side

TILE_DEFAULT = {"overview": "aging"}


def _tile_key(params: Params, c: Comparison) -> str | None:
    keys = [col.key for col in c.columns]
    if not keys:
        return None
    if params.given("tile"):
        return params.choice("tile", keys)
    wanted = TILE_DEFAULT.get(c.view)
    return wanted if wanted in keys else keys[0]


MARKS = {"▲": N_("中央値より高い"), "▼": N_("中央値より低い"), "＝": N_("中央値と同じ")}


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    survey: str


def _lines(c: Comparison) -> list[tuple[Line, list[tuple[str, str, str, str]]]]:
    """The table's rows as plain tuples: the template's loop over 63 × 10 cells is the
    page's cost, so each cell comes ready (value, mark, the mark's words, a second line)."""
    labels = {m: _(text) for m, text in MARKS.items()}
    out = []
    for r in c.rows:
        cells = []
        for col in c.columns:
            cell = r.cells.get(col.key)
            m = r.marks.get(col.key, "")
            cells.append(
                (cell.shown if cell else "—", m, labels.get(m, ""), cell.detail if cell else "")
            )
        out.append((Line(r.code, r.name, c.survey_names.get(r.code, "")), cells))
    return out


def _table(c: Comparison) -> tuple[list[str], list[list[object]]]:
    columns = ["市町村コード", "市町村"]
    for col in c.columns:
        columns.append(f"{col.label}（{col.unit}）")
        columns.append(f"{col.label} 補足")
    rows: list[list[object]] = []
    for r in c.rows:
        line: list[object] = [r.code, r.name]
        for col in c.columns:
            cell = r.cells.get(col.key)
            line.append(cell.value if cell is not None and not cell.suppressed else None)
            line.append(cell.detail if cell is not None else "")
        rows.append(line)
    rows.append(["", "県の中央値", *[v for col in c.columns for v in (c.medians[col.key], "")]])
    return columns, rows


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    params = Params(request.GET)
    view = params.choice("view", VIEWS, default="overview")
    order = params.choice("order", ("asc", "desc"), default="desc")
    sort = params.text("sort", max_length=40) or None
    c = side_by_side(user=request.user, view=view, sort=sort, descending=order == "desc")
    fmt = params.choice("format", ("html", "csv", "xlsx"), default="html")
    if fmt != "html":
        columns, rows = _table(c)
        return download(
            fmt, f"prefecture-{c.prefecture.code}-{c.view}", "市町村の比較", columns, rows
        )
    tile = _tile_key(params, c)
    context = {
        "c": c,
        "lines": _lines(c),
        "views": VIEWS,
        "tile": tile,
        "tile_column": c.column(tile) if tile else None,
        "tiles": [
            (
                t.x * 100,
                t.y * 70,
                t.name,
                t.name if len(t.name) <= 6 else t.name[:5] + "…",
                t.klass or "none",
                t.text,
            )
            for t in (c.tiles(tile) if tile else [])
        ],
        "tile_height": 70 * max(1, -(-len(c.rows) // 8)),
        "sort_column": c.column(c.sort) if c.sort else None,
        "tile_summary": c.summary(tile) if tile else "",
        "order": order,
    }
    template = "prefecture/index.html#compare" if request.htmx else "prefecture/index.html"
    return render(request, template, context)


urlpatterns = [
    path("", index, name="index"),
]
