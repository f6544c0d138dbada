"""Weekly matching of residents' help requests to volunteers, as a min-cost flow.

The week is cut into slots (half-days in the app); a request lists the slots the resident
can take, a volunteer the slots they are free (their weekly pattern minus exceptions and
jobs already booked). A volunteer does at most one job per slot and at most ``max_jobs``
in the week.

The objective is lexicographic: first serve as many requests as possible, then prefer the
volunteer's own district over a neighbouring one over any other district they cover,
shorter travel, and an even load (each further job of the same volunteer costs a little
more). Hard constraints: the task is one of the volunteer's skills, the volunteer has the
tools the task needs, covers the request's district, and is free in a slot the resident
can take.

The network source → request → (volunteer, slot) → volunteer → sink has a totally
unimodular constraint matrix, so the basic optimum that HiGHS's dual simplex returns
(through ``scipy.optimize.linprog``) is integral; ``milp`` is kept as a safety net. Pure:
no Django.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

OWN, NEIGHBOUR, OTHER = "own", "neighbour", "other"


@dataclass(frozen=True)
class Request:
    id: int
    task: str
    district: int
    slots: frozenset[int]
    tools: frozenset[str] = frozenset()
    location: tuple[float, float] | None = None  # km on a local grid, when known


@dataclass(frozen=True)
class Volunteer:
    id: int
    skills: frozenset[str]
    tools: frozenset[str]
    districts: frozenset[int]  # districts the volunteer covers (their own included)
    home: int  # the district they live in
    slots: frozenset[int]  # free slots this week: the weekly pattern minus exceptions
    max_jobs: int
    booked: frozenset[int] = frozenset()  # slots taken by jobs already confirmed
    load: int = 0  # jobs already confirmed this week
    location: tuple[float, float] | None = None


@dataclass(frozen=True)
class Weights:
    """Preference costs; all below 1 job served, which outweighs them by construction."""

    neighbour: float = 1.0
    other: float = 2.0
    per_km: float = 0.2
    per_hop: float = 0.5  # travel proxy between districts when locations are unknown
    load_step: float = 0.4  # each further job of the same volunteer costs this much more


@dataclass(frozen=True)
class Proposal:
    request: int
    volunteer: int
    slot: int
    relation: str
    travel: float | None
    nth_job: int
    cost: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class MatchResult:
    proposals: tuple[Proposal, ...]
    unserved: dict[int, str] = field(default_factory=dict)

    @property
    def served(self) -> int:
        return len(self.proposals)


@dataclass(frozen=True)
class _Labels:
    task: Callable[[str], str]
    tool: Callable[[str], str]
    district: Callable[[int], str]
    slot: Callable[[int], str]


def _ident(x: object) -> str:
    return str(x)


def _hops(neighbours: Mapping[int, frozenset[int]], start: int, limit: int = 6) -> dict[int, int]:
    """Breadth-first distance in the district adjacency graph."""
    dist = {start: 0}
    frontier = [start]
    while frontier and dist[frontier[0]] < limit:
        nxt: list[int] = []
        for d in frontier:
            for n in neighbours.get(d, ()):
                if n not in dist:
                    dist[n] = dist[d] + 1
                    nxt.append(n)
        frontier = nxt
    return dist


@dataclass(frozen=True)
class _Edge:
    r: int
    v: int
    slot: int
    relation: str
    travel: float | None
    cost: float


def _edges(
    requests: Sequence[Request],
    volunteers: Sequence[Volunteer],
    neighbours: Mapping[int, frozenset[int]],
    weights: Weights,
) -> list[_Edge]:
    """Every feasible (request, volunteer, slot) with its preference cost.

    Volunteers are indexed by (district covered, skill) so that a request looks only at
    those who could do it: the work is proportional to the feasible pairs, not to
    requests × volunteers.
    """
    index: dict[tuple[int, str], list[int]] = defaultdict(list)
    for vi, v in enumerate(volunteers):
        if v.max_jobs - v.load <= 0:
            continue
        for d in v.districts:
            for s in v.skills:
                index[(d, s)].append(vi)
    hop_cache: dict[int, dict[int, int]] = {}
    edges: list[_Edge] = []
    for ri, r in enumerate(requests):
        for vi in index.get((r.district, r.task), ()):
            v = volunteers[vi]
            if not r.tools <= v.tools:
                continue
            common = (r.slots & v.slots) - v.booked
            if not common:
                continue
            if v.home == r.district:
                relation, base = OWN, 0.0
            elif r.district in neighbours.get(v.home, ()):
                relation, base = NEIGHBOUR, weights.neighbour
            else:
                relation, base = OTHER, weights.other
            if r.location is not None and v.location is not None:
                km = math.dist(r.location, v.location)
                travel: float | None = km
                base += weights.per_km * km
            else:
                hops = hop_cache.get(v.home)
                if hops is None:
                    hops = hop_cache[v.home] = _hops(neighbours, v.home)
                travel = None
                base += weights.per_hop * hops.get(r.district, 6)
            for slot in sorted(common):
                edges.append(_Edge(ri, vi, slot, relation, travel, base))
    return edges


def _reasons(
    r: Request, v: Volunteer, e: _Edge, nth: int, best: float, labels: _Labels
) -> tuple[str, ...]:
    out = [f"作業「{labels.task(r.task)}」ができる"]
    if r.tools:
        out.append("道具あり: " + "・".join(labels.tool(t) for t in sorted(r.tools)))
    where = {OWN: "同じ地区", NEIGHBOUR: "隣の地区", OTHER: "担当地区"}[e.relation]
    out.append(
        f"{where}（ボランティア: {labels.district(v.home)}、依頼: {labels.district(r.district)}）"
    )
    if e.travel is not None:
        out.append(f"移動 約{e.travel:.1f}km")
    out.append(f"空き時間が合う: {labels.slot(e.slot)}")
    out.append(f"今週{nth}件目（上限{v.max_jobs}件）")
    if e.cost > best + 1e-9:
        out.append("より近い候補は他の依頼に回しました（応じられる件数を優先）")
    return tuple(out)


def _unserved_reason(has_candidates: bool) -> str:
    if has_candidates:
        return "候補はいましたが、時間帯と週の上限が他の依頼で埋まりました"
    return "作業・道具・地区・時間の条件に合うボランティアがいません"


def _labels(
    task_label: Callable[[str], str] | None,
    tool_label: Callable[[str], str] | None,
    district_label: Callable[[int], str] | None,
    slot_label: Callable[[int], str] | None,
) -> _Labels:
    return _Labels(
        task_label or _ident, tool_label or _ident, district_label or _ident, slot_label or _ident
    )


def match(
    requests: Sequence[Request],
    volunteers: Sequence[Volunteer],
    neighbours: Mapping[int, frozenset[int]] | None = None,
    *,
    weights: Weights = Weights(),
    task_label: Callable[[str], str] | None = None,
    tool_label: Callable[[str], str] | None = None,
    district_label: Callable[[int], str] | None = None,
    slot_label: Callable[[int], str] | None = None,
) -> MatchResult:
    """The optimal assignment of one week's requests, with the reasons for each proposal.

    1. List the feasible (request, volunteer, slot) edges with their preference cost.
    2. Variables: one per edge (x) and one per (volunteer, k-th job of the week) (y).
       Rows: each request served at most once; each (volunteer, slot) used at most once;
       for each volunteer, jobs taken equal the y's used, and y ≤ 1, so the k-th job
       costs ``load_step × (load + k − 1)`` and the load spreads out.
    3. Each edge earns −M with M larger than any total of preference costs, so the
       optimum serves as many requests as possible before it weighs preferences.
    4. Solve with HiGHS; the matrix is a network matrix, so the optimum is integral.
    """
    neighbours = neighbours or {}
    labels = _labels(task_label, tool_label, district_label, slot_label)
    edges = _edges(requests, volunteers, neighbours, weights)
    has_candidates = {e.r for e in edges}
    if not edges:
        return MatchResult((), {r.id: _unserved_reason(False) for r in requests})

    chosen = _solve(edges, volunteers, len(requests), weights)
    best: dict[int, float] = {}
    for e in edges:
        if e.cost < best.get(e.r, math.inf):
            best[e.r] = e.cost
    return _result(requests, volunteers, chosen, best, has_candidates, labels)


def _solve(
    edges: list[_Edge], volunteers: Sequence[Volunteer], n_requests: int, weights: Weights
) -> list[_Edge]:
    """The edges of the optimal assignment (steps 2 to 4 of ``match``)."""
    # Capacity arcs for the k-th job of each volunteer who has an edge.
    # A volunteer never takes more jobs than they have distinct free slots with edges.
    slots_of: dict[int, set[int]] = defaultdict(set)
    for e in edges:
        slots_of[e.v].add(e.slot)
    used_v = sorted(slots_of)
    y_keys: list[tuple[int, int]] = []
    for vi in used_v:
        v = volunteers[vi]
        cap = min(v.max_jobs - v.load, len(slots_of[vi]))
        y_keys.extend((vi, k) for k in range(1, cap + 1))
    n_x, n_y = len(edges), len(y_keys)
    x_cost = np.fromiter((e.cost for e in edges), dtype=float, count=n_x)
    y_cost = np.fromiter(
        (weights.load_step * (volunteers[vi].load + k - 1) for vi, k in y_keys),
        dtype=float,
        count=n_y,
    )
    big = 1.0 + (float(x_cost.max()) + (float(y_cost.max()) if n_y else 0.0)) * (n_requests + 1)
    cost = np.concatenate([x_cost - big, y_cost])

    # Row blocks: requests, (volunteer, slot) pairs, volunteers.
    vs_index: dict[tuple[int, int], int] = {}
    for e in edges:
        vs_index.setdefault((e.v, e.slot), len(vs_index))
    v_index = {vi: i for i, vi in enumerate(used_v)}
    n_r, n_vs, n_v = n_requests, len(vs_index), len(used_v)
    xs = np.arange(n_x)
    rows = np.concatenate(
        [
            np.fromiter((e.r for e in edges), dtype=np.int64, count=n_x),
            n_r + np.fromiter((vs_index[(e.v, e.slot)] for e in edges), dtype=np.int64, count=n_x),
            n_r + n_vs + np.fromiter((v_index[e.v] for e in edges), dtype=np.int64, count=n_x),
            n_r + n_vs + np.fromiter((v_index[vi] for vi, _ in y_keys), dtype=np.int64, count=n_y),
        ]
    )
    cols = np.concatenate([xs, xs, xs, n_x + np.arange(n_y)])
    vals = np.concatenate([np.ones(3 * n_x), -np.ones(n_y)])
    a = sparse.csr_array((vals, (rows, cols)), shape=(n_r + n_vs + n_v, n_x + n_y))
    is_eq = np.zeros(n_r + n_vs + n_v, dtype=bool)
    is_eq[n_r + n_vs :] = True
    upper = np.concatenate([np.ones(n_r + n_vs), np.zeros(n_v)])
    # The dual simplex returns a vertex, and every vertex of a network LP is integral.
    result = linprog(
        cost,
        A_ub=a[~is_eq],
        b_ub=upper[~is_eq],
        A_eq=a[is_eq],
        b_eq=upper[is_eq],
        bounds=(0, 1),
        method="highs-ds",
    )
    if result.x is None:  # pragma: no cover - always feasible (x = 0 is a solution)
        raise RuntimeError(f"matching failed: {result.message}")
    x = result.x
    if np.any((x > 1e-6) & (x < 1 - 1e-6)):  # pragma: no cover - a safety net, never seen
        lower = np.where(is_eq, upper, -np.inf)
        x = milp(
            cost,
            constraints=LinearConstraint(a, lower, upper),
            bounds=Bounds(0, 1),
            integrality=np.ones(n_x + n_y),
        ).x
    return [edges[i] for i in np.flatnonzero(x[:n_x] > 0.5)]


def _result(
    requests: Sequence[Request],
    volunteers: Sequence[Volunteer],
    chosen: list[_Edge],
    best: dict[int, float],
    has_candidates: set[int],
    labels: _Labels,
) -> MatchResult:
    # The k-th job is counted in slot order, so the reasons read naturally.
    count: dict[int, int] = defaultdict(int)
    proposals: list[Proposal] = []
    for e in sorted(chosen, key=lambda e: (e.v, e.slot)):
        r, v = requests[e.r], volunteers[e.v]
        count[e.v] += 1
        nth = v.load + count[e.v]
        proposals.append(
            Proposal(
                r.id,
                v.id,
                e.slot,
                e.relation,
                e.travel,
                nth,
                e.cost,
                _reasons(r, v, e, nth, best[e.r], labels),
            )
        )
    proposals.sort(key=lambda p: p.request)
    served = {p.request for p in proposals}
    unserved = {
        r.id: _unserved_reason(ri in has_candidates)
        for ri, r in enumerate(requests)
        if r.id not in served
    }
    return MatchResult(tuple(proposals), unserved)


def greedy(
    requests: Sequence[Request],
    volunteers: Sequence[Volunteer],
    neighbours: Mapping[int, frozenset[int]] | None = None,
    *,
    weights: Weights = Weights(),
) -> MatchResult:
    """The baseline a person with a list would follow: requests in order, each to the
    cheapest volunteer and slot still free. Same constraints and costs as ``match``."""
    neighbours = neighbours or {}
    edges = _edges(requests, volunteers, neighbours, weights)
    by_request: dict[int, list[_Edge]] = defaultdict(list)
    for e in edges:
        by_request[e.r].append(e)
    taken: set[tuple[int, int]] = set()
    jobs: dict[int, int] = defaultdict(int)
    chosen: list[_Edge] = []
    for ri in range(len(requests)):
        options = [
            e
            for e in by_request.get(ri, ())
            if (e.v, e.slot) not in taken
            and volunteers[e.v].load + jobs[e.v] < volunteers[e.v].max_jobs
        ]
        if not options:
            continue
        e = min(
            options, key=lambda e: e.cost + weights.load_step * (volunteers[e.v].load + jobs[e.v])
        )
        taken.add((e.v, e.slot))
        jobs[e.v] += 1
        chosen.append(e)
    best = {ri: min(e.cost for e in es) for ri, es in by_request.items()}
    return _result(
        requests, volunteers, chosen, best, set(by_request), _labels(None, None, None, None)
    )


def check(
    result: MatchResult, requests: Sequence[Request], volunteers: Sequence[Volunteer]
) -> list[str]:
    """Violations of the hard constraints in a result (empty when it is valid)."""
    req = {r.id: r for r in requests}
    vol = {v.id: v for v in volunteers}
    problems: list[str] = []
    seen_requests: set[int] = set()
    slots: set[tuple[int, int]] = set()
    jobs: dict[int, int] = defaultdict(int)
    for p in result.proposals:
        r, v = req[p.request], vol[p.volunteer]
        if p.request in seen_requests:
            problems.append(f"request {p.request} served twice")
        seen_requests.add(p.request)
        if r.task not in v.skills or not r.tools <= v.tools or r.district not in v.districts:
            problems.append(f"volunteer {v.id} cannot do request {r.id}")
        if p.slot not in r.slots or p.slot not in v.slots or p.slot in v.booked:
            problems.append(f"slot {p.slot} not free for request {r.id} / volunteer {v.id}")
        if (v.id, p.slot) in slots:
            problems.append(f"volunteer {v.id} double-booked in slot {p.slot}")
        slots.add((v.id, p.slot))
        jobs[v.id] += 1
    for vid, n in jobs.items():
        if vol[vid].load + n > vol[vid].max_jobs:
            problems.append(f"volunteer {vid} over weekly maximum")
    return problems
