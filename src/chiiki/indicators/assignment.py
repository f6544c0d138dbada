"""District assignment (地区担当制): give each staff member a share of the districts so that
the heaviest load is as light as it can be. Pure: no Django.

佐々町 gives its 32 districts to 7 staff; each follows up the older people of their own
districts. The load of a district is 高齢者数 + W × 高リスク者数 (W = 0 when there is no risk
column). :func:`assign` finds the assignment whose heaviest load is the least possible,
exactly, as a mixed-integer programme solved by HiGHS (``scipy.optimize.milp``);
:func:`greedy` is the baseline it is compared with (longest processing time first).

Exactness. W is a decimal with at most :data:`WEIGHT_PLACES` places, so every load is a
whole number once multiplied by W's denominator: the search works in those integers
(divided by their common divisor), and the result's loads are recomputed from the chosen
assignment as :class:`fractions.Fraction`, never read back from the solver's floats.

The search:

1. a lower bound: the heaviest district, and the total shared evenly among N;
2. an incumbent: a randomised (seeded) subset-sum filling, from the bound upwards; when it
   meets the bound, nothing lighter exists and the answer is proven;
3. otherwise the programme, solved by HiGHS with a zero gap and the heaviest load ``t``
   an integer between the bound and the incumbent less one unit: ``x[i, j] = 1`` when
   district ``i`` (heaviest first) goes to staff ``j``, each district once, each staff
   member at least one district and a load ≤ ``t``, each at least the total less
   ``(N - 1)·t``. The staff are interchangeable, so one labelling of each partition is
   kept: groups are numbered in the order of their heaviest district (``x[i, j] = 0`` for
   ``j > i``, and group ``j`` opens only after group ``j - 1`` has an earlier district).
   HiGHS finds a lighter assignment (and proves it optimal) or proves there is none;
4. with ``within_life_area``, each area is its own problem once it has its staff: its least
   heaviest load never grows with one more, so the next staff member goes to the area
   whose heaviest load is heaviest, from one each (:func:`_by_areas`).

The result is deterministic for the same input: groups are numbered by life area (in the
order the areas first appear) and then by their first district in the input's order, and a
group's districts keep the input's order.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from chiiki.core.tabular import Table
from chiiki.core.text import normalize_display

COLUMNS = ("地区", "圏域", "高齢者数")
RISK = "高リスク者数"
MAX_STAFF = 100
MAX_DISTRICTS = 500
MAX_COUNT = 1_000_000  # people in one district
MAX_WEIGHT = Decimal(100)
WEIGHT_PLACES = 3
TIME_LIMIT = 20.0  # seconds the solver may take before the best found so far is returned
MAX_ERRORS = 500
MAX_NAME = 60  # District.name
_INTEGER = re.compile(r"[0-9]{1,9}")


class AssignmentError(ValueError):
    """An instance that cannot be assigned (the message, in Japanese, says why)."""


@dataclass(frozen=True, slots=True)
class District:
    """One district's row: its name, its life area and its people."""

    name: str
    life_area: str
    aged: int  # 高齢者数
    high_risk: int = 0  # 高リスク者数

    def load(self, weight: Fraction) -> Fraction:
        return self.aged + weight * self.high_risk


@dataclass(frozen=True)
class Group:
    staff: int  # 1 … N
    districts: tuple[str, ...]
    life_area: str  # its districts' areas, 「北部・南部」 when it spans more than one
    load: Fraction

    def as_json(self) -> dict[str, object]:
        return {"staff": self.staff, "districts": list(self.districts), "load": number(self.load)}


@dataclass(frozen=True)
class Assignment:
    """Staff ``staff`` and their groups; ``proven``: the heaviest load is the least possible."""

    staff: int
    max_load: Fraction
    groups: tuple[Group, ...]
    proven: bool
    method: str  # "milp" or "greedy"

    def as_json(self) -> dict[str, object]:
        return {
            "staff": self.staff,
            "max_load": number(self.max_load),
            "groups": [g.as_json() for g in self.groups],
        }

    def owner_of(self) -> dict[str, int]:
        """District name → staff number."""
        return {d: g.staff for g in self.groups for d in g.districts}


def number(value: Fraction) -> int | float:
    """A load as JSON shows it: an integer, or the exact decimal (at most three places,
    which a float prints back exactly at these sizes)."""
    if value.denominator == 1:
        return int(value)
    return float(Decimal(value.numerator) / Decimal(value.denominator))


