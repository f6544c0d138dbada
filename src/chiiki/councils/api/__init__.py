"""JSON API of councils under /api/councils/: one router per part, joined here."""

from __future__ import annotations

from ninja import Router

from chiiki.councils.api import bodies, issues, meetings

router = Router(tags=["councils"])
router.add_router("", bodies.router)
router.add_router("", meetings.router)
router.add_router("", issues.router)
