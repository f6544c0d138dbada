"""JSON API of councils: bodies."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["councils"])
