"""How a model's rows reach what access scopes are about (declared on each model).

Kept apart from ``access`` so that every app's models can declare their paths without
importing the door (which imports the audit models).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paths:
    """How a model's rows reach what scopes are about, as ORM lookups from the model.

    ``municipality`` is a foreign key to the municipality (``"pk"`` for the municipality
    itself); ``life_area`` one to the life area; ``person`` one to the resident the row
    names (``"pk"`` for a person); ``volunteer`` one to the person of the volunteer a job
    is given to; ``invited`` one to the users invited to the meeting the row belongs to (an
    outside professional reaches only those rows); ``prefecture`` one to the prefecture,
    where the row is not reached through ``municipality``. A row that belongs to a
    prefecture alone (a seminar) has an empty ``municipality``: no municipal scope reaches
    it. A scope whose path a model lacks reaches none of its rows, except that a
    model lying in no life area is reached under the ``areas`` scope by its municipality.
    """

    municipality: str
    life_area: str | None = None
    person: str | None = None
    volunteer: str | None = None
    invited: str | None = None
    prefecture: str | None = None

    def municipality_id(self) -> str:
        return column(self.municipality)

    def prefecture_id(self) -> str | None:
        """None when the municipality is a plain id column (no join leads to a prefecture)."""
        if self.prefecture:
            return column(self.prefecture)
        if self.municipality.endswith("_id"):
            return None
        return f"{self.municipality}__prefecture_id"


def column(path: str) -> str:
    """The lookup of a foreign key's value: ``pk``, a plain id column, or ``<fk>_id``."""
    return path if path == "pk" or path.endswith("_id") else f"{path}_id"
