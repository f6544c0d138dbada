"""Demo data for this module, added to the demo municipality (idempotent)."""

from __future__ import annotations

from chiiki.areas.models import Municipality


def build(municipality: Municipality, seed: int) -> None:
    """Add this module's demo data unless it is there already."""
