"""JSON API of councils: meetings."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["councils"])
