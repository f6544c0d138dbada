"""Reads for surveys, scoped by the user through the access door."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.core.paginator import Page
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.audit import Channel
from chiiki.accounts.models import Role, User
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


PAGE_SIZE = 50


def survey_list_for_user(*, user: Any, cap: Cap = Cap.SURVEY_RESULTS) -> QuerySet[Survey]:
    return access.visible(
        user,
        cap,
        Survey.objects.select_related("municipality__prefecture"),
        "調査結果を閲覧する権限がありません",
    )


def survey_get_for_user(*, user: Any, survey_id: int, cap: Cap = Cap.SURVEY_RESULTS) -> Survey:
    found = survey_list_for_user(user=user, cap=cap).filter(pk=survey_id).first()
    if found is None:
        raise access.PermissionDenied("この調査を閲覧する権限がありません")
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
    access.require(user, Cap.SURVEY_RESULTS, "調査結果を閲覧する権限がありません")
    if by not in BY_CHOICES:
        by = "life_area"
    if then not in BY_CHOICES or then == by:
        then = ""
    # The results change only when respondents are written (results_version counts that):
    # a city's survey of 80,000 answers is read and aggregated once, not on every page.
    key = (
        survey.pk,
        survey.created_at,
        survey.results_version,
        survey.ruleset_name,
        survey.ruleset_version,
        by,
        then,
        suppress,
    )
    cached = _RESULTS.get(key)
    if cached is not None:
        _RESULTS.move_to_end(key)
        return cached
    table = _survey_results(survey, by, then, suppress)
    _RESULTS[key] = table
    while len(_RESULTS) > RESULTS_KEPT:
        _RESULTS.popitem(last=False)
    return table


RESULTS_KEPT = 32  # result tables kept per process (a survey × a grouping each)
_RESULTS: OrderedDict[tuple[Any, ...], ResultTable] = OrderedDict()


def _survey_results(survey: Survey, by: str, then: str, suppress: int) -> ResultTable:
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
    access.require(user, Cap.SURVEY_RESULTS, "調査結果を閲覧する権限がありません")
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


def _nonrespondents(survey: Survey, district_id: int | None) -> QuerySet[MailingEntry]:
    answered = Respondent.objects.filter(survey=survey, person_id=OuterRef("person_id"))
    qs = (
        MailingEntry.objects.filter(survey=survey)
        .exclude(Exists(answered))
        .select_related("person", "district__life_area", "district__survey_owner__staff")
        .order_by("district__life_area__order", "district__order", "person__address", "person_id")
    )
    return qs if district_id is None else qs.filter(district_id=district_id)


def nonrespondent_page(
    *, user: Any, survey: Survey, district_id: int | None = None, page: int = 1
) -> Page[MailingEntry]:
    """People mailed who have not answered, in the user's districts, in address order: one
    page, audited as one list read (names, addresses and phones)."""
    return access.read_page(
        user,
        Cap.SURVEY_VISITS,
        _nonrespondents(survey, district_id),
        number=page,
        size=PAGE_SIZE,
        what="未回収者の一覧",
        note={"survey": survey.name},
    )


def visit_list_rows(
    *, user: Any, survey: Survey, district_id: int | None = None
) -> list[MailingEntry]:
    """The printed visit list: those still to visit, in address order; printing is a list read
    on the print channel (names, addresses and phones leave the screen)."""
    qs = _nonrespondents(survey, district_id).exclude(
        outcome__in=[Outcome.MOVED, Outcome.DIED, Outcome.REFUSED]
    )
    return access.read_rows(
        user,
        Cap.SURVEY_VISITS,
        qs,
        what="訪問リスト（印刷）",
        channel=Channel.PRINT,
        note={"survey": survey.name},
    )


def mailing_entry_for_visit(*, user: Any, survey: Survey, entry_id: int) -> MailingEntry:
    """The entry a visit is recorded on (the visit itself is audited as the change)."""
    return access.read_one(
        user,
        Cap.SURVEY_VISITS,
        MailingEntry.objects.filter(survey=survey).select_related("person", "district", "survey"),
        entry_id,
        refuse="担当外の人の訪問は記録できません",
        audit_read=False,
    )


@dataclass
class NonrespondentSummary:
    by_district: list[tuple[str, str, int, dict[str, int]]]  # district, owner, count, outcomes
    by_owner: list[tuple[str, int]]


def nonrespondent_summary(*, user: Any, survey: Survey) -> NonrespondentSummary:
    """Counts of non-respondents by district (with its owner and the visits' outcomes) and by
    owner; names nobody."""
    rows = (
        access.visible(user, Cap.SURVEY_VISITS, _nonrespondents(survey, None))
        .order_by()
        .values(
            "district_id",
            "district__name",
            "district__order",
            "district__survey_owner__staff__display_name",
            "district__survey_owner__staff__username",
            "outcome",
        )
        .annotate(n=Count("id"))
    )
    per: dict[int, list[Any]] = {}
    owners: dict[str, int] = defaultdict(int)
    for row in sorted(rows, key=lambda r: (r["district__order"], r["district_id"])):
        owner = (
            row["district__survey_owner__staff__display_name"]
            or row["district__survey_owner__staff__username"]
            or "（未設定）"
        )
        slot = per.setdefault(row["district_id"], [row["district__name"], owner, 0, {}])
        slot[2] += row["n"]
        label = Outcome(row["outcome"]).label
        slot[3][label] = slot[3].get(label, 0) + row["n"]
        owners[owner] += row["n"]
    return NonrespondentSummary(
        by_district=[(a, b, c, d) for a, b, c, d in per.values()],
        by_owner=sorted(owners.items(), key=lambda kv: -kv[1]),
    )


@dataclass
class FollowUp:
    person: Person
    flags: list[str]
    source: str


def _followup_people(survey: Survey | None, min_risks: int) -> QuerySet[Person]:
    """High risk and in no service: eligible by their latest checklist, or ``min_risks`` or
    more needs-survey risks; in a service means an open ServiceEnrolment or a care level
    beyond 事業対象者.

    Each condition is a set of person ids (``IN (SELECT …)``), which the database builds
    once, rather than a subquery run for every resident of the municipality.
    """
    today = timezone.localdate()
    in_service = ServiceEnrolment.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    ).values("person_id")
    latest = (
        Screening.objects.filter(person_id=OuterRef("person_id"))
        .order_by("-screened_on", "-id")
        .values("pk")[:1]
    )
    eligible = Screening.objects.filter(eligible=True, pk=Subquery(latest)).values("person_id")
    high = Q(pk__in=eligible)
    if survey is not None:
        risky = Respondent.objects.filter(
            survey=survey, risk_count__gte=min_risks, person_id__isnull=False
        ).values("person_id")
        high |= Q(pk__in=risky)
    return (
        Person.objects.current()
        .filter(high, care_level__in=[CareLevel.NONE, CareLevel.PROGRAM_ELIGIBLE])
        .exclude(pk__in=in_service)
        .select_related("district__life_area")
        .order_by("district__life_area__order", "district__order", "family_kana", "pk")
    )


def followup_page(
    *,
    user: Any,
    survey: Survey | None = None,
    district_id: int | None = None,
    page: int = 1,
    min_risks: int = 2,
) -> tuple[Page[Person], list[FollowUp]]:
    """One page of high-risk people not yet in any service, in district order, each with the
    flags that put them here; the page is one audited list read (names beside health flags)."""
    qs = _followup_people(survey, min_risks)
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    shown = access.read_page(
        user,
        Cap.SURVEY_FOLLOWUP,
        qs,
        number=page,
        size=PAGE_SIZE,
        what="フォローアップ対象",
        note={"survey": survey.name} if survey else None,
    )
    people = list(shown.object_list)
    ids = [p.pk for p in people]
    criteria = rules.builtin_ruleset(rules.KCL)
    latest: dict[int, Screening] = {}
    for s in Screening.objects.filter(person_id__in=ids).order_by(
        "person_id", "-screened_on", "-id"
    ):
        latest.setdefault(s.person_id, s)
    risks: dict[int, list[str]] = {}
    if survey is not None:
        names = {d.id: d.label for d in survey_ruleset(survey).determinations}
        for r in Respondent.objects.filter(
            survey=survey, person_id__in=ids, risk_count__gte=min_risks
        ):
            if r.person_id is not None:
                risks[r.person_id] = [
                    names[k] for k, v in r.results.items() if v == 1 and k in names
                ]
    items: list[FollowUp] = []
    for p in people:
        flags, sources = [], []
        last = latest.get(p.pk)
        if last is not None and last.eligible:
            labels = [
                criteria.determination(c).label.split(" ")[0]
                for c in ("c1", "c2", "c3", "c4", "c5", "c6", "c7")
                if last.results.get(c) == 1
            ]
            flags.append(f"事業対象者（{''.join(labels)}）")
            sources.append(f"基本チェックリスト {last.screened_on}")
        if p.pk in risks and survey is not None:
            flags += risks[p.pk]
            sources.append(survey.name)
        items.append(FollowUp(p, flags, "・".join(sources)))
    return shown, items


def screening_list_for_person(*, user: Any, person: Person) -> QuerySet[Screening]:
    """The checklists on a person's record (shown on the counter page, whose opening of the
    person is audited)."""
    return access.visible(
        user,
        Cap.SURVEY_ANSWERS,
        Screening.objects.filter(person=person),
        "健康情報を閲覧する権限がありません",
    )


def screening_get_for_user(*, user: Any, screening_id: int) -> Screening:
    """Open one screening (要配慮個人情報): scoped by area, and the read is audited."""
    return access.read_one(
        user,
        Cap.SURVEY_ANSWERS,
        Screening.objects.select_related("person__district"),
        screening_id,
        refuse="この記録を閲覧する権限がありません",
    )


def latest_survey(*, user: Any) -> Survey | None:
    return survey_list_for_user(user=user).filter(instrument="needs").first()


def today() -> dt.date:
    return timezone.localdate()


def _respondents(survey: Survey, district_id: int | None, risk: str) -> QuerySet[Respondent]:
    qs = (
        Respondent.objects.filter(survey=survey)
        .select_related("person", "district__life_area")
        .order_by("district__life_area__order", "district__order", "key")
    )
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    if risk:
        qs = qs.filter(**{f"results__{risk}": 1})
    return qs


def respondent_page(
    *, user: Any, survey: Survey, district_id: int | None = None, risk: str = "", page: int = 1
) -> Page[Respondent]:
    """Answer sheets (health data) of the user's districts, one page; audited as a list read."""
    note: dict[str, Any] = {"survey": survey.name}
    if risk:
        note["risk"] = risk
    return access.read_page(
        user,
        Cap.SURVEY_ANSWERS,
        _respondents(survey, district_id, risk),
        number=page,
        size=PAGE_SIZE,
        what="回答者の一覧",
        note=note,
    )