def shown(value: Fraction) -> str:
    """A load as a person reads it: 「1,234」「1,234.5」."""
    if value.denominator == 1:
        return f"{int(value):,}"
    text = f"{Decimal(value.numerator) / Decimal(value.denominator):,f}"
    return text.rstrip("0").rstrip(".")


# -- the checks shared by the command, the page and the engine ------------------------------


def parse_weight(raw: str | None) -> Fraction:
    """``--risk-weight``: a decimal from 0 to 100 with at most three places."""
    if raw is None or not raw.strip():
        return Fraction(0)
    text = unicodedata.normalize("NFKC", raw).strip()
    expected = f"0以上{MAX_WEIGHT}以下の数（小数点以下{WEIGHT_PLACES}桁まで）"
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise AssignmentError(f"重み（--risk-weight）は{expected}です（入力: {raw}）") from None
    if not value.is_finite():
        raise AssignmentError(f"重み（--risk-weight）は{expected}です（入力: {raw}）")
    if value < 0:
        raise AssignmentError(f"重み（--risk-weight）は負にできません（入力: {raw}）")
    exponent = value.normalize().as_tuple().exponent
    if value > MAX_WEIGHT or (isinstance(exponent, int) and -exponent > WEIGHT_PLACES):
        raise AssignmentError(f"重み（--risk-weight）は{expected}です（入力: {raw}）")
    return Fraction(value)


def check_staff(staff: int, districts: Sequence[District], *, within_life_area: bool) -> None:
    """Refuse a staff count that cannot be given the districts (with the reason)."""
    if not 1 <= staff <= MAX_STAFF:
        raise AssignmentError(f"担当者の人数は1人以上{MAX_STAFF}人以下です（入力: {staff}）")
    if not districts:
        raise AssignmentError("地区がありません")
    if len(districts) < staff:
        raise AssignmentError(
            f"地区が{len(districts)}か所しかなく、担当者{staff}人の全員には割り当てられません"
            "（担当者を地区の数以下にしてください）"
        )
    areas = len({d.life_area for d in districts})
    if within_life_area and staff < areas:
        raise AssignmentError(
            f"圏域が{areas}つあり、担当者{staff}人では圏域ごとに1人以上を置けません"
            "（圏域内に限るときは担当者を圏域の数以上にしてください）"
        )


# -- the baseline ---------------------------------------------------------------------------


def _lpt(loads: Sequence[Fraction], order: Sequence[int], staff: int) -> list[list[int]]:
    """Longest processing time first: each district, heaviest first, to the lightest staff
    member (an empty one before a loaded one of the same load, then the lowest number)."""
    groups: list[list[int]] = [[] for _ in range(staff)]
    totals = [Fraction(0)] * staff
    for i in order:
        j = min(range(staff), key=lambda k: (totals[k], len(groups[k]) > 0, k))
        groups[j].append(i)
        totals[j] += loads[i]
    return groups


def _heaviest_first(loads: Sequence[Fraction], among: Sequence[int]) -> list[int]:
    return sorted(among, key=lambda i: (-loads[i], i))


def greedy(
    districts: Sequence[District],
    staff: int,
    *,
    weight: Fraction = Fraction(0),
    within_life_area: bool = False,
) -> Assignment:
    """The baseline: LPT. With ``within_life_area``, each area starts with one staff member
    and each further one goes to the area whose LPT leaves the heaviest load."""
    check_staff(staff, districts, within_life_area=within_life_area)
    loads = [d.load(weight) for d in districts]
    if not within_life_area:
        groups = _lpt(loads, _heaviest_first(loads, range(len(districts))), staff)
        return _result(districts, loads, groups, staff, proven=False, method="greedy")
    members = _by_area(districts)
    count = dict.fromkeys(members, 1)

    def heaviest(area: str) -> Fraction:
        parts = _lpt(loads, _heaviest_first(loads, members[area]), count[area])
        return max(sum((loads[i] for i in g), Fraction(0)) for g in parts)

    for _ in range(staff - len(members)):
        open_areas = [a for a in members if count[a] < len(members[a])]
        area = max(open_areas, key=lambda a: (heaviest(a), -list(members).index(a)))
        count[area] += 1
    groups = [
        g
        for area in members
        for g in _lpt(loads, _heaviest_first(loads, members[area]), count[area])
    ]
    return _result(districts, loads, groups, staff, proven=False, method="greedy")


