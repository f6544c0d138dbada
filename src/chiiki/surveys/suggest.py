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
    items: list[Suggestion], municipality_id: int, district_id: int | None = None, limit: int = 3
) -> list[Suggestion]:
    """Add the directory's services in each suggested category, the person's district first.

    The directory is another module: it is asked defensively, and anything it does not offer
    simply means no named services (the category names are still shown).
    """
    try:
        from django.apps import apps

        from chiiki.resources import taxonomy

        service = apps.get_model("resources", "Service")
        codes = {t.name: t.code for t in taxonomy.categories().terms}
    except (LookupError, ImportError, AttributeError, KeyError):
        return items
    out = []
    for s in items:
        names: list[str] = []
        for category in s.categories:
            code = codes.get(category)
            if code is None:
                continue
            try:
                found = list(
                    service.objects.filter(
                        municipality_id=municipality_id,
                        status="active",
                        category_codes__contains=f"|{code}|",
                    ).values_list("name", "district_id")[:50]
                )
            except Exception:
                return items
            found.sort(key=lambda row: row[1] != district_id)
            names += [n for n, _ in found if n not in names]
        out.append(Suggestion(s.criterion, s.label, s.services, s.categories, tuple(names[:limit])))
    return out