def respondent_get_for_user(*, user: Any, survey: Survey, respondent_id: int) -> Respondent:
    """Open one answer sheet: scoped by area, and the read is audited."""
    return access.read_one(
        user,
        Cap.SURVEY_ANSWERS,
        _respondents(survey, None, ""),
        respondent_id,
        refuse="この回答を閲覧する権限がありません",
        note={"survey": survey.name},
    )


def district_owner_choices(*, user: Any) -> tuple[list[User], list[District]]:
    """The municipality's staff who may own a district's follow-up, and its districts."""
    staff = access.visible(
        user,
        Cap.SURVEY_IMPORT,
        User.objects.filter(
            is_active=True, role__in=[Role.SUPPORT_CENTER, Role.MUNICIPAL, Role.ADMINISTRATOR]
        ).order_by("username"),
        "地区担当を設定する権限がありません",
    )
    districts = access.visible(
        user,
        Cap.SURVEY_IMPORT,
        District.objects.select_related("life_area", "survey_owner").order_by(
            "life_area__order", "order", "code"
        ),
    )
    return list(staff), list(districts)


def survey_for_system(*, survey_id: int) -> Survey | None:
    """A survey by id, for the commands the operator runs on the server."""
    return Survey.objects.select_related("municipality").filter(pk=survey_id).first()


def survey_results_for_system(*, survey: Survey, by: str = "life_area") -> ResultTable:
    """The results of ``survey_results`` for the commands the operator runs on the server
    (open data): the same cells, hidden under the same threshold."""
    if by not in BY_CHOICES:
        by = "life_area"
    return _survey_results(survey, by, "", SUPPRESS)
