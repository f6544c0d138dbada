"""Demo data for surveys: a needs survey of the demo municipality and counter checklists.

Synthetic and deterministic from the seed. Prevalences follow the rough national shapes of
RULES.md §7 (not rules): each person has a latent frailty that rises with age and is higher
in the rural life areas, and each item's risk answer depends on it, so risks cluster as
they do in real data. About 70% answer by mail; the support center visits the rest and
about half of those visited answer at the visit (和光市).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction

from chiiki.accounts.models import User
from chiiki.areas.models import Municipality
from chiiki.people.models import CareLevel, Person
from chiiki.surveys import rules, scoring, services
from chiiki.surveys.models import MailingEntry, Outcome, Screening, ServiceEnrolment, Survey, Visit

SURVEY_NAME = "平成29年度 介護予防・日常生活圏域ニーズ調査"
ON = dt.date(2018, 4, 1)
MAILED = dt.date(2018, 1, 15)
# Life area code → (frailty shift, extra for 閉じこもり): the rural areas go out less.
AREA_SHIFT = {"01": (-0.15, 0.0), "02": (0.1, 0.2), "03": (0.3, 0.45), "04": (0.35, 0.5)}
# item → (intercept, slope on frailty, risk codes, other codes)
ITEMS: dict[str, tuple[float, float, list[int], list[int]]] = {
    "stairs": (-2.3, 1.3, [3], [1, 2]),
    "chair_stand": (-2.9, 1.3, [3], [1, 2]),
    "walk_15min": (-2.6, 1.3, [3], [1, 2]),
    "falls": (-1.0, 0.7, [1, 2], [3]),
    "fall_anxiety": (-0.2, 0.9, [1, 2], [3, 4]),
    "outings_weekly": (-1.9, 0.9, [1, 2], [3, 4]),
    "hard_food": (-0.9, 0.6, [1], [2]),
    "choking": (-1.1, 0.5, [1], [2]),
    "dry_mouth": (-0.9, 0.5, [1], [2]),
    "weight_loss": (-2.3, 0.5, [1], [2]),
    "forgetful": (-0.35, 0.5, [1], [2]),
    "mood_low": (-1.2, 0.4, [1], [2]),
    "no_interest": (-1.8, 0.4, [1], [2]),
    "iadl_bus": (-4.4, 1.3, [3], [1, 2]),
    "iadl_shopping": (-4.6, 1.3, [3], [1, 2]),
    "iadl_meals": (-4.2, 1.1, [3], [1, 2]),
    "iadl_bills": (-4.8, 1.3, [3], [1, 2]),
    "iadl_savings": (-4.7, 1.3, [3], [1, 2]),
}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _answers(
    rng: np.random.Generator, frailty: np.ndarray, withdrawal_shift: np.ndarray, sex: np.ndarray
) -> dict[str, list]:
    n = len(frailty)
    out: dict[str, list] = {}
    for item, (c, s, risk, other) in ITEMS.items():
        z = c + s * frailty + (withdrawal_shift if item == "outings_weekly" else 0)
        hit = rng.random(n) < _sigmoid(z)
        pick_risk = np.array(risk)[rng.integers(0, len(risk), n)]
        pick_other = np.array(other)[rng.integers(0, len(other), n)]
        values = np.where(hit, pick_risk, pick_other).astype(object)
        values[rng.random(n) < 0.02] = None  # a few unanswered items
        out[item] = values.tolist()
    height = np.where(sex == "M", rng.normal(163, 6, n), rng.normal(150, 6, n))
    bmi = rng.normal(22.5, 3.0, n) - 0.4 * frailty
    out["height_cm"] = np.round(height, 1).tolist()
    out["weight_kg"] = np.round(bmi * (height / 100) ** 2, 1).tolist()
    return out


def _csv(rows: list[dict]) -> bytes:
    header = ["回答者ID", "被保険者番号", "回答方法", *ITEMS.keys(), "height_cm", "weight_kg"]
    lines = [",".join(header)]
    for r in rows:
        cells = [r["id"], r["insured_number"], r["method"]] + [
            "" if r[k] is None else str(r[k]) for k in [*ITEMS.keys(), "height_cm", "weight_kg"]
        ]
        lines.append(",".join(cells))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def build(municipality: Municipality, seed: int) -> None:
    """Add this module's demo data unless it is there already."""
    if Survey.objects.filter(municipality=municipality, name=SURVEY_NAME).exists():
        return
    with transaction.atomic():
        _build(municipality, seed)


