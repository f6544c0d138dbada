"""Reads for surveys, scoped by the user through accounts.permissions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from chiiki.accounts import permissions
from chiiki.accounts.models import AuditAction
from chiiki.accounts.services import audit_record
from chiiki.areas.models import District
from chiiki.core import suppression
from chiiki.people.models import CareLevel, Person
from chiiki.surveys import aggregate, rules
from chiiki.surveys.models import (
    MailingEntry,
    Method,
    Outcome,
    Respondent,
    Screening,
    ServiceEnrolment,
    Survey,
)
from chiiki.surveys.services import survey_ruleset

SUPPRESS = 10
BY_CHOICES = {
    "life_area": "日常生活圏域",
    "district": "地区",
    "sex": "性別",
    "age_band": "年齢階級",
}
SEX_LABELS = {"M": "男", "F": "女"}


def survey_list_for_user(*, user: Any) -> QuerySet[Survey]:
    permissions.require(
        permissions.can_view_survey_results(user), "調査結果を閲覧する権限がありません"
    )
    return Survey.objects.filter(
        permissions.municipality_filter(user, prefix="municipality__")
    ).select_related("municipality__prefecture")


def survey_get_for_user(*, user: Any, survey_id: int) -> Survey:
    found = survey_list_for_user(user=user).filter(pk=survey_id).first()
    if found is None:
        raise permissions.PermissionDenied("この調査を閲覧する権限がありません")
    return found


def respondent_frame(survey: Survey) -> tuple[pl.DataFrame, list[str]]:
    """The survey's respondents as a frame: areas, sex, age band and each determination."""
    ruleset = survey_ruleset(survey)
    rows = list(
        Respondent.objects.filter(survey=survey).values_list(
            "life_area__name", "district__name", "sex", "age", "results", "method"
        )
    )
    dets = [d.id for d in ruleset.determinations if any(d.id in r[4] for r in rows[:50])] or list(
        ruleset.determination_ids
    )
    data: dict[str, list[Any]] = {
        "life_area": [r[0] or "（不明）" for r in rows],
        "district": [r[1] or "（不明）" for r in rows],
        "sex": [SEX_LABELS.get(r[2], "（不明）") for r in rows],
        "age": [r[3] for r in rows],
        "method": [r[5] for r in rows],
    }
    for d in dets:
        data[d] = [r[4].get(d) for r in rows]
    schema: dict[str, Any] = {
        "life_area": pl.String,
        "district": pl.String,
        "sex": pl.String,
        "age": pl.Int16,
        "method": pl.String,
        **dict.fromkeys(dets, pl.Int8),
    }
    frame = pl.DataFrame(data, schema=schema)
    frame = frame.with_columns(
        pl.when(pl.col("age").is_null())
        .then(pl.lit("（不明）"))
        .otherwise(aggregate.age_band_expr(pl.col("age")))
        .alias("age_band")
    )
    return frame, dets


@dataclass
class ResultTable:
    survey: Survey
    by: str
    risks: list[tuple[str, str]]  # id, label
    groups: list[str]
    cells: dict[tuple[str, str], dict[str, Any]]
    total: dict[str, dict[str, Any]]
    ruleset: rules.RuleSet
    long: pl.DataFrame = field(repr=False, default_factory=pl.DataFrame)
    then: str = ""  # an optional second dimension (e.g. life area × sex)

    @property
    def dims(self) -> list[str]:
        return [self.by, self.then] if self.then else [self.by]

    @property
    def ruleset_ref(self) -> str:
        return self.ruleset.ref


