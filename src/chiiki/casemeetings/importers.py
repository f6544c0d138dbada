"""Past case reviews from spreadsheets (``chiiki casemeetings import``): the service.

:mod:`chiiki.casemeetings.records` checks the file; :func:`reviews_import` looks up what is
stored in a few batched reads, then writes every series, meeting, case, review and seed row
in one transaction, with bulk statements, so that ten thousand rows take seconds. All or
nothing, and the same file twice changes nothing.

What a row makes:

- the series of its 会議種別, created when the municipality has none of that name (an
  individual meeting; its focus read from the name: 要介護, 認知症, 困難, else 自立支援);
- the meeting of that series on its 会議日 (the first one stored, else a new one);
- the case of its 事例番号: its district, age, sex, care level and goal come from its
  初回 row (a stored case the file gives no 初回 for keeps its own); opened on the 初回's
  day; its mid and closing dates are the days of its 中間 and 終了前 rows, else 90 and 180
  days after opening (a stored case keeps its planned dates unless its opening moved);
- the review of its 段階, marked imported, with its tags (課題) or「課題の種なし」.

The case's latest stage decides whether it is closed: a result of 達成, 一部達成 or 未達成
closes it on that review's day; 継続中 or blank leaves it open. A case closed on its page
(with the key to its success written there) keeps that closing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from chiiki.accounts import audit
from chiiki.accounts.models import AuditAction
from chiiki.areas.models import District, Municipality, Sex
from chiiki.casemeetings import records
from chiiki.casemeetings.models import (
    STAGE_ORDER,
    Case,
    CaseMeeting,
    Focus,
    Kind,
    Outcome,
    Review,
    ReviewTag,
    Series,
    Stage,
)
from chiiki.casemeetings.services import next_due
from chiiki.core.tabular import Progress, Table
from chiiki.councils.services.issues import known_tags
from chiiki.imports.runners import cell
from chiiki.people.models import CareLevel

SAVING = "保存中"
MID_DAYS, CLOSING_DAYS = 90, 180
CLOSING = frozenset({Outcome.MET, Outcome.PARTLY, Outcome.NOT_MET})
_BATCH = 2000
# The fields a row carries onto its case (from its 初回 row) and the ones the import derives.
CASE_FIELDS = ("district_id", "age", "sex", "care_level", "goal")
DERIVED_FIELDS = (
    "opened_on",
    "mid_due_on",
    "closing_due_on",
    "closed_on",
    "outcome",
    "next_stage",
    "next_due_on",
)
REVIEW_FIELDS = ("meeting_id", "held_on", "goal", "tag_codes", "no_seed", "result")


@dataclass
class ReviewImportResult:
    """What an import did. ``reviews_created``, ``reviews_updated`` and ``unchanged`` count
    the file's rows; ``errors`` are the file's faults (nothing was stored when there are)."""

    municipality: str
    name: str
    rows: int = 0
    series_created: int = 0
    meetings_created: int = 0
    cases_created: int = 0
    cases_updated: int = 0
    reviews_created: int = 0
    reviews_updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count

    def as_json(self) -> dict[str, Any]:
        return {
            "municipality": self.municipality,
            "series_created": self.series_created,
            "meetings_created": self.meetings_created,
            "cases_created": self.cases_created,
            "cases_updated": self.cases_updated,
            "reviews_created": self.reviews_created,
            "reviews_updated": self.reviews_updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }

    def message(self) -> str:
        return (
            f"{self.name}（{self.municipality}）: 事例の検討 {self.rows:,}行を読み込みました"
            f"（会議の系列 追加 {self.series_created}、会議 追加 {self.meetings_created}、"
            f"事例 追加 {self.cases_created}・更新 {self.cases_updated}、"
            f"検討 追加 {self.reviews_created}・更新 {self.reviews_updated}、"
            f"変更なし {self.unchanged}）"
        )


def focus_for(name: str) -> str:
    """An individual series' focus, read from its name."""
    for word, focus in (
        ("要介護", Focus.CARE),
        ("認知症", Focus.DEMENTIA),
        ("困難", Focus.DIFFICULT),
    ):
        if word in name:
            return focus
    return Focus.INDEPENDENCE


