from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema

from chiiki.core.bounds import DATE, MINUTES
from chiiki.mutualaid.models import SLOT_COUNT

# A database id: BIGINT, so anything larger is refused by the schema (422), not by the
# database driver (500).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    """Ninja's answer to a malformed parameter or body (422)."""

    detail: list[dict[str, Any]]


class QuotePartOut(Schema):
    key: str
    label: str
    amount: int


class QuoteOut(Schema):
    tariff: str
    task: str
    task_label: str
    minutes: int
    fee: int
    currency: str
    parts: list[QuotePartOut]


class RequestOut(Schema):
    id: int
    service: str
    week: dt.date
    task: str
    task_label: str
    district: str
    family_name: str
    status: str
    preferred_slots: list[int]
    volunteer: str | None = None
    slot: int | None = None
    match_reasons: list[str] = []
    fee: int | None = None
    paid: bool


class RequestIn(Schema):
    """A request taken by phone: the resident, the job, the week and the time slots
    (0 = Monday morning … 13 = Sunday afternoon)."""

    service_id: Id
    person_id: Id
    task: str = Field(max_length=30)
    week: dt.date = Field(ge=DATE.low, le=DATE.high)
    # Slot numbers and short jobs are the service's and the tariff's to refuse, with the
    # reason in Japanese (400); the schema stops only what no tariff could ever take.
    preferred_slots: list[int] = Field(max_length=SLOT_COUNT)
    estimated_minutes: int = Field(30, le=MINUTES.high)
    notes: str = ""


class ConfirmIn(Schema):
    # The volunteer the confirming person saw; the confirmation fails if it has changed.
    volunteer_id: Id | None = None


class JobOut(Schema):
    """A volunteer's own job: no health data; the phone only once confirmed."""

    id: int
    family_name: str
    address: str
    task: str
    date: dt.date | None
    slot: str
    status: str
    phone: str | None = None
