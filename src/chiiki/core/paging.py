"""One page of a list for the JSON API: ``{"items": [...], "count": N}``.

A page past the end is empty (unlike the web pages, which show the last one), so that a
client walking ``page=1, 2, …`` stops at the first empty page.
"""

from __future__ import annotations

from collections.abc import Callable, Sized
from typing import Any, Protocol


class Sliceable(Sized, Protocol):
    """A list, a queryset, or a ranked search: anything that counts and slices."""

    def __getitem__(self, key: slice, /) -> Any: ...


def api_page(rows: Sliceable, *, page: int, size: int, out: Callable[[Any], Any]) -> dict[str, Any]:
    start = (page - 1) * size
    return {"items": [out(r) for r in rows[start : start + size]], "count": len(rows)}
