from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from annotated_types import Ge, Le
from ninja import Field, Schema

from chiiki.core.bounds import MINUTES
from chiiki.core.params import ApiDate, listed
from chiiki.mutualaid.models import SLOT_COUNT
from chiiki.mutualaid.tariff import available_tariffs, load_tariff

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


# The shipped tariffs, their jobs and the longest job any of them takes, read once: what
# the document lists for a request and a quote (a job one tariff lacks is still refused
# by that tariff, with its jobs named).
TARIFFS = available_tariffs()
TASKS = sorted({t for key in TARIFFS for t in load_tariff(key).tasks})
MAX_MINUTES = max(load_tariff(key).max_minutes for key in TARIFFS)


class RequestIn(Schema):
    """A request taken by phone: the resident, the job, the week and the time slots
    (0 = Monday morning … 13 = Sunday afternoon)."""

    service_id: Id
    person_id: Id
    task: Annotated[str, listed(TASKS, blank=False)] = Field(max_length=30)
    week: ApiDate
    # What no service could take is refused by the schema (422); what this service does
    # not offer as it stands (a slot, a job its tariff lacks) is a 409 with the reason.
    preferred_slots: list[Annotated[int, Ge(0), Le(SLOT_COUNT - 1)]] = Field(
        min_length=1, max_length=SLOT_COUNT
    )
    estimated_minutes: int = Field(30, ge=1, le=MINUTES.high)
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
