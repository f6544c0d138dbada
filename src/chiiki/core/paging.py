"""One page of a list for the JSON API: ``{"items": [...], "count": N, "next": 3}``.

The API's one convention: ``page`` (from 1) and ``page_size`` (1 to 500) in, and out the
items, the ``count`` of the whole list and the ``next`` page's number (null on the last).

A page past the end is empty (unlike the web pages, which show the last one), so that a
client walking ``page=1, 2, …`` stops at the first empty page.
"""

from __future__ import annotations

from collections.abc import Callable, Sized
from typing import Any, Protocol


class Sliceable(Sized, Protocol):
    """A list, a queryset, or a ranked search: anything that counts and slices."""

    def __getitem__(self, key: slice, /) -> Any: ...


def next_page(*, page: int, size: int, count: int) -> int | None:
    """The number of the page after ``page``, or None when it would be empty."""
    return page + 1 if page * size < count else None


def page_body(items: list[Any], *, page: int, size: int, count: int) -> dict[str, Any]:
    return {"items": items, "count": count, "next": next_page(page=page, size=size, count=count)}


def api_page(rows: Sliceable, *, page: int, size: int, out: Callable[[Any], Any]) -> dict[str, Any]:
    start = (page - 1) * size
    items = [out(r) for r in rows[start : start + size]]
    return page_body(items, page=page, size=size, count=len(rows))
