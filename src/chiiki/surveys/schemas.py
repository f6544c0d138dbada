from __future__ import annotations

from ninja import Schema


class SurveyOut(Schema):
    id: int
    name: str
    municipality: str
    fiscal_year: int
    instrument: str
    rule_set: str


class AggregateRow(Schema):
    group: str
    risk: str
    label: str
    respondents: int | None
    determined: int | None
    positive: int | None
    undetermined: int | None
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    above: bool
    suppressed: bool


class AggregateOut(Schema):
    survey: int
    by: str
    rule_set: str
    suppress_below: int
    rows: list[AggregateRow]


class CellErrorOut(Schema):
    row: int
    column: str
    value: str
    expected: str
    message: str


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    unlinked: int
    mapping: dict[str, str]
    rule_set: str


class ImportErrorOut(Schema):
    detail: str
    error_count: int
    errors: list[CellErrorOut]


class Detail(Schema):
    detail: str
