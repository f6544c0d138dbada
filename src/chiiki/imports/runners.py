"""The registry of what each kind of import does with the bytes of its job.

Each app registers its own runner (``@runner(ImportKind.POPULATION)`` in
``areas/importers.py``, loaded by its AppConfig), so that this platform app knows no app
above it. A runner returns an :class:`Outcome`; it never raises for a bad file (the
service's own errors become the outcome's messages, each with its row and column when the
file has one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from chiiki.core.tabular import Progress, TableError
from chiiki.imports.models import ImportJob

FILE = "ファイル"


@dataclass
class Outcome:
    """What a run came to. ``keep_file``: the upload stays for a next step (a preview's
    commit, or a second try with the columns mapped), see ``import_job_follow``."""

    ok: bool
    summary: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    keep_file: bool = False


class BadCell(Protocol):
    @property
    def row(self) -> int: ...
    @property
    def column(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def expected(self) -> str: ...


def cell(e: BadCell, message: str | None = None) -> dict[str, Any]:
    """One fault as the job page and the API show it."""
    return {
        "row": e.row,
        "column": e.column,
        "value": e.value,
        "expected": e.expected,
        "message": message if message is not None else str(getattr(e, "message", e)),
    }


def failure(message: str, filename: str = "") -> Outcome:
    """A job that could not run at all; the message has the shape of a file's fault."""
    return Outcome(ok=False, errors=[_file_fault(1, filename, message)], error_count=1)


def file_error(filename: str, exc: TableError) -> dict[str, Any]:
    """A fault of the whole file (as the reader found it) in the shape of a bad cell."""
    return _file_fault(exc.row or 1, filename, str(exc))


def _file_fault(row: int, filename: str, expected: str) -> dict[str, Any]:
    return {
        "row": row,
        "column": FILE,
        "value": filename,
        "expected": expected,
        "message": f"ファイル「{filename}」: {expected}",
    }


Runner = Callable[[ImportJob, bytes, Progress], Outcome]
RUNNERS: dict[str, Runner] = {}


def runner(kind: str) -> Callable[[Runner], Runner]:
    """Register the function that runs imports of ``kind``."""

    def register(fn: Runner) -> Runner:
        RUNNERS[kind] = fn
        return fn

    return register
