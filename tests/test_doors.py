"""The doors hold by construction: the shell never queries models itself, every model that
names a resident says how it is scoped and audited, and the door scopes each one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps

from chiiki.accounts import access
from chiiki.accounts.access import Cap

SRC = Path(__file__).resolve().parents[1] / "src" / "chiiki"
SHELL = sorted(
    [
        *SRC.glob("*/views.py"),
        *SRC.glob("*/api.py"),
        SRC / "api.py",
        SRC / "urls.py",
        *SRC.glob("*/management/commands/*.py"),
        SRC / "web" / "context_processors.py",
        SRC / "web" / "middleware.py",
    ]
)


def _queries(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}:
            found.append(f"{path.name}:{node.lineno} .{node.attr}")
    return found


def test_views_api_routes_and_commands_never_query_a_model_themselves():
    offending = [f"{p.parent.name}/{hit}" for p in SHELL for hit in _queries(p)]
    assert offending == [], "call a selector or a service instead:\n" + "\n".join(offending)


def test_the_shell_check_would_catch_a_query(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text("def v(r):\n    return Person.objects.filter(pk=1)\n")
    assert _queries(sample) == ["views.py:2 .objects"]


def _names_a_person(model) -> bool:
    return any(
        f.is_relation
        and f.related_model is not None
        and f.related_model._meta.label_lower in {"people.person", "people.volunteer"}
        and (f.many_to_one or f.one_to_one)
        and f.concrete
        for f in model._meta.get_fields()
    )


CHIIKI_MODELS = [m for m in apps.get_models() if m.__module__.startswith("chiiki.")]


@pytest.mark.parametrize(
    "model", [m for m in CHIIKI_MODELS if _names_a_person(m)], ids=lambda m: m._meta.label
)
def test_every_model_that_names_a_resident_declares_how_the_door_scopes_it(model):
    paths = access.paths_of(model)
    assert paths.person, f"{model._meta.label} names a person but its access_paths do not"
    if model._meta.label != "accounts.User":  # a login lies in no district
        assert paths.life_area, f"{model._meta.label} names a resident but has no life-area path"


@pytest.mark.parametrize(
    "model",
    [m for m in CHIIKI_MODELS if getattr(m, "access_paths", None)],
    ids=lambda m: m._meta.label,
)
def test_each_declared_path_is_a_real_lookup(db, personas, model):
    """Every path compiles to SQL for every scope (a typo would otherwise refuse nobody or
    everybody only at run time)."""
    for cap in Cap:
        for user in personas.values():
            list(model._default_manager.filter(access.scope_q(user, cap, model))[:1])
