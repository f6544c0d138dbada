"""What every file checker of the project shares: a bad cell (:class:`Fault`), the error
that carries every fault of a file (:class:`FileFaults`), the tally that keeps the first
``MAX_ERRORS`` of them and counts the rest (:class:`Faults`), and the header row read
through a table of other names for the columns (:func:`header_map`). Pure: no Django.

A checker reports every fault of a file at once, each with its row, column, value and what
was expected, in Japanese; the import writes nothing unless the whole file passes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

MAX_ERRORS = 500  # faults kept to show; all of them are counted
MAX_SHOWN = 50  # faults in the exception's text

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Fault:
    """One bad cell, or a rule between rows broken at one row and column."""

    row: int
    column: str
    value: str
    expected: str

    @property
    def message(self) -> str:
        shown = f"（入力: {self.value}）" if self.value else ""
        return f"{self.row}行目「{self.column}」: {self.expected}{shown}"

    def __str__(self) -> str:
        return self.message


class FileFaults(ValueError):
    """Every fault of a file; nothing of it is stored. Each checker names its own kind."""

    def __init__(self, faults: list[Fault], count: int | None = None) -> None:
        self.errors = faults[:MAX_ERRORS]
        self.count = count if count is not None else len(faults)
        text = "\n".join(str(f) for f in faults[:MAX_SHOWN])
        if self.count > MAX_SHOWN:
            text += f"\nほか {self.count - MAX_SHOWN:,} 件"
        super().__init__(text)


@dataclass
class Faults:
    """The faults found so far: the first ``MAX_ERRORS`` kept, all of them counted."""

    faults: list[Fault] = field(default_factory=list)
    count: int = 0

    def bad(self, row: int, column: str, value: str, expected: str) -> None:
        self.count += 1
        if len(self.faults) < MAX_ERRORS:
            self.faults.append(Fault(row, column, value, expected))


def header_key(text: str) -> str:
    """A header as it is looked up: NFKC (full-width folded) and without any space."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


def header_map(
    headers: Sequence[str],
    aliases: Mapping[str, str],
    required: Sequence[str],
    optional: Sequence[str] = (),
) -> tuple[dict[str, str], list[Fault]]:
    """The file's headers by the column each one is, and the faults of the header row: a
    header no alias names, a column given twice, a required column missing."""
    mapping: dict[str, str] = {}
    faults: list[Fault] = []
    for header in headers:
        name = aliases.get(header_key(header))
        if name is None:
            known = "・".join((*required, *optional))
            faults.append(Fault(1, header, "", "知らない列です。列は " + known))
        elif name in mapping.values():
            faults.append(Fault(1, header, "", f"「{name}」の列が2つあります"))
        else:
            mapping[header] = name
    for name in required:
        if name not in mapping.values():
            faults.append(Fault(1, name, "", "この列がありません"))
    return mapping, faults