def survey_results(
    *, user: Any, survey: Survey, by: str = "life_area", then: str = "", suppress: int = SUPPRESS
) -> ResultTable:
    """Rates by area (or sex, age band), optionally crossed with a second dimension, for each
    risk; cells under ``suppress`` respondents hidden."""
    permissions.require(
        permissions.can_view_survey_results(user), "調査結果を閲覧する権限がありません"
    )
    if by not in BY_CHOICES:
        by = "life_area"
    if then not in BY_CHOICES or then == by:
        then = ""
    dims = [by, then] if then else [by]
    ruleset = survey_ruleset(survey)
    frame, dets = respondent_frame(survey)
    long = aggregate.aggregate(frame, dims, dets, suppress=suppress)
    labels = {d.id: d.label for d in ruleset.determinations}
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    total: dict[str, dict[str, Any]] = {}
    for row in long.iter_rows(named=True) if not long.is_empty() else []:
        if row[by] == aggregate.TOTAL_LABEL:
            total[row["risk"]] = row
        else:
            cells[(" / ".join(str(row[d]) for d in dims), row["risk"])] = row
    primary = _group_order(survey, by, {str(r[by]) for r in cells.values()})
    rank = {g: i for i, g in enumerate(primary)}
    order = sorted({g for g, _ in cells}, key=lambda g: (rank.get(g.split(" / ")[0], len(rank)), g))
    return ResultTable(
        then=then,
        survey=survey,
        by=by,
        risks=[(d, labels.get(d, d)) for d in dets],
        groups=order,
        cells=cells,
        total=total,
        ruleset=ruleset,
        long=long,
    )


def _group_order(survey: Survey, by: str, groups: set[str]) -> list[str]:
    if by in ("life_area", "district"):
        qs = (
            District.objects.filter(municipality=survey.municipality)
            .select_related("life_area")
            .order_by("life_area__order", "order", "code")
        )
        names = [d.life_area.name if by == "life_area" else d.name for d in qs]
        known = list(dict.fromkeys(n for n in names if n in groups))
        return known + sorted(groups - set(known))
    return sorted(groups)


def export_frame(table: ResultTable) -> pl.DataFrame:
    """The published form: labels in Japanese, suppressed cells blank, the rule set named."""
    labels = dict(table.risks)
    return table.long.select(
        *[pl.col(d).alias(BY_CHOICES[d]) for d in table.dims],
        pl.col("risk").replace_strict(labels, default=pl.col("risk")).alias("リスク"),
        pl.col("respondents").alias("回答者数"),
        pl.col("determined").alias("判定者数"),
        pl.col("positive").alias("該当者数"),
        pl.col("undetermined").alias("判定不能"),
        (pl.col("rate") * 100).round(1).alias("該当率(%)"),
        (pl.col("ci_low") * 100).round(1).alias("95%CI下限(%)"),
        (pl.col("ci_high") * 100).round(1).alias("95%CI上限(%)"),
        pl.when(pl.col("suppressed"))
        .then(pl.lit(f"回答者{SUPPRESS}人未満のため非表示"))
        .otherwise(
            pl.when(pl.col("above")).then(pl.lit("市町村全体より有意に高い")).otherwise(pl.lit(""))
        )
        .alias("注記"),
        pl.lit(table.ruleset_ref).alias("判定ルール"),
    )


@dataclass
class RateRow:
    label: str
    mailed: int = 0
    by_mail: int = 0
    by_visit: int = 0
    other: int = 0
    hidden: bool = False  # shown as ＊ to everyone: see response_rates

    @property
    def size(self) -> int:
        """What suppression counts: the smaller of mailed and answered that is not 0."""
        return min((n for n in (self.mailed, self.answered) if n > 0), default=0)

    @property
    def answered(self) -> int:
        return self.by_mail + self.by_visit + self.other

    @property
    def rate(self) -> float | None:
        return self.answered / self.mailed if self.mailed else None

    @property
    def mail_rate(self) -> float | None:
        return self.by_mail / self.mailed if self.mailed else None


