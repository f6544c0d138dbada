"""The councils' vocabularies as versioned data: the kinds of organisation members come
from, and the tags of the register of regional issues. Pure: no Django."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

HERE = Path(__file__).parent / "taxonomies"
ORGANISATION_KINDS = "organisation-kinds-v1.yaml"
ISSUE_TAGS = "issue-tags-v1.yaml"


class TaxonomyError(ValueError):
    """A vocabulary file that does not make sense; the message says where."""


@dataclass(frozen=True)
class Term:
    code: str
    name: str


@dataclass(frozen=True)
class Vocabulary:
    version: int
    status: str
    terms: tuple[Term, ...]

    def get(self, code: str) -> Term | None:
        return next((t for t in self.terms if t.code == code), None)

    def choices(self) -> list[tuple[str, str]]:
        return [(t.code, t.name) for t in self.terms]

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(t.code for t in self.terms)


def load_vocabulary(path: Path, key: str, code_key: str = "code") -> Vocabulary:
    """A versioned vocabulary file: ``version``, ``status`` and a list under ``key`` of
    items with ``code_key`` and ``name``."""
    name = path.name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    terms, seen = [], set()
    for i, raw in enumerate(data.get(key) or [], start=1):
        code, label = str(raw.get(code_key, "")).strip(), str(raw.get("name", "")).strip()
        if not code or not label:
            raise TaxonomyError(f"{name}: {i}番目の項目に {code_key} と name が必要です")
        if code in seen:
            raise TaxonomyError(f"{name}: {code} が重複しています")
        seen.add(code)
        terms.append(Term(code, label))
    return Vocabulary(int(data.get("version", 0)), str(data.get("status", "")), tuple(terms))


@cache
def organisation_kinds() -> Vocabulary:
    return load_vocabulary(HERE / ORGANISATION_KINDS, "kinds", "key")


@cache
def issue_tags() -> Vocabulary:
    return load_vocabulary(HERE / ISSUE_TAGS, "tags", "code")