def vocabulary(municipality: Municipality) -> records.Vocabulary:
    series = Series.objects.filter(municipality=municipality, kind=Kind.PROMOTION)
    return records.Vocabulary(
        stages={Stage(s).label: s.value for s in STAGE_ORDER},
        outcomes={o.label: o.value for o in Outcome},
        care_levels={c.label: c.value for c in CareLevel},
        sexes={s.label: s.value for s in Sex},
        districts=dict(
            District.objects.filter(municipality=municipality)
            .order_by("order", "code")
            .values_list("name", "pk")
        ),
        tags=known_tags(municipality),
        promotion_series=frozenset(
            records.series_key(n) for n in series.values_list("name", flat=True)
        ),
    )


def _chunks(values: Sequence[Any], size: int = _BATCH) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class _Stored:
    cases: dict[str, Case]  # number → case
    reviews: dict[tuple[int, str], Review]  # (case id, stage) → review

    def by_number(self) -> dict[str, dict[str, records.StoredReview]]:
        numbers = {c.pk: n for n, c in self.cases.items()}
        found: dict[str, dict[str, records.StoredReview]] = defaultdict(dict)
        for (case_id, stage), r in self.reviews.items():
            found[numbers[case_id]][stage] = records.StoredReview(r.held_on, r.result)
        for number in self.cases:
            found.setdefault(number, {})
        return found


def _stored(municipality: Municipality, numbers: list[str]) -> _Stored:
    cases: dict[str, Case] = {}
    for chunk in _chunks(numbers):
        cases.update(
            (c.number, c) for c in Case.objects.filter(municipality=municipality, number__in=chunk)
        )
    reviews: dict[tuple[int, str], Review] = {}
    ids = [c.pk for c in cases.values()]
    for chunk in _chunks(ids):
        reviews.update(((r.case_id, r.stage), r) for r in Review.objects.filter(case_id__in=chunk))
    return _Stored(cases, reviews)


def reviews_import(
    *, municipality: Municipality, table: Table, progress: Progress | None = None
) -> ReviewImportResult:
    """Import past case reviews, one row per review: every fault reported (row, column,
    value, what was expected), nothing written unless every row is good. The system's
    import (the command run on the server); one audit event on the municipality."""
    result = ReviewImportResult(municipality=municipality.code, name=str(municipality))
    vocab = vocabulary(municipality)
    reading = records.read(table, vocab, progress)
    with transaction.atomic():  # the stored reviews are read, checked against and written at once
        stored = _stored(municipality, reading.numbers())
        try:
            rows = records.check(reading, vocab, stored.by_number())
        except records.ReviewFileError as exc:
            result.errors = [cell(f) for f in exc.errors]
            result.error_count = exc.count
            return result
        result.rows = len(rows)
        if progress is not None:
            progress(SAVING, len(rows), len(rows))
        _Writer(municipality, stored, result).write(rows)
    return result


@dataclass(frozen=True)
class _Step:
    """One stage of a case as the import leaves it: from the file, or stored before."""

    held_on: dt.date
    result: str
    in_file: bool


