"""Results of a district questionnaire: for each question, each district and 全体, how many
chose each option, of how many who answered, with the rate's 95% Wilson interval; small
counts suppressed so that none can be worked out from what is shown. Pure: no Django.

The published table, per question: one row per district and a 全体 row; in each row the
number who answered the question (n) and, per option, the count who chose it. Its sums:

1. each option's count (and n) over the districts adds up to the 全体 row's;
2. in a single-choice question a row's option counts add up to its n (one answer each);
3. the answer sheets per district add up to 全体's.

A count from 1 to 9 is hidden (``core.suppression``, threshold 10), and then as many others
as it takes that no sum above has a lone hidden cell. A hidden count hides its rate and
interval; a hidden n hides the rates of its row (count ÷ rate would give it back). The
marks of a multiple-answer question need not add up to anything (one sheet marks several),
so only sums 1 and 3 hold for them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chiiki.core import suppression
from chiiki.councils.instrument import Question, answered
from chiiki.surveys.aggregate import wilson

THRESHOLD = suppression.THRESHOLD
TOTAL = None  # the 全体 row's group key
TOTAL_LABEL = "全体"
SHEETS = ""  # the question key of the answer-sheet counts

Group = Hashable
Key = tuple[Group, str, str]  # (group, question id, option key; "" for the question's n)


@dataclass(frozen=True)
class Figure:
    """One option in one row as shown: None where it is hidden."""

    count: int | None
    n: int | None
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool  # the count or the row's n is hidden: it cannot be quoted

    @property
    def quotable(self) -> bool:
        return not self.suppressed and self.rate is not None


@dataclass(frozen=True)
class Row:
    group: Group  # a district's key, or TOTAL
    n: int | None  # who answered the question (None: hidden)
    figures: tuple[Figure, ...]  # in the question's option order


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    rows: tuple[Row, ...]  # the districts in order, then 全体

    def row(self, group: Group) -> Row | None:
        return next((r for r in self.rows if r.group == group), None)


@dataclass(frozen=True)
class Tally:
    groups: tuple[Group, ...]
    sheets: dict[Group, int | None]  # answer sheets per district and 全体 (None: hidden)
    results: tuple[QuestionResult, ...]
    hidden: frozenset[Key]
    threshold: int

    def result(self, question_id: str) -> QuestionResult | None:
        return next((r for r in self.results if r.question.id == question_id), None)

    def figure(self, question_id: str, option: str, group: Group) -> Figure | None:
        """The figure shown for an option of a question in a row, or None if there is none."""
        res = self.result(question_id)
        row = res.row(group) if res is not None else None
        if res is None or row is None:
            return None
        keys = [k for k, _ in res.question.options]
        return row.figures[keys.index(option)] if option in keys else None


def margins(
    questions: Sequence[Question], groups: Sequence[Group]
) -> list[suppression.Margin[Key]]:
    """The published sums of the table (see the module's docstring)."""
    found: list[suppression.Margin[Key]] = [
        suppression.Margin(tuple((g, SHEETS, "") for g in groups), (TOTAL, SHEETS, ""))
    ]
    for q in questions:
        for key in ["", *(k for k, _ in q.options)]:
            found.append(
                suppression.Margin(tuple((g, q.id, key) for g in groups), (TOTAL, q.id, key))
            )
        if not q.multiple:
            for g in [*groups, TOTAL]:
                found.append(
                    suppression.Margin(tuple((g, q.id, k) for k, _ in q.options), (g, q.id, ""))
                )
    return found


def counts(
    questions: Sequence[Question],
    sheets: Iterable[tuple[Group, Mapping[str, Any]]],
    groups: Sequence[Group],
) -> dict[Key, int]:
    """Every cell's count: answer sheets, each question's n and each option's choices, per
    group and for 全体 (the sum of the groups)."""
    known = set(groups)
    out: dict[Key, int] = {}
    for g in [*groups, TOTAL]:
        out[(g, SHEETS, "")] = 0
        for q in questions:
            out[(g, q.id, "")] = 0
            for k, _ in q.options:
                out[(g, q.id, k)] = 0
    for group, answers in sheets:
        if group not in known:
            raise ValueError(f"group {group!r} is not among the groups")
        for g in (group, TOTAL):
            out[(g, SHEETS, "")] += 1
        for q in questions:
            chosen = [k for k in answered(q, answers) if (group, q.id, k) in out]
            if not chosen:
                continue
            for g in (group, TOTAL):
                out[(g, q.id, "")] += 1
                for k in chosen:
                    out[(g, q.id, k)] += 1
    return out


def tally(
    questions: Sequence[Question],
    sheets: Iterable[tuple[Group, Mapping[str, Any]]],
    groups: Sequence[Group],
    *,
    threshold: int = THRESHOLD,
) -> Tally:
    """Count the answer sheets (each with its group: a district) and suppress small counts.

    ``groups`` are the rows in their order (every sheet's group must be one of them); 全体
    comes last. A cell's rate is count ÷ n with its Wilson 95% interval.
    """
    cells = counts(questions, sheets, groups)
    hidden = frozenset(suppression.suppressed(cells, margins(questions, groups), threshold))
    results = []
    for q in questions:
        rows = []
        for g in [*groups, TOTAL]:
            n = cells[(g, q.id, "")]
            n_hidden = (g, q.id, "") in hidden
            figures = []
            for k, _ in q.options:
                c = cells[(g, q.id, k)]
                c_hidden = (g, q.id, k) in hidden
                if c_hidden or n_hidden or n == 0:
                    rate = low = high = None
                else:
                    rate = c / n
                    low, high = wilson(c, n)
                figures.append(
                    Figure(
                        count=None if c_hidden else c,
                        n=None if n_hidden else n,
                        rate=rate,
                        ci_low=low,
                        ci_high=high,
                        suppressed=c_hidden or n_hidden,
                    )
                )
            rows.append(Row(g, None if n_hidden else n, tuple(figures)))
        results.append(QuestionResult(q, tuple(rows)))
    shown_sheets = {
        g: None if (g, SHEETS, "") in hidden else cells[(g, SHEETS, "")] for g in [*groups, TOTAL]
    }
    return Tally(tuple(groups), shown_sheets, tuple(results), hidden, threshold)