def response_rates(*, user: Any, survey: Survey) -> tuple[list[RateRow], RateRow]:
    """Response rate by district (with its life area) and by method: mail, visit.

    A published table, the same for every role: a district (or 全体) with fewer than
    SUPPRESS mailed or answered is hidden, and so are as many others as it takes that no
    hidden district can be worked out from 全体 or from its life area's figures.
    """
    permissions.require(
        permissions.can_view_survey_results(user), "調査結果を閲覧する権限がありません"
    )
    rows: dict[int, RateRow] = {}
    life_areas: dict[int, list[int]] = defaultdict(list)
    districts = (
        District.objects.filter(municipality=survey.municipality)
        .select_related("life_area")
        .order_by("life_area__order", "order", "code")
    )
    for d in districts:
        rows[d.pk] = RateRow(label=f"{d.life_area.name} {d.name}")
        life_areas[d.life_area_id].append(d.pk)
    for district_id in MailingEntry.objects.filter(survey=survey).values_list(
        "district_id", flat=True
    ):
        rows[district_id].mailed += 1
    for district_id, method in Respondent.objects.filter(
        survey=survey, district__isnull=False
    ).values_list("district_id", "method"):
        row = rows[district_id]
        if method == Method.MAIL:
            row.by_mail += 1
        elif method == Method.VISIT:
            row.by_visit += 1
        else:
            row.other += 1
    total = RateRow(label="全体")
    for r in rows.values():
        total.mailed += r.mailed
        total.by_mail += r.by_mail
        total.by_visit += r.by_visit
        total.other += r.other
    # 全体 is in the table; a life area's figures are published on the results page.
    counts: dict[int | str, int] = {pk: r.size for pk, r in rows.items()}
    counts[total.label] = total.size
    margins: list[suppression.Margin[int | str]] = [
        suppression.Margin[int | str](tuple(rows), total=total.label)
    ]
    margins += [suppression.Margin[int | str](tuple(m)) for m in life_areas.values()]
    hidden = suppression.suppressed(counts, margins, SUPPRESS)
    for pk, r in rows.items():
        r.hidden = pk in hidden
    total.hidden = total.label in hidden
    return list(rows.values()), total


def nonrespondent_list(
    *, user: Any, survey: Survey, district_id: int | None = None
) -> QuerySet[MailingEntry]:
    """People mailed who have not answered, in the user's districts, in address order."""
    permissions.require(
        permissions.can_manage_survey_visits(user), "未回収者の一覧を閲覧する権限がありません"
    )
    answered = Respondent.objects.filter(survey=survey, person_id=OuterRef("person_id"))
    qs = (
        MailingEntry.objects.filter(survey=survey)
        .filter(permissions.district_filter(user, prefix="district__"))
        .exclude(Exists(answered))
        .select_related("person", "district__life_area", "district__survey_owner__staff")
        .order_by("district__life_area__order", "district__order", "person__address", "person_id")
    )
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    return qs


@dataclass
class NonrespondentSummary:
    by_district: list[tuple[str, str, int, dict[str, int]]]  # district, owner, count, outcomes
    by_owner: list[tuple[str, int]]


def nonrespondent_summary(*, user: Any, survey: Survey) -> NonrespondentSummary:
    entries = nonrespondent_list(user=user, survey=survey)
    per: dict[int, list[Any]] = {}
    owners: dict[str, int] = defaultdict(int)
    for e in entries:
        owner_obj = getattr(e.district, "survey_owner", None)
        owner = str(owner_obj.staff) if owner_obj else "（未設定）"
        slot = per.setdefault(e.district_id, [e.district.name, owner, 0, defaultdict(int)])
        slot[2] += 1
        slot[3][Outcome(e.outcome).label] += 1
        owners[owner] += 1
    return NonrespondentSummary(
        by_district=[(a, b, c, dict(d)) for a, b, c, d in per.values()],
        by_owner=sorted(owners.items(), key=lambda kv: -kv[1]),
    )


@dataclass
class FollowUp:
    person: Person
    flags: list[str]
    source: str


