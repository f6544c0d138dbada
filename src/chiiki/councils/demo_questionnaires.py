"""Demo data for district questionnaires: one 第2層 body's 地区アンケート with 300 answers.

Synthetic and deterministic from the seed; building it again changes nothing (the
questionnaire is found by its body and name, the answers by their keys). The answers are
spread over the body's districts by their number of older residents, so a small district
gets few answers and the results show suppressed cells beside the published ones. Troubles
with shopping and getting to the clinic are more common the further a district lies down
the life area's list (the guide's 萩市: the outer districts are the rural ones).
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from django.db.models import Count

from chiiki.areas.models import District, Municipality
from chiiki.councils import instrument
from chiiki.councils.models import AnswerMethod, Body, Layer, Questionnaire
from chiiki.councils.services import questionnaires as services
from chiiki.people.models import Person

ANSWERS = 300
TABLET = 40  # of them entered on a tablet at salons; the rest from paper
FISCAL_YEAR = 2017
SALT = 9_117  # keeps this module's random stream apart from the other demo steps'

# mark → (base probability, extra per step of rurality 0..1)
TROUBLES = {
    "trouble_shopping": (0.18, 0.30),
    "trouble_clinic": (0.15, 0.30),
    "trouble_garbage": (0.08, 0.06),
    "trouble_weeding": (0.20, 0.15),
    "trouble_talk": (0.06, 0.04),
}
HELPS = {
    "help_shopping": (0.12, 0.0),
    "help_ride": (0.08, 0.04),
    "help_garbage": (0.18, 0.0),
    "help_weeding": (0.10, 0.08),
    "help_talk": (0.22, 0.0),
}


def _body(bodies: Iterable[Body]) -> Body | None:
    """The 第2層 body with the most districts in its life area (the first of equals)."""
    second = [b for b in bodies if b.layer == Layer.LIFE_AREA and b.life_area_id]
    if not second:
        return None
    sizes = dict(
        District.objects.filter(life_area_id__in=[b.life_area_id for b in second])
        .values_list("life_area_id")
        .annotate(n=Count("id"))
        .values_list("life_area_id", "n")
    )
    return max(second, key=lambda b: (sizes.get(b.life_area_id or 0, 0), -b.pk))


def _weights(districts: list[District]) -> list[float]:
    older = dict(
        Person.objects.filter(district__in=districts)
        .values_list("district_id")
        .annotate(n=Count("id"))
        .values_list("district_id", "n")
    )
    return [float(older.get(d.pk, 0)) or 1.0 for d in districts]


def _sheet(rng: random.Random, rural: float) -> dict[str, int | None]:
    age = rng.choices([1, 2, 3, 4], [0.12, 0.38, 0.33, 0.17])[0]
    sheet: dict[str, int | None] = {
        "age_band": age if rng.random() > 0.02 else None,
        "household": rng.choices([1, 2, 3], [0.22 + 0.1 * rural, 0.38, 0.40 - 0.1 * rural])[0],
    }
    older = 0.08 * (age - 2)
    marked = False
    for mark, (base, extra) in TROUBLES.items():
        hit = rng.random() < base + extra * rural + older
        sheet[mark] = 1 if hit else None
        marked = marked or hit
    sheet["trouble_none"] = None if marked else (1 if rng.random() < 0.85 else None)
    marked = False
    for mark, (base, extra) in HELPS.items():
        hit = rng.random() < base + extra * rural - older / 2
        sheet[mark] = 1 if hit else None
        marked = marked or hit
    sheet["help_none"] = None if marked else (1 if rng.random() < 0.8 else None)
    sheet["stay"] = rng.choices([1, 2, 3, 4], [0.5, 0.3, 0.12, 0.08])[0]
    return sheet


def build(municipality: Municipality, seed: int, bodies: Iterable[Body]) -> None:
    body = _body([b for b in bodies if b.municipality_id == municipality.pk])
    if body is None:
        return
    name = f"{FISCAL_YEAR}年度 地区アンケート（{body.name}）"
    questionnaire = Questionnaire.objects.filter(body=body, name=name).first()
    if questionnaire is None:
        questionnaire = services.questionnaire_create(
            user=None,
            body=body,
            name=name,
            fiscal_year=FISCAL_YEAR,
            instrument_yaml=instrument.example_yaml(),
        )
    districts = services.body_districts(body)
    if not districts:
        return
    rng = random.Random(seed * 31 + SALT)
    weights = _weights(districts)
    paper, tablet = [], []
    for number in range(1, ANSWERS + 1):
        index = rng.choices(range(len(districts)), weights)[0]
        rural = index / (len(districts) - 1) if len(districts) > 1 else 0.0
        sheet = _sheet(rng, rural)
        if number <= ANSWERS - TABLET:
            paper.append((f"D{number:04d}", districts[index], sheet))
        else:
            tablet.append((f"{services.TABLET_PREFIX}demo-{number:04d}", districts[index], sheet))
    services.questionnaire_answers_store(user=None, questionnaire=questionnaire, sheets=paper)
    services.questionnaire_answers_store(
        user=None, questionnaire=questionnaire, sheets=tablet, method=AnswerMethod.TABLET
    )