class _Writer:
    def __init__(self, m: Municipality, stored: _Stored, result: ReviewImportResult) -> None:
        self.m = m
        self.stored = stored
        self.result = result
        self.before = {
            c.pk: tuple(getattr(c, f) for f in (*CASE_FIELDS, *DERIVED_FIELDS))
            for c in stored.cases.values()
        }
        self.restated: set[str] = set()  # stored cases whose 初回 row changed their fields

    def write(self, rows: list[records.ReviewRow]) -> None:
        series = self._series(rows)
        meetings = self._meetings(rows, series)
        cases, moved = self._cases(rows)
        new, changed = self._reviews(rows, series, meetings, cases)
        self._seed_rows(new, changed, cases, moved)
        self._audit(cases.values())

    # series and meetings ----------------------------------------------------------------

    def _series(self, rows: list[records.ReviewRow]) -> dict[str, int]:
        found = {
            records.series_key(s.name): s.pk for s in Series.objects.filter(municipality=self.m)
        }
        new = [
            Series(
                municipality=self.m,
                kind=Kind.INDIVIDUAL,
                focus=focus_for(name),
                name=name,
                host=name,
            )
            for name in dict.fromkeys(r.series for r in rows)
            if name not in found
        ]
        Series.objects.bulk_create(new)
        found.update((s.name, s.pk) for s in new)
        self.result.series_created = len(new)
        return found

    def _meetings(
        self, rows: list[records.ReviewRow], series: dict[str, int]
    ) -> dict[tuple[int, dt.date], int]:
        wanted = {(series[r.series], r.held_on) for r in rows}
        found: dict[tuple[int, dt.date], int] = {}
        ids = sorted({s for s, _ in wanted})
        days = sorted({d for _, d in wanted})
        for chunk in _chunks(days, 500):
            for pk, s, day in (
                CaseMeeting.objects.filter(series_id__in=ids, held_on__in=chunk)
                .order_by("-id")
                .values_list("pk", "series_id", "held_on")
            ):
                found[(s, day)] = pk  # the first stored one wins (ids descending)
        new = [CaseMeeting(series_id=s, held_on=d) for s, d in sorted(wanted - found.keys())]
        CaseMeeting.objects.bulk_create(new, batch_size=_BATCH)
        found.update(((m.series_id, m.held_on), m.pk) for m in new)
        self.result.meetings_created = len(new)
        return found

    # cases ------------------------------------------------------------------------------

    def _steps(self, rows: list[records.ReviewRow]) -> dict[str, dict[str, _Step]]:
        """Each case's stages once the file is in: its rows over the stored reviews."""
        numbers = {c.pk: n for n, c in self.stored.cases.items()}
        steps: dict[str, dict[str, _Step]] = defaultdict(dict)
        for (case_id, stage), review in self.stored.reviews.items():
            steps[numbers[case_id]][stage] = _Step(review.held_on, review.result, False)
        for r in rows:
            steps[r.number][r.stage] = _Step(r.held_on, r.result, True)
        return steps

    def _cases(self, rows: list[records.ReviewRow]) -> tuple[dict[str, Case], set[int]]:
        """Every case of the file, created or updated with its 初回 row's fields and its
        dates; and the stored cases that moved to another district."""
        cases = dict(self.stored.cases)
        new: list[Case] = []
        for r in rows:
            if r.stage != Stage.INITIAL:
                continue
            case = cases.get(r.number)
            if case is None:
                case = cases[r.number] = Case(municipality=self.m, number=r.number)
                new.append(case)
            values = (r.district_id, r.age, r.sex, r.care_level, r.goal)
            if case.pk is not None and values != self.before[case.pk][: len(CASE_FIELDS)]:
                self.restated.add(r.number)
            case.district_id, case.age, case.sex, case.care_level, case.goal = values
        changed = []
        for number, steps in self._steps(rows).items():
            case = cases[number]
            initial = steps.get(Stage.INITIAL)
            opened = initial.held_on if initial is not None else case.opened_on
            _derive(case, steps, opened=opened, moved=case.pk is None or case.opened_on != opened)
            if case.pk is not None and self._differs(case):
                case.version += 1
                changed.append(case)
        Case.objects.bulk_create(new, batch_size=_BATCH)
        Case.objects.bulk_update(
            changed,
            [*(f.removesuffix("_id") for f in CASE_FIELDS), *DERIVED_FIELDS, "version"],
            batch_size=500,
        )
        self.result.cases_created, self.result.cases_updated = len(new), len(changed)
        moved = {c.pk for c in changed if c.district_id != self.before[c.pk][0]}
        return cases, moved

    def _differs(self, case: Case) -> bool:
        return (
            tuple(getattr(case, f) for f in (*CASE_FIELDS, *DERIVED_FIELDS)) != self.before[case.pk]
        )

    # reviews ----------------------------------------------------------------------------

    def _reviews(
        self,
        rows: list[records.ReviewRow],
        series: dict[str, int],
        meetings: dict[tuple[int, dt.date], int],
        cases: dict[str, Case],
    ) -> tuple[list[Review], list[Review]]:
        """Create and update the rows' reviews: the ones created and the ones changed."""
        orders = self._orders(meetings.values())
        now = timezone.now()
        new, changed = [], []
        restated = 0
        for r in rows:
            case = cases[r.number]
            meeting = meetings[(series[r.series], r.held_on)]
            values = {
                "meeting_id": meeting,
                "held_on": r.held_on,
                "goal": r.goal,
                "tag_codes": "|" + "|".join(r.tags) + "|" if r.tags else "",
                "no_seed": not r.tags,
                "result": r.result,
            }
            review = self.stored.reviews.get((case.pk, r.stage))
            if review is None:
                orders[meeting] += 1
                new.append(
                    Review(case=case, stage=r.stage, order=orders[meeting], imported=True, **values)
                )
                continue
            if all(getattr(review, k) == v for k, v in values.items()):
                restated += r.stage == Stage.INITIAL and r.number in self.restated
                continue
            if review.meeting_id != meeting:
                orders[meeting] += 1
                review.order = orders[meeting]
            for k, v in values.items():
                setattr(review, k, v)
            review.imported, review.version, review.updated_at = True, review.version + 1, now
            changed.append(review)
        Review.objects.bulk_create(new, batch_size=_BATCH)
        Review.objects.bulk_update(
            changed,
            [
                *(f.removesuffix("_id") for f in REVIEW_FIELDS),
                *("order", "imported", "version", "updated_at"),
            ],
            batch_size=500,
        )
        self.result.reviews_created = len(new)
        self.result.reviews_updated = len(changed) + restated
        self.result.unchanged = (
            len(rows) - self.result.reviews_created - self.result.reviews_updated
        )
        return new, changed

    def _orders(self, meetings: Iterable[int]) -> dict[int, int]:
        """The last review's place at each meeting (0 at a new one)."""
        orders: dict[int, int] = defaultdict(int)
        for chunk in _chunks(sorted(set(meetings))):
            orders.update(
                Review.objects.filter(meeting_id__in=chunk)
                .order_by()
                .values_list("meeting_id")
                .annotate(last=Max("order"))
                .values_list("meeting_id", "last")
            )
        return orders

    # seed rows and the trail ------------------------------------------------------------

    def _seed_rows(
        self, new: list[Review], changed: list[Review], cases: dict[str, Case], moved: set[int]
    ) -> None:
        """The roll-up's rows, as services._seed_rows writes them: the reviews' tags with
        the case's district and the review's day. A case that moved takes its other
        reviews' seeds with it."""
        district = {c.pk: c.district_id for c in cases.values()}
        by_district: dict[int, list[int]] = defaultdict(list)
        for pk in moved:
            by_district[district[pk]].append(pk)
        for district_id, ids in by_district.items():
            for chunk in _chunks(ids):
                ReviewTag.objects.filter(case_id__in=chunk).update(district_id=district_id)
        for chunk in _chunks([r.pk for r in changed]):
            ReviewTag.objects.filter(review_id__in=chunk).delete()
        ReviewTag.objects.bulk_create(
            (
                ReviewTag(
                    review_id=r.pk,
                    case_id=r.case_id,
                    municipality_id=self.m.pk,
                    district_id=district[r.case_id],
                    held_on=r.held_on,
                    tag=tag,
                )
                for r in (*new, *changed)
                for tag in r.tags
            ),
            batch_size=_BATCH,
        )

    def _audit(self, cases: Iterable[Case]) -> None:
        r = self.result
        if not (
            r.series_created
            or r.meetings_created
            or r.cases_created
            or r.cases_updated
            or r.reviews_created
            or r.reviews_updated
        ):
            return
        audit.record(
            user=None,
            model=Municipality._meta.label_lower,
            entry=audit.Entry(
                action=AuditAction.CREATE
                if r.cases_created or r.reviews_created
                else AuditAction.UPDATE,
                object_id=self.m.pk,
                object_repr=str(self.m),
                municipality_id=self.m.pk,
                changes={
                    "case_reviews_import": {
                        "rows": r.rows,
                        **{k: v for k, v in r.as_json().items() if isinstance(v, int)},
                    }
                },
                person_ids=tuple(sorted({c.person_id for c in cases if c.person_id is not None})),
            ),
        )


def _derive(case: Case, steps: dict[str, _Step], *, opened: dt.date, moved: bool) -> None:
    """A case's dates, closing and next review from its stages (``moved``: its opening day
    is new or changed, so planned dates the file does not give follow it)."""
    case.opened_on = opened
    for stage, attr, days in (
        (Stage.MID, "mid_due_on", MID_DAYS),
        (Stage.CLOSING, "closing_due_on", CLOSING_DAYS),
    ):
        step = steps.get(stage)
        if step is not None and step.in_file:
            setattr(case, attr, step.held_on)
        elif moved or getattr(case, attr) is None:
            setattr(case, attr, case.opened_on + dt.timedelta(days=days))
    latest = steps[next(s for s in reversed(STAGE_ORDER) if s in steps)]
    if not case.outcome_key:  # a case closed on its page keeps that closing
        closes = latest.result in CLOSING
        case.closed_on = latest.held_on if closes else None
        case.outcome = latest.result if closes else ""
    case.next_stage, case.next_due_on = next_due(case, set(steps))