def followup_list(
    *, user: Any, survey: Survey | None = None, min_risks: int = 2
) -> dict[str, list[FollowUp]]:
    """High-risk people not yet in any service, by district, with the flags that put them here.

    High risk: eligible by their latest checklist, or ``min_risks`` or more needs-survey risks.
    In a service: an open ServiceEnrolment, or a care level beyond 事業対象者.
    """
    permissions.require(
        permissions.can_view_survey_answers(user), "フォローアップ対象を閲覧する権限がありません"
    )
    today = timezone.localdate()
    open_service = ServiceEnrolment.objects.filter(person_id=OuterRef("pk")).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    )
    people = (
        Person.objects.filter(permissions.person_filter(user))
        .filter(care_level__in=[CareLevel.NONE, CareLevel.PROGRAM_ELIGIBLE])
        .exclude(Exists(open_service))
    )
    found: dict[int, FollowUp] = {}
    screened = (
        Screening.objects.filter(person__in=people)
        .select_related("person__district__life_area")
        .order_by("person_id", "-screened_on", "-id")
    )
    seen: set[int] = set()
    criteria = rules.builtin_ruleset(rules.KCL)
    for s in screened:
        if s.person_id in seen:
            continue
        seen.add(s.person_id)
        if s.eligible:
            labels = [
                criteria.determination(c).label.split(" ")[0]
                for c in ("c1", "c2", "c3", "c4", "c5", "c6", "c7")
                if s.results.get(c) == 1
            ]
            found[s.person_id] = FollowUp(
                s.person,
                [f"事業対象者（{''.join(labels)}）"],
                f"基本チェックリスト {s.screened_on}",
            )
    if survey is not None:
        names = {d.id: d.label for d in survey_ruleset(survey).determinations}
        for r in Respondent.objects.filter(
            survey=survey, person__in=people, risk_count__gte=min_risks
        ).select_related("person__district__life_area"):
            flags = [names[k] for k, v in r.results.items() if v == 1 and k in names]
            if r.person is None:
                continue
            if r.person.pk in found:
                found[r.person.pk].flags += flags
                found[r.person.pk].source += f"・{survey.name}"
            else:
                found[r.person.pk] = FollowUp(r.person, flags, survey.name)
    grouped: dict[str, list[FollowUp]] = defaultdict(list)
    for f in sorted(
        found.values(), key=lambda f: (f.person.district.order, f.person.family_kana, f.person.pk)
    ):
        grouped[f"{f.person.district.life_area.name} {f.person.district.name}"].append(f)
    return dict(grouped)


def screening_list_for_person(*, user: Any, person: Person) -> QuerySet[Screening]:
    permissions.require(
        permissions.can_view_survey_answers(user), "健康情報を閲覧する権限がありません"
    )
    return Screening.objects.filter(person=person).filter(
        person__in=Person.objects.filter(permissions.person_filter(user))
    )


def screening_get_for_user(*, user: Any, screening_id: int, request: Any = None) -> Screening:
    """Open one screening (要配慮個人情報): scoped by area, and the read is audited."""
    permissions.require(
        permissions.can_view_survey_answers(user), "健康情報を閲覧する権限がありません"
    )
    found = (
        Screening.objects.filter(person__in=Person.objects.filter(permissions.person_filter(user)))
        .select_related("person__district")
        .filter(pk=screening_id)
        .first()
    )
    if found is None:
        raise permissions.PermissionDenied("この記録を閲覧する権限がありません")
    audit_record(
        user=user,
        action=AuditAction.READ,
        obj=found.person,
        request=request,
        changes={"screening": found.pk},
    )
    return found


def latest_survey(*, user: Any) -> Survey | None:
    return survey_list_for_user(user=user).filter(instrument="needs").first()


def today() -> dt.date:
    return timezone.localdate()


def person_in_scope(*, user: Any, person_id: int) -> Person:
    """A person the user may open, without an audit event (for partial updates of a page whose
    opening was audited)."""
    found = (
        Person.objects.filter(permissions.person_filter(user))
        .select_related("district")
        .filter(pk=person_id)
        .first()
    )
    if found is None:
        raise permissions.PermissionDenied("この人の記録を閲覧する権限がありません")
    return found


def respondent_list_for_user(
    *, user: Any, survey: Survey, district_id: int | None = None, risk: str = ""
) -> QuerySet[Respondent]:
    """Answer sheets (health data) of the user's districts; listing is not audited, opening is."""
    permissions.require(permissions.can_view_survey_answers(user), "回答を閲覧する権限がありません")
    qs = (
        Respondent.objects.filter(survey=survey)
        .filter(permissions.district_filter(user, prefix="district__"))
        .select_related("person", "district__life_area")
        .order_by("district__life_area__order", "district__order", "key")
    )
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    if risk:
        qs = qs.filter(**{f"results__{risk}": 1})
    return qs


def respondent_get_for_user(
    *, user: Any, survey: Survey, respondent_id: int, request: Any = None
) -> Respondent:
    """Open one answer sheet: scoped by area, and the read is audited."""
    found = respondent_list_for_user(user=user, survey=survey).filter(pk=respondent_id).first()
    if found is None:
        raise permissions.PermissionDenied("この回答を閲覧する権限がありません")
    audit_record(
        user=user,
        action=AuditAction.READ,
        obj=found,
        request=request,
        changes={"survey": survey.name, "person_id": found.person_id},
    )
    return found
