from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


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

    service_id: int
    person_id: int
    task: str
    week: dt.date
    preferred_slots: list[int]
    estimated_minutes: int = 30
    notes: str = ""


class ConfirmIn(Schema):
    # The volunteer the confirming person saw; the confirmation fails if it has changed.
    volunteer_id: int | None = None


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
