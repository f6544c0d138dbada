"""Suggest prevention services and directory resources for the domains a checklist flagged."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PATH = Path(__file__).resolve().parent / "suggestions.yaml"


@dataclass(frozen=True)
class Suggestion:
    criterion: str
    label: str
    services: tuple[str, ...]
    categories: tuple[str, ...]
    resources: tuple[str, ...] = ()  # names of directory resources found in these categories


@cache
def _table() -> dict[str, Any]:
    return yaml.safe_load(PATH.read_text(encoding="utf-8"))["domains"]


def suggestions(flagged: list[str]) -> list[Suggestion]:
    """One suggestion per flagged criterion (c1…c7), in order."""
    table = _table()
    return [
        Suggestion(c, table[c]["label"], tuple(table[c]["services"]), tuple(table[c]["resources"]))
        for c in flagged
        if c in table
    ]


def with_directory(
    items: list[Suggestion], municipality_id: int, limit: int = 3
) -> list[Suggestion]:
    """Add resources of the directory whose category matches, if the resources app offers them.

    The directory is another module: it is asked defensively, and any shape it does not have
    simply means no named resources (the category names are still shown).
    """
    try:
        from django.apps import apps

        model = apps.get_model("resources", "Resource")
    except (LookupError, ImportError):
        return items
    out = []
    for s in items:
        names: list[str] = []
        try:
            for field in ("category__name", "categories__name"):
                try:
                    qs = model.objects.filter(**{f"{field}__in": list(s.categories)})
                    if hasattr(model, "municipality_id"):
                        qs = qs.filter(municipality_id=municipality_id)
                    names = list(qs.values_list("name", flat=True).distinct()[:limit])
                    break
                except Exception:
                    continue
        except Exception:
            names = []
        out.append(Suggestion(s.criterion, s.label, s.services, s.categories, tuple(names)))
    return out
