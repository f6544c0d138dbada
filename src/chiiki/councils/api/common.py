"""Schemas the councils API routes share."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class CouncilsError(Schema):
    """A refusal or a bad parameter, in Japanese (``param`` names a bad parameter)."""

    detail: str
    param: str | None = None


class CouncilsValidationError(Schema):
    """Ninja's answer to a parameter that does not fit its type or bounds (422)."""

    detail: list[dict[str, Any]]


class CodeLabel(Schema):
    code: str
    label: str


class AreaRef(Schema):
    id: int
    code: str
    name: str


class Ref(Schema):
    id: int
    name: str


# Every route documents these beside its 200: no credentials (401), refused or no such
# record (403: the two are answered alike, so that ids cannot be probed), a parameter out
# of its type or bounds (422).
ERRORS: dict[int, Any] = {401: CouncilsError, 403: CouncilsError, 422: CouncilsValidationError}