def _by_area(districts: Sequence[District]) -> dict[str, list[int]]:
    members: dict[str, list[int]] = {}
    for i, d in enumerate(districts):
        members.setdefault(d.life_area, []).append(i)
    return members


# -- the exact assignment -------------------------------------------------------------------


@dataclass
class _Model:
    """The programme's columns: x[i, j] (i heaviest first), then y[j, a], then t."""

    n: int
    staff: int
    areas: int
    rows: list[tuple[dict[int, float], float, float]] = field(default_factory=list)

    def x(self, i: int, j: int) -> int:
        return i * self.staff + j

    def y(self, j: int, a: int) -> int:
        return self.n * self.staff + j * self.areas + a

    @property
    def t(self) -> int:
        return self.n * self.staff + self.staff * self.areas

    def add(self, coef: dict[int, float], low: float, high: float) -> None:
        self.rows.append((coef, low, high))

    def constraint(self) -> LinearConstraint:
        matrix = sparse.lil_array((len(self.rows), self.t + 1))
        for r, (coef, _, _) in enumerate(self.rows):
            for c, v in coef.items():
                matrix[r, c] = v
        return LinearConstraint(
            matrix.tocsr(), [r[1] for r in self.rows], [r[2] for r in self.rows]
        )


def _scaled(loads: Sequence[Fraction]) -> tuple[list[int], Fraction]:
    """Loads as integers (and the unit they count in), divided by their common divisor."""
    scale = math.lcm(*(f.denominator for f in loads))
    ints = [int(f * scale) for f in loads]
    g = math.gcd(*ints) or 1
    return [v // g for v in ints], Fraction(g, scale)


def assign(
    districts: Sequence[District],
    staff: int,
    *,
    weight: Fraction = Fraction(0),
    within_life_area: bool = False,
    time_limit: float = TIME_LIMIT,
    fill: bool = True,
) -> Assignment:
    """The assignment whose heaviest load is the least possible (see the module's notes).

    When HiGHS stops at ``time_limit`` before deciding, the best assignment found is
    returned with ``proven=False``. ``fill=False`` leaves out step 5's filling, so that
    HiGHS alone closes the gap from the greedy's load (the tests check both ways).
    """
    check_staff(staff, districts, within_life_area=within_life_area)
    if within_life_area and len(_by_area(districts)) > 1:
        return _by_areas(districts, staff, weight, time_limit, fill)
    base = greedy(districts, staff, weight=weight, within_life_area=within_life_area)
    loads = [d.load(weight) for d in districts]
    w, unit = _scaled(loads)
    members = (
        list(_by_area(districts).values()) if within_life_area else [list(range(len(districts)))]
    )
    lower = _lower_bound(w, members, staff)
    incumbent = [list(g) for g in _indices(districts, base)]
    upper = int(base.max_load / unit)
    packed = _packing(w, members, staff, lower, upper) if fill else None
    if packed is not None:
        incumbent, upper = packed, max(sum(w[i] for i in g) for g in packed)
    if upper == lower:  # the bound is met: nothing lighter exists
        return _result(districts, loads, incumbent, staff, proven=True, method="milp")
    status, found = _solve(w, members, staff, lower, upper - 1, time_limit)
    if found is not None:
        return _result(districts, loads, found, staff, proven=status == 0, method="milp")
    return _result(districts, loads, incumbent, staff, proven=status == 2, method="milp")


def _by_areas(
    districts: Sequence[District], staff: int, weight: Fraction, time_limit: float, fill: bool
) -> Assignment:
    """Within life areas, the areas are separate problems once each has its number of staff:
    the least heaviest load of an area falls (or stays) as it gets one more, so giving the
    next staff member to the area whose heaviest load is heaviest, one at a time from one
    each, reaches the least heaviest load overall (no assignment lighter than the current
    heaviest can leave that area with fewer staff). Each area's own is exact as above."""
    members = _by_area(districts)
    solved: dict[tuple[str, int], Assignment] = {}

    def best(area: str, n: int) -> Assignment:
        if (area, n) not in solved:
            own = [districts[i] for i in members[area]]
            solved[area, n] = assign(own, n, weight=weight, time_limit=time_limit, fill=fill)
        return solved[area, n]

    count = dict.fromkeys(members, 1)
    for _ in range(staff - len(members)):
        heaviest = max(members, key=lambda a: (best(a, count[a]).max_load, -list(members).index(a)))
        if count[heaviest] == len(members[heaviest]):
            break  # one district each: no more staff can make it lighter
        count[heaviest] += 1
    spare = staff - sum(count.values())
    for area in members:  # staff left over (the heaviest is one district) go where they fit
        extra = min(spare, len(members[area]) - count[area])
        count[area] += extra
        spare -= extra
    index = {d.name: i for i, d in enumerate(districts)}
    loads = [d.load(weight) for d in districts]
    groups = [[index[n] for n in g.districts] for a in members for g in best(a, count[a]).groups]
    proven = all(r.proven for r in solved.values())
    return _result(districts, loads, groups, staff, proven=proven, method="milp")


def _lower_bound(w: Sequence[int], members: list[list[int]], staff: int) -> int:
    """The least capacity that could do: the heaviest district, and enough capacity that
    the areas' loads, each shared among whole staff members, need no more than N of them."""
    totals = [sum(w[i] for i in m) for m in members]
    if not any(w):
        return 0

    def needed(capacity: int) -> int:
        return sum(max(1, -(-t // capacity)) for t in totals)

    low, high = max(max(w), -(-sum(totals) // staff)), max(totals)
    while low < high:  # needed() only falls as the capacity grows
        mid = (low + high) // 2
        low, high = (low, mid) if needed(mid) <= staff else (mid + 1, high)
    return low


def _indices(districts: Sequence[District], result: Assignment) -> list[list[int]]:
    index = {d.name: i for i, d in enumerate(districts)}
    return [[index[name] for name in g.districts] for g in result.groups]


# -- step 5: an incumbent at or near the bound, by subset sums -------------------------------

RESTARTS = 40


def _packing(
    w: Sequence[int], members: list[list[int]], staff: int, lower: int, upper: int
) -> list[list[int]] | None:
    """Groups of at most the least capacity (from ``lower`` to ``upper - 1``) that a
    randomised subset-sum filling reaches, or None. A filling fills one group after another
    as close to the capacity as the districts allow; the seed is fixed, so the result is
    the same every time."""
    rng = random.Random(2018)
    for capacity in range(lower, upper):
        found = _fill_areas(w, members, staff, capacity, rng)
        if found is not None:
            return found
    return None


def _fill_areas(
    w: Sequence[int], members: list[list[int]], staff: int, capacity: int, rng: random.Random
) -> list[list[int]] | None:
    groups: list[list[int]] = []
    left = staff
    for k, area in enumerate(members):
        need = max(1, -(-sum(w[i] for i in area) // capacity))
        rest = len(members) - k - 1
        for n in range(need, min(len(area), left - rest) + 1):
            found = next(
                (g for _ in range(RESTARTS) if (g := _fill(w, area, n, capacity, rng))), None
            )
            if found is not None:
                groups += found
                left -= n
                break
        else:
            return None
    return _split(groups, w, staff)


def _fill(
    w: Sequence[int], items: list[int], n: int, capacity: int, rng: random.Random
) -> list[list[int]] | None:
    """``n`` groups of ``items`` of at most ``capacity`` each, or None: each group in turn is
    the subset (in a random order of the items) whose sum is the largest within the
    capacity, from reachable sums kept as the bits of an integer."""
    left = list(items)
    groups: list[list[int]] = []
    for k in range(n - 1, 0, -1):
        rng.shuffle(left)
        mask = (1 << (capacity + 1)) - 1
        reach = [1]
        for i in left:
            reach.append((reach[-1] | (reach[-1] << w[i])) & mask)
        total = reach[-1].bit_length() - 1
        if total <= 0 or len(left) - 1 < k:
            return None
        group, s = [], total
        for pos in range(len(left), 0, -1):
            if not (reach[pos - 1] >> s) & 1:
                group.append(left[pos - 1])
                s -= w[left[pos - 1]]
        if len(left) - len(group) < k:
            return None
        groups.append(group)
        chosen = set(group)
        left = [i for i in left if i not in chosen]
    if not left or sum(w[i] for i in left) > capacity:
        return None
    return [*groups, left]


def _split(groups: list[list[int]], w: Sequence[int], staff: int) -> list[list[int]]:
    """Fewer groups than staff: move the lightest district of the largest group to a new one
    (in the same area) until every staff member has a group; no load grows."""
    groups = [g for g in groups if g]
    while len(groups) < staff:
        g = max(groups, key=len)
        lightest = min(g, key=lambda i: (w[i], -i))
        g.remove(lightest)
        groups.append([lightest])
    return groups


# -- steps 1-4: the programme -----------------------------------------------------------------


def _solve(
    w: Sequence[int],
    members: list[list[int]],
    staff: int,
    lower: int,
    upper: int,
    time_limit: float,
) -> tuple[int, list[list[int]] | None]:
    """HiGHS on the programme with ``lower ≤ t ≤ upper``: its status (0 optimal, 2 proven
    infeasible, 1 stopped at the limit) and its groups, if it found any."""
    order = sorted(range(len(w)), key=lambda i: (-w[i], i))  # position p → district
    area = {i: a for a, m in enumerate(members) for i in m}
    m = _Model(len(w), staff, len(members) if len(members) > 1 else 0)
    _rows(m, [w[i] for i in order], [area[i] for i in order] if m.areas else [])
    low, high = np.zeros(m.t + 1), np.ones(m.t + 1)
    for p in range(m.n):
        for j in range(p + 1, staff):
            high[m.x(p, j)] = 0  # step 3: group j's heaviest district is at position ≥ j
    low[m.t], high[m.t] = lower, upper
    objective = np.zeros(m.t + 1)
    objective[m.t] = 1
    res = milp(
        objective,
        constraints=m.constraint(),
        integrality=np.ones(m.t + 1),
        bounds=Bounds(low, high),
        options={"time_limit": time_limit, "mip_rel_gap": 0.0, "presolve": True},
    )
    if res.x is None:
        return res.status, None
    groups: list[list[int]] = [[] for _ in range(staff)]
    for p in range(m.n):
        groups[int(np.argmax([res.x[m.x(p, k)] for k in range(staff)]))].append(order[p])
    if any(not g for g in groups) or any(len({area[i] for i in g}) > 1 for g in groups):
        return 1, None  # not a whole assignment (it cannot be, but it is not trusted blindly)
    if max(sum(w[i] for i in g) for g in groups) > upper:
        return 1, None
    return res.status, groups


def _rows(m: _Model, w: Sequence[int], area_of: Sequence[int]) -> None:
    """Steps 1–4 of the programme, over districts in heaviest-first positions."""
    for p in range(m.n):
        m.add({m.x(p, j): 1.0 for j in range(m.staff)}, 1, 1)
    for j in range(m.staff):
        coef = {m.x(p, j): float(w[p]) for p in range(m.n) if w[p]}
        coef[m.t] = -1.0
        m.add(coef, -np.inf, 0)
        m.add({m.x(p, j): 1.0 for p in range(m.n)}, 1, np.inf)
        # the others carry at most (N - 1)·t, so each carries at least the rest of the total
        window = {m.x(p, j): float(w[p]) for p in range(m.n) if w[p]}
        window[m.t] = float(m.staff - 1)
        m.add(window, float(sum(w)), np.inf)
    for j in range(1, m.staff):
        for p in range(j, m.n):
            # district p opens or joins group j only if group j - 1 has an earlier one
            coef = {m.x(k, j - 1): -1.0 for k in range(p)}
            coef[m.x(p, j)] = 1.0
            m.add(coef, -np.inf, 0)
    if not m.areas:
        return
    for j in range(m.staff):
        m.add({m.y(j, a): 1.0 for a in range(m.areas)}, 1, 1)
        for p in range(m.n):
            m.add({m.x(p, j): 1.0, m.y(j, area_of[p]): -1.0}, -np.inf, 0)


def _result(
    districts: Sequence[District],
    loads: Sequence[Fraction],
    groups: list[list[int]],
    staff: int,
    *,
    proven: bool,
    method: str,
) -> Assignment:
    """Number the groups by life area (first seen), then by their first district."""
    area_rank = {a: r for r, a in enumerate(_by_area(districts))}
    kept = sorted(
        (sorted(g) for g in groups if g),
        key=lambda g: (area_rank[districts[g[0]].life_area], g[0]),
    )
    made = tuple(
        Group(
            staff=k,
            districts=tuple(districts[i].name for i in g),
            life_area="・".join(dict.fromkeys(districts[i].life_area for i in g)),
            load=sum((loads[i] for i in g), Fraction(0)),
        )
        for k, g in enumerate(kept, start=1)
    )
    heaviest = max((g.load for g in made), default=Fraction(0))
    return Assignment(staff=staff, max_load=heaviest, groups=made, proven=proven, method=method)


# -- the file: 地区, 圏域, 高齢者数 and optionally 高リスク者数 ------------------------------------


@dataclass(frozen=True, slots=True)
class Fault:
    """One bad cell: its row (the header is row 1), its column, its value, what was expected."""

    row: int
    column: str
    value: str
    expected: str

    @property
    def message(self) -> str:
        given = f"（入力: {self.value}）" if self.value else ""
        return f"{self.row}行目「{self.column}」: {self.expected}{given}"

    def __str__(self) -> str:
        return self.message


class DistrictFileError(ValueError):
    """Every fault of a districts file."""

    def __init__(self, faults: list[Fault]) -> None:
        self.errors = faults[:MAX_ERRORS]
        self.count = len(faults)
        text = "\n".join(f.message for f in faults[:50])
        if self.count > 50:
            text += f"\nほか {self.count - 50:,} 件"
        super().__init__(text)


def read_districts(table: Table, *, with_risk: bool) -> list[District]:
    """The districts of a file, every cell checked (raise :class:`DistrictFileError` with all
    the faults). ``with_risk``: the 高リスク者数 column is needed and read."""
    column_of = {normalize_display(h): h for h in table.headers}
    wanted = (*COLUMNS, RISK) if with_risk else COLUMNS
    missing = [c for c in wanted if c not in column_of]
    if missing:
        absent = [
            Fault(
                1,
                c,
                "",
                f"見出し「{c}」の列が必要です"
                + (
                    "（--risk-weight で重みを付けるには高リスク者数の列が要ります）"
                    if c == RISK
                    else ""
                )
                + f"（列は {'、'.join(COLUMNS)}、任意で {RISK}）",
            )
            for c in missing
        ]
        raise DistrictFileError(absent)
    if not len(table):
        raise DistrictFileError([Fault(2, COLUMNS[0], "", "データの行がありません")])
    if len(table) > MAX_DISTRICTS:
        raise DistrictFileError(
            [
                Fault(
                    2,
                    COLUMNS[0],
                    "",
                    f"地区は{MAX_DISTRICTS}か所までです（{len(table):,}行あります）",
                )
            ]
        )
    faults: list[Fault] = []
    found: list[District] = []
    seen: dict[str, int] = {}
    for row in table:
        v = {c: row.values[column_of[c]].strip() for c in wanted}
        before = len(faults)
        name = _name(faults, row.number, "地区", v["地区"])
        area = _name(faults, row.number, "圏域", v["圏域"])
        aged = _count(faults, row.number, "高齢者数", v["高齢者数"])
        risk = _count(faults, row.number, RISK, v[RISK]) if with_risk else 0
        if name:
            key = normalize_display(name)
            if key in seen:
                faults.append(
                    Fault(
                        row.number, "地区", name, f"地区が重複しています（{seen[key]}行目と同じ）"
                    )
                )
            else:
                seen[key] = row.number
        if aged is not None and risk is not None and risk > aged:
            faults.append(
                Fault(row.number, RISK, v[RISK], f"高リスク者数は高齢者数（{aged:,}）以下です")
            )
        if len(faults) == before:
            assert aged is not None and risk is not None
            found.append(District(name, area, aged, risk))
    if faults:
        raise DistrictFileError(faults)
    return found


def _name(faults: list[Fault], row: int, column: str, value: str) -> str:
    if not value:
        faults.append(Fault(row, column, "", f"{column}の名前が空です"))
    elif len(value) > MAX_NAME:
        faults.append(Fault(row, column, value[:20] + "…", f"{MAX_NAME}文字以内です"))
    return normalize_display(value)


def _count(faults: list[Fault], row: int, column: str, value: str) -> int | None:
    text = unicodedata.normalize("NFKC", value).replace(",", "").strip()
    if _INTEGER.fullmatch(text) and int(text) <= MAX_COUNT:
        return int(text)
    if not text:
        expected = "人数が空です（0以上の整数）"
    elif text.startswith("-") and _INTEGER.fullmatch(text[1:]):
        expected = "人数は負にできません（0以上の整数）"
    else:
        expected = f"0以上{MAX_COUNT:,}以下の整数です"
    faults.append(Fault(row, column, value, expected))
    return None
