"""The matching engine: known answers, the lexicographic objective and its hard constraints."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from chiiki.mutualaid.matching import Request, Volunteer, check, greedy, match

NB = {1: frozenset({2}), 2: frozenset({1, 3}), 3: frozenset({2})}


def vol(id, *, skills=("weeding",), tools=(), districts=(1,), home=1, slots=(0,), max_jobs=3, **kw):
    return Volunteer(
        id=id,
        skills=frozenset(skills),
        tools=frozenset(tools),
        districts=frozenset(districts),
        home=home,
        slots=frozenset(slots),
        max_jobs=max_jobs,
        **kw,
    )


def req(id, *, task="weeding", district=1, slots=(0,), tools=()):
    return Request(
        id=id, task=task, district=district, slots=frozenset(slots), tools=frozenset(tools)
    )


def test_it_serves_more_than_greedy_when_the_only_mower_is_taken_first_by_greedy():
    # Request 1 (weeding) comes first; greedy gives it the mower owner from the same district;
    # then mowing request 2 has nobody. The optimiser sends the neighbour to weed.
    requests = [req(1, slots=(0,)), req(2, task="mowing", tools=("mower",), slots=(0,))]
    volunteers = [
        vol(10, skills=("weeding", "mowing"), tools=("mower",), home=1, max_jobs=1),
        vol(11, skills=("weeding",), districts=(1, 2), home=2, max_jobs=1),
    ]
    best = match(requests, volunteers, NB)
    base = greedy(requests, volunteers, NB)
    assert best.served == 2 and base.served == 1
    assert {p.request: p.volunteer for p in best.proposals} == {1: 11, 2: 10}
    weeding = next(p for p in best.proposals if p.request == 1)
    assert any("隣の地区" in r for r in weeding.reasons)
    assert any("件数を優先" in r for r in weeding.reasons)


def test_it_prefers_the_volunteers_own_district_over_a_neighbour():
    volunteers = [vol(10, districts=(1, 2), home=2), vol(11, districts=(1,), home=1)]
    result = match([req(1)], volunteers, NB)
    assert [(p.volunteer, p.relation) for p in result.proposals] == [(11, "own")]
    assert result.proposals[0].reasons[1].startswith("同じ地区")


def test_it_prefers_shorter_travel_when_locations_are_known():
    r = Request(id=1, task="weeding", district=1, slots=frozenset({0}), location=(0.0, 0.0))
    far = Volunteer(
        id=10,
        skills=frozenset({"weeding"}),
        tools=frozenset(),
        districts=frozenset({1}),
        home=1,
        slots=frozenset({0}),
        max_jobs=3,
        location=(3.0, 4.0),
    )
    near = Volunteer(
        id=11,
        skills=frozenset({"weeding"}),
        tools=frozenset(),
        districts=frozenset({1}),
        home=1,
        slots=frozenset({0}),
        max_jobs=3,
        location=(0.3, 0.4),
    )
    result = match([r], [far, near], NB)
    assert result.proposals[0].volunteer == 11
    assert "移動 約0.5km" in result.proposals[0].reasons


def test_it_spreads_the_load_evenly_between_equal_volunteers():
    requests = [req(i, slots=(0, 1, 2, 3)) for i in range(4)]
    volunteers = [vol(10, slots=(0, 1, 2, 3)), vol(11, slots=(0, 1, 2, 3))]
    result = match(requests, volunteers, NB)
    loads = [sum(p.volunteer == v for p in result.proposals) for v in (10, 11)]
    assert loads == [2, 2]


def test_it_never_breaks_skills_tools_districts_slots_or_the_weekly_maximum():
    requests = [
        req(1, task="mowing", tools=("mower",)),  # nobody has a mower
        req(2, district=3),  # nobody covers district 3
        req(3, slots=(5,)),  # nobody is free then
        req(4, slots=(0,)),
        req(5, slots=(0,)),  # one volunteer, one slot: one of these
        req(6, slots=(1,)),  # …and the volunteer's weekly maximum is 1 anyway
    ]
    volunteers = [vol(10, skills=("weeding", "mowing"), slots=(0, 1), max_jobs=1)]
    result = match(requests, volunteers, NB)
    assert result.served == 1 and not check(result, requests, volunteers)
    assert "条件に合うボランティアがいません" in result.unserved[1]
    assert "条件に合うボランティアがいません" in result.unserved[2]
    waiting = [result.unserved[i] for i in (4, 5, 6) if i in result.unserved]
    assert len(waiting) == 2 and all("他の依頼で埋まりました" in w for w in waiting)


def test_jobs_already_booked_count_against_the_slot_and_the_weekly_maximum():
    volunteers = [vol(10, slots=(0, 1), booked=frozenset({0}), load=1, max_jobs=2)]
    result = match([req(1, slots=(0,)), req(2, slots=(1,)), req(3, slots=(1,))], volunteers, NB)
    assert [(p.request, p.slot, p.nth_job) for p in result.proposals] in ([(2, 1, 2)], [(3, 1, 2)])


def test_an_empty_week_gives_no_proposals():
    assert match([], [], NB).served == 0
    assert match([req(1)], [], NB).unserved == {
        1: "作業・道具・地区・時間の条件に合うボランティアがいません"
    }


def _random_instance(seed: int, n_r: int, n_v: int):
    rng = random.Random(seed)
    tasks = ["weeding", "mowing", "shopping"]
    requests = []
    for i in range(n_r):
        task = rng.choice(tasks)
        requests.append(
            req(
                i,
                task=task,
                district=rng.choice([1, 2, 3]),
                slots=rng.sample(range(6), rng.randint(1, 3)),
                tools=("mower",) if task == "mowing" else (),
            )
        )
    volunteers = []
    for i in range(n_v):
        home = rng.choice([1, 2, 3])
        volunteers.append(
            vol(
                100 + i,
                skills=rng.sample(tasks, rng.randint(1, 3)),
                tools=("mower",) if rng.random() < 0.4 else (),
                districts={home} | NB[home],
                home=home,
                slots=rng.sample(range(6), rng.randint(1, 4)),
                max_jobs=rng.randint(1, 3),
            )
        )
    return requests, volunteers


def _brute_force_max(requests, volunteers) -> int:
    """The largest number of requests that can be served, by exhaustive search."""
    best = 0

    def go(i, used, jobs, served):
        nonlocal best
        if served + (len(requests) - i) <= best:
            return
        if i == len(requests):
            best = max(best, served)
            return
        r = requests[i]
        for v in volunteers:
            if (
                r.task in v.skills
                and r.tools <= v.tools
                and r.district in v.districts
                and jobs.get(v.id, 0) < v.max_jobs
            ):
                for s in r.slots & v.slots:
                    if (v.id, s) not in used:
                        go(
                            i + 1,
                            used | {(v.id, s)},
                            {**jobs, v.id: jobs.get(v.id, 0) + 1},
                            served + 1,
                        )
        go(i + 1, used, jobs, served)

    go(0, frozenset(), {}, 0)
    return best


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n_r=st.integers(0, 7), n_v=st.integers(0, 4))
def test_it_serves_the_most_requests_possible_and_at_least_as_many_as_greedy(seed, n_r, n_v):
    requests, volunteers = _random_instance(seed, n_r, n_v)
    result = match(requests, volunteers, NB)
    assert not check(result, requests, volunteers)
    assert result.served == _brute_force_max(requests, volunteers)
    assert result.served >= greedy(requests, volunteers, NB).served
    assert {p.request for p in result.proposals}.isdisjoint(result.unserved)
    assert len(result.proposals) + len(result.unserved) == len(requests)


def _brute_force_best(requests, volunteers, weights):
    """The lexicographic optimum (most served, then least cost) by exhaustive search."""
    from chiiki.mutualaid.matching import _edges

    edges = _edges(requests, volunteers, NB, weights)
    by_r = {}
    for e in edges:
        by_r.setdefault(e.r, []).append(e)
    best = (0, 0.0)

    def go(i, used, jobs, served, cost):
        nonlocal best
        if i == len(requests):
            load = sum(weights.load_step * k * (k - 1) / 2 for k in jobs.values())
            key = (-served, round(cost + load, 6))
            if key < (-best[0], best[1]):
                best = (served, round(cost + load, 6))
            return
        for e in by_r.get(i, []):
            v = volunteers[e.v]
            if (e.v, e.slot) not in used and jobs.get(e.v, 0) < v.max_jobs:
                go(
                    i + 1,
                    used | {(e.v, e.slot)},
                    {**jobs, e.v: jobs.get(e.v, 0) + 1},
                    served + 1,
                    cost + e.cost,
                )
        go(i + 1, used, jobs, served, cost)

    go(0, frozenset(), {}, 0, 0.0)
    return best


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n_r=st.integers(0, 6), n_v=st.integers(0, 3))
def test_among_the_largest_assignments_it_finds_the_cheapest(seed, n_r, n_v):
    from chiiki.mutualaid.matching import Weights

    weights = Weights()
    requests, volunteers = _random_instance(seed, n_r, n_v)
    result = match(requests, volunteers, NB, weights=weights)
    jobs = {}
    for p in result.proposals:
        jobs[p.volunteer] = jobs.get(p.volunteer, 0) + 1
    load = sum(weights.load_step * k * (k - 1) / 2 for k in jobs.values())
    cost = round(sum(p.cost for p in result.proposals) + load, 6)
    assert (result.served, cost) == _brute_force_best(requests, volunteers, weights)
