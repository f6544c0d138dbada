"""District assignment (地区担当制): the load table from the municipality's own districts or
from a file, the greedy baseline beside it, and the assignment saved as the owners."""

from __future__ import annotations

import dataclasses
from collections import Counter
from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.core.params import Params
from chiiki.core.tabular import TableError, read_table
from chiiki.core.text import normalize_display
from chiiki.core.uploads import upload_limits
from chiiki.indicators import assignment as engine
from chiiki.indicators.selectors.assignment import (
    assignment_data,
    assignment_staff,
    district_owners,
)
from chiiki.indicators.services.assignment import district_owners_assign

DEFAULT_STAFF = 7  # 佐々町's


@login_required
def assign(request: AuthedRequest) -> HttpResponse:
    """GET: the municipality's districts (高齢者数 from the latest population table). POST
    with a file: the file's districts, and 高リスク者数 with a weight. Reading only."""
    access.require(request.user, Cap.INDICATORS_VIEW, "指標を見る権限がありません")
    data = assignment_data(user=request.user)
    form = Params(request.POST if request.method == "POST" else request.GET)
    staff = form.number(
        "staff",
        minimum=1,
        maximum=engine.MAX_STAFF,
        default=min(DEFAULT_STAFF, max(1, len(data.districts))),
    )
    assert staff is not None
    # On a first visit each staff member's districts stay in one life area, as 佐々町's
    # do; a submitted form says it either way (an unticked box sends nothing).
    within = form.flag("within") if form.given("staff") else True
    raw_weight = form.text("weight", max_length=20)
    ctx: dict[str, Any] = {
        "data": data,
        "staff_count": staff,
        "within": within,
        "weight": raw_weight,
        "errors": [],
        "source": "file" if request.method == "POST" else "population",
    }
    districts = data.districts
    weight = Fraction(0)
    try:
        if request.method == "POST":
            weight = engine.parse_weight(raw_weight)
            districts = _uploaded(request, with_risk=bool(raw_weight))
        ctx.update(_computed(request, data, districts, staff, weight, within))
    except engine.AssignmentError as exc:
        ctx["errors"] = [str(exc)]
    except engine.DistrictFileError as exc:
        ctx["errors"] = [f.message for f in exc.errors]
    except TableError as exc:
        ctx["errors"] = [str(exc)]
    return render(request, "indicators/assign.html", ctx, status=400 if ctx["errors"] else 200)


def _uploaded(request: AuthedRequest, *, with_risk: bool) -> list[engine.District]:
    upload = request.FILES.get("file")
    if upload is None:
        raise TableError("ファイルを選んでください")
    # No more rows than the engine takes: a longer file is refused before it is read.
    limits = upload_limits()
    limits = dataclasses.replace(limits, max_rows=min(limits.max_rows, engine.MAX_DISTRICTS))
    if upload.size is not None and upload.size > limits.max_bytes:
        raise TableError("ファイルが大きすぎます")
    table = read_table(upload.read(), upload.name or "upload.csv", limits)
    return engine.read_districts(table, with_risk=with_risk)


def _computed(
    request: AuthedRequest,
    data: Any,
    districts: list[engine.District],
    staff: int,
    weight: Fraction,
    within: bool,
) -> dict[str, Any]:
    result = engine.assign(districts, staff, weight=weight, within_life_area=within)
    base = engine.greedy(districts, staff, weight=weight, within_life_area=within)
    owner_of, by_name = result.owner_of(), {d.name: d for d in districts}
    rows = [
        {
            "district": d,
            "load": engine.shown(d.load(weight)),
            "staff": owner_of[d.name],
            "greedy": base.owner_of()[d.name],
        }
        for d in districts
    ]
    groups = [
        {
            "group": g,
            "load": engine.shown(g.load),
            "aged": sum(by_name[n].aged for n in g.districts),
            "risk": sum(by_name[n].high_risk for n in g.districts),
        }
        for g in result.groups
    ]
    matched = {
        normalize_display(d.name): data.stored.get(normalize_display(d.name)) for d in districts
    }
    unmatched = [name for name, stored in matched.items() if stored is None]
    out: dict[str, Any] = {
        "result": result,
        "base": base,
        "max_load": engine.shown(result.max_load),
        "base_max_load": engine.shown(base.max_load),
        "gain": engine.shown(base.max_load - result.max_load),
        "rows": rows,
        "groups": groups,
        "unmatched": unmatched,
        "can_edit": access.can(request.user, Cap.INDICATORS_EDIT),
    }
    if out["can_edit"] and not unmatched:
        owners = district_owners(municipality=data.municipality)
        out["staff_choices"] = assignment_staff(user=request.user)
        out["save_groups"] = [
            {
                "group": g,
                "districts": [(matched[n].pk, n) for n in g.districts],  # type: ignore[union-attr]
                "current": _most_common(owners.get(matched[n].pk) for n in g.districts),  # type: ignore[union-attr]
            }
            for g in result.groups
        ]
    return out


def _most_common(ids: Any) -> int | None:
    found = Counter(i for i in ids if i is not None).most_common(1)
    return found[0][0] if found else None


@login_required
@require_POST
def assign_save(request: AuthedRequest) -> HttpResponse:
    """Save the shown assignment as the districts' owners: ``district-<id>`` = its group,
    ``staff-<group>`` = the user chosen for that group."""
    access.require(request.user, Cap.INDICATORS_EDIT, "地区担当を登録する権限がありません")
    data = assignment_data(user=request.user)
    form = Params(request.POST)
    staff = {u.pk: u for u in assignment_staff(user=request.user)}
    groups = {
        d.pk: k
        for d in data.stored.values()
        if (k := form.number(f"district-{d.pk}", minimum=1, maximum=engine.MAX_STAFF))
    }
    chosen = {}
    for k in sorted(set(groups.values())):
        user = staff.get(form.id(f"staff-{k}") or 0)
        if user is None:
            messages.error(request, f"担当{k}の職員を選んでください（何も保存していません）")
            return redirect(reverse("indicators:assign"))
        chosen[k] = user
    if len({u.pk for u in chosen.values()}) < len(chosen):
        messages.error(request, "同じ職員を2つの担当に選んでいます（何も保存していません）")
        return redirect(reverse("indicators:assign"))
    try:
        changed = district_owners_assign(
            user=request.user,
            municipality=data.municipality,
            owners={pk: chosen[k] for pk, k in groups.items()},
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(reverse("indicators:assign"))
    messages.success(request, f"地区担当を保存しました（{changed}地区を変更）")
    return redirect(reverse("indicators:assign"))


urlpatterns = [
    path("assign/", assign, name="assign"),
    path("assign/save/", assign_save, name="assign_save"),
]
