"""The ranges of :mod:`chiiki.core.bounds` as Django field validators and CHECK constraints.

A model field takes ``validators=int_validators(PEOPLE, "人数")`` (so that ``full_clean``
in services, ModelForms and imports refuse the value with a message naming the field) and
its ``Meta.constraints`` take ``range_check(...)`` with the same bounds (so that no other
path, not even ``bulk_create`` or ``update()``, can store it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.validators import BaseValidator, MaxValueValidator, MinValueValidator
from django.db import models

from chiiki.core.bounds import DATE, DateRange, IntRange


def int_validators(bounds: IntRange, label: str) -> list[BaseValidator]:
    message = f"{label}は{bounds.expected()}です"
    return [MinValueValidator(bounds.low, message), MaxValueValidator(bounds.high, message)]


def date_validators(label: str, bounds: DateRange = DATE) -> list[BaseValidator]:
    message = f"{label}は{bounds.expected()}です"
    return [MinValueValidator(bounds.low, message), MaxValueValidator(bounds.high, message)]


def range_check(
    field: str, bounds: IntRange | DateRange, *, name: str, null: bool = False
) -> models.CheckConstraint:
    """CHECK (field BETWEEN low AND high), or NULL when the field may be empty."""
    condition = models.Q(**{f"{field}__gte": bounds.low, f"{field}__lte": bounds.high})
    if null:
        condition = models.Q(**{f"{field}__isnull": True}) | condition
    return models.CheckConstraint(condition=condition, name=name)


def refuse_rows_outside(app_label: str, additions: list[Any]) -> Callable[[Any, Any], None]:
    """A migration step to run before ``additions`` (AddConstraint operations): stop, naming
    the rows, when a value stored before the bounds existed lies outside them.

    Adding the constraint would fail anyway; this says which rows to correct (through the
    pages, or the operator's shell) instead of only which constraint failed.
    """

    def check(apps: Any, schema_editor: Any) -> None:
        problems: list[str] = []
        for op in additions:
            model = apps.get_model(app_label, op.model_name)
            condition = op.constraint.condition
            ids = list(model._default_manager.exclude(condition).values_list("pk", flat=True)[:20])
            if ids:
                problems.append(
                    f"{model._meta.db_table}（{op.constraint.name}）: id {', '.join(map(str, ids))}"
                )
        if problems:
            raise RuntimeError(
                "範囲外の値が保存されているため制約を追加できません。次の行を直してから、"
                "もう一度 migrate してください（何も変更していません）:\n" + "\n".join(problems)
            )

    return check