def _build(municipality: Municipality, seed: int) -> None:
    rng = np.random.default_rng(seed + 3)
    survey = services.survey_create(
        user=None, municipality=municipality, name=SURVEY_NAME, fiscal_year=2017, mailed_on=MAILED
    )
    services.mailing_from_register(survey=survey, on=ON)
    hokatsu = User.objects.filter(username="hokatsu", municipality=municipality).first()
    if hokatsu is not None:
        for district in municipality.districts.filter(life_area__in=hokatsu.life_areas.all()):
            services.district_owner_set(district=district, staff=hokatsu)
    entries = list(
        MailingEntry.objects.filter(survey=survey)
        .select_related("person", "district__life_area")
        .order_by("person_id")
    )
    n = len(entries)
    age = np.array([e.person.age_on(ON) for e in entries])
    sex = np.array([e.person.sex for e in entries])
    shift = np.array([AREA_SHIFT.get(e.district.life_area.code, (0.0, 0.0)) for e in entries])
    frailty = rng.normal(0, 1, n) + 0.07 * (age - 75) + shift[:, 0]
    answers = _answers(rng, frailty, shift[:, 1], sex)
    by_mail = rng.random(n) < (0.78 - 0.004 * (age - 65) - 0.05 * np.clip(frailty, 0, None))
    visited = ~by_mail & (rng.random(n) < 0.75)
    outcome_names = [
        Outcome.ANSWERED,
        Outcome.ABSENT,
        Outcome.REFUSED,
        Outcome.HOSPITAL,
        Outcome.MOVED,
        Outcome.DIED,
    ]
    outcome_of = rng.choice(len(outcome_names), size=n, p=[0.5, 0.2, 0.15, 0.08, 0.04, 0.03])
    rows: list[dict] = []
    visits: list[Visit] = []
    changed: list[MailingEntry] = []
    for i, e in enumerate(entries):
        method = None
        if by_mail[i]:
            method = "郵送"
        elif visited[i]:
            outcome = outcome_names[outcome_of[i]]
            e.outcome = outcome
            changed.append(e)
            staff = hokatsu if hokatsu is not None and e.district.life_area.code == "01" else None
            visits.append(
                Visit(
                    entry=e,
                    visited_on=dt.date(2018, 2, 1) + dt.timedelta(days=int(rng.integers(0, 50))),
                    outcome=outcome,
                    staff=staff,
                )
            )
            if outcome == Outcome.ANSWERED:
                method = "訪問"
        if method is not None:
            rows.append(
                {
                    "id": f"H29-{i + 1:05d}",
                    "insured_number": e.person.insured_number or "",
                    "method": method,
                    **{k: v[i] for k, v in answers.items()},
                }
            )
    MailingEntry.objects.bulk_update(changed, ["outcome"], batch_size=2000)
    Visit.objects.bulk_create(visits, batch_size=2000)
    result = services.survey_import(
        user=None, survey=survey, data=_csv(rows), filename="demo.csv", channel="demo"
    )
    if not result.ok:  # the generator writes only valid answers; fail loudly if it ever does not
        raise RuntimeError("; ".join(e.message for e in result.errors[:5]))
    _screenings(municipality, rng)


def _screenings(municipality: Municipality, rng: np.random.Generator, count: int = 300) -> None:
    """Counter checklists: people who came with a concern, so most are eligible (RULES.md §7)."""
    people = list(
        Person.objects.filter(
            municipality=municipality, care_level__in=[CareLevel.NONE, CareLevel.PROGRAM_ELIGIBLE]
        )
        .order_by("id")
        .values_list("id", "birth_date", "sex")
    )
    picks = sorted(rng.choice(len(people), size=min(count, len(people)), replace=False).tolist())
    ruleset = rules.builtin_ruleset(rules.KCL)
    import polars as pl

    frailty = rng.normal(0.9, 1, len(picks))
    data: dict[str, list] = {"id": [str(people[p][0]) for p in picks]}
    for i in range(1, 26):
        if i == 12:
            continue
        base = -1.6 if i not in (9, 10, 17, 18) else -0.6
        data[f"q{i}"] = (
            (rng.random(len(picks)) < _sigmoid(base + 0.9 * frailty)).astype(int).tolist()
        )
    sexes = np.array([people[p][2] for p in picks])
    height = np.where(sexes == "M", rng.normal(163, 6, len(picks)), rng.normal(150, 6, len(picks)))
    weight = rng.normal(21.5, 3, len(picks)) * (height / 100) ** 2
    data["height_cm"] = np.round(height, 1).tolist()
    data["weight_kg"] = np.round(weight, 1).tolist()
    frame = pl.DataFrame(data)
    scored = scoring.kcl_score(frame, ruleset)
    screenings = []
    enrolments = []
    for k, row in enumerate(scored.iter_rows(named=True)):
        person_id = int(row["id"])
        day = dt.date(2017, 4, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
        answers = {f"q{i}": data[f"q{i}"][k] for i in range(1, 26) if i != 12}
        screenings.append(
            Screening(
                person_id=person_id,
                screened_on=day,
                answers=answers,
                height_cm=round(float(data["height_cm"][k]), 1),
                weight_kg=round(float(data["weight_kg"][k]), 1),
                results={c: row[c] for c in scored.columns if c != "id"},
                eligible=None if row["eligible"] is None else bool(row["eligible"]),
                ruleset_ref=ruleset.ref,
            )
        )
        if (
            row["eligible"] == 1 and rng.random() < 0.45
        ):  # a little under half already joined something
            kind = str(
                rng.choice(
                    ["通所型サービスC", "いきいき百歳体操", "通いの場・サロン", "訪問型サービスA"]
                )
            )
            enrolments.append(
                ServiceEnrolment(
                    person_id=person_id,
                    kind=kind,
                    started_on=day + dt.timedelta(days=int(rng.integers(7, 60))),
                )
            )
    Screening.objects.bulk_create(screenings)
    ServiceEnrolment.objects.bulk_create(enrolments)


def prevalence_check(survey: Survey) -> dict[str, float]:
    """Share of respondents at risk, per determination (for looking at the demo's realism)."""
    from chiiki.surveys.models import Respondent

    results = list(Respondent.objects.filter(survey=survey).values_list("results", flat=True))
    out = {}
    for det in results[0] if results else {}:
        decided = [r[det] for r in results if r.get(det) is not None]
        if decided and set(decided) <= {0, 1}:
            out[det] = round(sum(decided) / len(decided), 3)
    return out
