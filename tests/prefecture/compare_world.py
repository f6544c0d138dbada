"""A synthetic prefecture and its viewer, for the side by side's tests."""

from __future__ import annotations

from chiiki.accounts.models import Role, User
from chiiki.accounts.services import user_create
from chiiki.prefecture import world

PASSWORD = "test-pass-123"


def kumamoto(limit: int | None = 5, seed: int = 7) -> tuple[world.Built, User]:
    built = world.build("43", seed, limit=limit)
    viewer = user_create(
        username=f"kumamoto-{seed}-{limit}",
        password=PASSWORD,
        role=Role.PREFECTURE,
        prefecture=built.prefecture,
        display_name="熊本県 認知症・地域ケア推進課",
    )
    return built, viewer
