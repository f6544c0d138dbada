"""The subcommands of ``chiiki prefecture``, one module each.

Each module in ``SUBCOMMANDS`` has ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(command, options)``; the command builds its parser from them, so a new subcommand is
one module and one line here.
"""

from __future__ import annotations

from types import ModuleType

SUBCOMMANDS: tuple[str, ...] = (
    "dispatch",
    "teams",
)


def modules() -> list[ModuleType]:
    from importlib import import_module

    return [import_module(f"chiiki.prefecture.cli.{name}") for name in SUBCOMMANDS]
