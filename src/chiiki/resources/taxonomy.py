"""The directory's vocabularies (categories, provider kinds, 総合事業 types) as data.

Pure: no Django. Read from the versioned YAML in ``rules/``; every term gets a stable
UUID derived from its taxonomy and code, so HSDS exports keep the same ids everywhere.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

RULES = Path(__file__).parent / "rules"
CURRENT = "taxonomy-v1.yaml"
# The namespace of every id this application derives (uuid5), fixed once.
NAMESPACE = uuid.UUID("6f1c7c8e-4a8e-5b1e-9d0a-2c1d35204700")
TAXONOMY_PREFIX = "chiiki-"  # HSDS taxonomy names: chiiki-category, chiiki-provider_kind …


@dataclass(frozen=True)
class Term:
    taxonomy: str
    code: str
    name: str
    description: str

    @property
    def uuid(self) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"taxonomy-term/{self.taxonomy}/{self.code}")


@dataclass(frozen=True)
class Taxonomy:
    key: str
    name: str
    description: str
    terms: tuple[Term, ...]
    version: int

    @property
    def uuid(self) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"taxonomy/{self.key}")

    @property
    def hsds_name(self) -> str:
        return TAXONOMY_PREFIX + self.key

    def get(self, code: str) -> Term | None:
        return next((t for t in self.terms if t.code == code), None)

    def by_name(self, name_or_code: str) -> Term | None:
        return next((t for t in self.terms if name_or_code in (t.code, t.name)), None)

    def choices(self) -> list[tuple[str, str]]:
        return [(t.code, t.name) for t in self.terms]


@lru_cache(maxsize=4)
def load(filename: str = CURRENT) -> dict[str, Taxonomy]:
    """All taxonomies of one version of the vocabulary file."""
    data = yaml.safe_load((RULES / filename).read_text(encoding="utf-8"))
    version = int(data["version"])
    found: dict[str, Taxonomy] = {}
    for key, spec in data["taxonomies"].items():
        terms = tuple(
            Term(key, str(t["code"]), str(t["name"]), str(t.get("description") or t["name"]))
            for t in spec["terms"]
        )
        found[key] = Taxonomy(key, spec["name"], spec["description"], terms, version)
    return found


def categories() -> Taxonomy:
    return load()["category"]


def provider_kinds() -> Taxonomy:
    return load()["provider_kind"]


def sogo_types() -> Taxonomy:
    return load()["sogo_type"]


def term_by_uuid(value: str) -> Term | None:
    for taxonomy in load().values():
        for term in taxonomy.terms:
            if str(term.uuid) == value:
                return term
    return None
