"""Reads for community care meetings.

Every case reaches a page, a PDF, a spreadsheet or the API as a :class:`CaseCard`: the case
anonymised (its number, 5-year age band, sex, district and care level) for whoever does not
hold ``casemeetings.identify`` in the case's area (an outside professional, a coordinator, a
nurse of another center), and with the resident's name, address, phone and insured number
only for those who do. Cases are read through the read door, so every list is audited.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
)
from django.http import Http404

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.areas.models import District, Municipality
from chiiki.casemeetings import rollup as engine
from chiiki.casemeetings.models import (
    Case,
    CaseMeeting,
    Invitation,
    IssueCase,
    Kind,
    PlanTask,
    Policy,
    PolicyStatus,
    Review,
    ReviewTag,
    Series,
    Stage,
)
from chiiki.councils.models import RegionalIssue
from chiiki.councils.services.issues import known_tags
from chiiki.people.models import CareLevel

REFUSED = "この地域ケア会議を閲覧する権限がありません"
CASE_REFUSED = "この事例を閲覧する権限がありません"
DUE_SOON_DAYS = 14


# --- the one shape a case is shown in ---------------------------------------------------------


@dataclass(frozen=True)
class CaseCard:
    """A case as the user may see it. ``name``, ``address``, ``phone`` and ``insured_number``
    are None unless the user identifies the case's resident."""

    pk: int
    number: str
    age_band: str
    sex: str
    district: str
    life_area: str
    care_level: str
    goal: str
    outcome: str
    closed_on: dt.date | None
    next_stage: str
    next_due_on: dt.date | None
    identified: bool
    person_id: int | None = None
    name: str | None = None
    address: str | None = None
    phone: str | None = None
    insured_number: str | None = None

    @property
    def label(self) -> str:
        """How the case is called on anonymised pages: its number, band, sex and district."""
        return f"事例 {self.number}（{self.age_band}・{self.sex}・{self.district}）"


def _identified_ids(user: Any, cases: Sequence[Case]) -> set[int]:
    if not cases or not access.can(user, Cap.CASES_IDENTIFY):
        return set()
    from chiiki.people.models import Person

    # Where the resident lives now counts, not only the district the case was opened in.
    q = access.scope_q(user, Cap.CASES_IDENTIFY, Case)
    people = Person.objects.filter(access.scope_q(user, Cap.CASES_IDENTIFY, Person))
    return set(
        Case.objects.filter(q, pk__in=[c.pk for c in cases], person__in=people).values_list(
            "pk", flat=True
        )
    )


def cards(user: Any, cases: Sequence[Case]) -> list[CaseCard]:
    """The cards of cases already read through the door (with district and person loaded)."""
    ids = _identified_ids(user, cases)
    out = []
    for c in cases:
        shown = c.pk in ids and c.person is not None
        p = c.person if shown else None
        out.append(
            CaseCard(
                pk=c.pk,
                number=c.number,
                age_band=c.age_band,
                sex=c.get_sex_display(),
                district=c.district.name,
                life_area=c.district.life_area.name,
                care_level=c.get_care_level_display(),
                goal=c.goal,
                outcome=c.get_outcome_display() if c.outcome else "",
                closed_on=c.closed_on,
                next_stage=Stage(c.next_stage).label if c.next_stage else "",
                next_due_on=c.next_due_on,
                identified=shown,
                person_id=p.pk if p else None,
                name=f"{p.family_name} {p.given_name}" if p else None,
                address=p.address if p else None,
                phone=p.phone if p else None,
                insured_number=p.insured_number if p else None,
            )
        )
    return out


def _cases(user: Any) -> QuerySet[Case]:
    return access.visible(
        user, Cap.CASES_VIEW, Case.objects.select_related("district__life_area", "person", "owner")
    )


# --- series and meetings --------------------------------------------------------------------


def series_list_for_user(*, user: Any) -> list[Series]:
    rows = list(access.visible(user, Cap.CASES_VIEW, Series.objects.select_related("life_area")))
    counts = dict(
        CaseMeeting.objects.filter(series__in=rows)
        .order_by()
        .values_list("series")
        .annotate(n=Count("id"))
        .values_list("series", "n")
    )
    for s in rows:
        s.meeting_count = counts.get(s.pk, 0)  # type: ignore[attr-defined]
    return rows


def series_get_for_user(*, user: Any, series_id: int, cap: Cap = Cap.CASES_VIEW) -> Series:
    found = (
        access.visible(
            user, cap, Series.objects.select_related("life_area", "municipality"), REFUSED
        )
        .filter(pk=series_id)
        .first()
    )
    if found is None:
        raise access.PermissionDenied(REFUSED)
    return found


def meetings_of(*, user: Any, series: Series) -> list[CaseMeeting]:
    qs = access.visible(user, Cap.CASES_VIEW, series.meetings.all()).annotate(
        review_count=Count("reviews", distinct=True)
    )
    return list(qs.order_by("-held_on", "-id"))


def meeting_get_for_user(*, user: Any, meeting_id: int, cap: Cap = Cap.CASES_VIEW) -> CaseMeeting:
    found = (
        access.visible(
            user,
            cap,
            CaseMeeting.objects.select_related("series__municipality", "series__life_area"),
            REFUSED,
        )
        .prefetch_related(
            Prefetch("invitations", queryset=Invitation.objects.select_related("user"))
        )
        .filter(pk=meeting_id)
        .first()
    )
    if found is None:
        raise access.PermissionDenied(REFUSED)
    return found


@dataclass
class AgendaEntry:
    review: Review
    card: CaseCard
    roles: list[str] = field(default_factory=list)


def meeting_agenda(
    *, user: Any, meeting: CaseMeeting, channel: str | None = None
) -> list[AgendaEntry]:
    """The reviews of a meeting in their order, each with its case's card; the cases the
    user reaches are read through the door (one audited list read)."""
    reviews = list(meeting.reviews.select_related("case").order_by("order", "id"))
    ids = [r.case_id for r in reviews]
    cases = access.read_rows(
        user,
        Cap.CASES_VIEW,
        Case.objects.select_related("district__life_area", "person").filter(pk__in=ids),
        what="地域ケア会議の事例",
        channel=channel,
        note={"meeting": meeting.pk},
    )
    by_id = {c.pk: card for c, card in zip(cases, cards(user, cases), strict=True)}
    roles: dict[int, list[str]] = defaultdict(list)
    for review_id, role in PlanTask.objects.filter(review__case_id__in=ids).values_list(
        "review_id", "role"
    ):
        roles[review_id].append(role)
    return [
        AgendaEntry(r, by_id[r.case_id], list(dict.fromkeys(roles[r.pk])))
        for r in reviews
        if r.case_id in by_id
    ]


# --- one case --------------------------------------------------------------------------------


@dataclass
class CaseView:
    case: Case
    card: CaseCard
    reviews: list[Review]
    health: list[tuple[str, str, list[str]]] = field(default_factory=list)


def case_get_for_user(*, user: Any, case_id: int, cap: Cap = Cap.CASES_VIEW) -> CaseView:
    """One case, read through the door (audited), with its reviews and their tasks; the
    resident's checklists only for those who identify the case."""
    case = access.read_one(
        user,
        cap,
        Case.objects.select_related("district__life_area", "person", "owner", "municipality"),
        case_id,
        refuse=CASE_REFUSED,
    )
    card = cards(user, [case])[0]
    # An outside professional reads the reviews of the meetings they are invited to only.
    reviews = list(
        access.visible(user, Cap.CASES_VIEW, case.reviews.all())
        .select_related("meeting__series", "recorded_by")
        .prefetch_related(Prefetch("tasks", queryset=PlanTask.objects.select_related("service")))
        .order_by("held_on", "id")
    )
    view = CaseView(case, card, reviews)
    if card.identified and access.can(user, Cap.HEALTH_VIEW) and case.person is not None:
        view.health = health_flags(user=user, person=case.person)
    return view


def health_flags(*, user: Any, person: Any, limit: int = 3) -> list[tuple[str, str, list[str]]]:
    """The person's latest checklists at the counter and survey answers, as (day, source,
    the criteria met): 要配慮個人情報, for the health roles who identify the case."""
    from chiiki.surveys import rules
    from chiiki.surveys.models import Respondent, Screening
    from chiiki.surveys.services import survey_ruleset

    found: list[tuple[str, str, list[str]]] = []
    criteria = rules.builtin_ruleset(rules.KCL)
    screenings = access.read_rows(
        user,
        Cap.SURVEY_ANSWERS,
        Screening.objects.filter(person=person).order_by("-screened_on", "-id"),
        what="事例の本人のチェックリスト",
        limit=limit,
    )
    for s in screenings:
        met = [
            criteria.determination(c).label
            for c in ("c1", "c2", "c3", "c4", "c5", "c6", "c7")
            if s.results.get(c) == 1
        ]
        if s.eligible:
            met.insert(0, "事業対象者")
        found.append((s.screened_on.isoformat(), "基本チェックリスト（窓口）", met))
    answers = access.read_rows(
        user,
        Cap.SURVEY_ANSWERS,
        Respondent.objects.filter(person=person)
        .select_related("survey")
        .order_by("-survey__mailed_on", "-id"),
        what="事例の本人の調査回答",
        limit=limit,
    )
    for r in answers:
        names = {d.id: d.label for d in survey_ruleset(r.survey).determinations}
        met = [names[k] for k, v in r.results.items() if v == 1 and k in names]
        day = (
            r.survey.mailed_on.isoformat() if r.survey.mailed_on else f"{r.survey.fiscal_year}年度"
        )
        found.append((day, r.survey.name, met))
    return found


def review_get_for_user(*, user: Any, review_id: int, cap: Cap = Cap.CASES_MANAGE) -> Review:
    found = (
        access.visible(
            user,
            cap,
            Review.objects.select_related(
                "case__municipality", "case__district", "meeting__series"
            ),
            CASE_REFUSED,
        )
        .filter(pk=review_id)
        .first()
    )
    if found is None:
        raise access.PermissionDenied(CASE_REFUSED)
    return found


def task_get_for_user(*, user: Any, task_id: int) -> PlanTask:
    found = (
        access.visible(user, Cap.CASES_MANAGE, PlanTask.objects.select_related("review__case"))
        .filter(pk=task_id)
        .first()
    )
    if found is None:
        raise access.PermissionDenied(CASE_REFUSED)
    return found


def similar_cases(
    *, user: Any, case: Case, tags: Iterable[str], limit: int = 10
) -> list[tuple[CaseCard, str]]:
    """Closed cases like this one (a shared issue seed, the same age band or care level),
    with what worked for them: the most alike first."""
    tags = list(tags)
    band = case.age // 5 * 5
    qs = (
        _cases(user)
        .filter(closed_on__isnull=False)
        .exclude(pk=case.pk)
        .filter(
            Q(pk__in=ReviewTag.objects.filter(tag__in=tags).values("case_id"))
            | Q(care_level=case.care_level, age__gte=band, age__lte=band + 4)
        )
    )
    found = list(qs.order_by("-closed_on")[:200])
    tagged = defaultdict(set)
    for cid, tag in ReviewTag.objects.filter(case_id__in=[c.pk for c in found]).values_list(
        "case_id", "tag"
    ):
        tagged[cid].add(tag)

    def score(c: Case) -> tuple[int, dt.date]:
        s = (
            3 * len(tagged[c.pk] & set(tags))
            + (c.care_level == case.care_level)
            + (band <= c.age <= band + 4)
        )
        return (-s, -c.closed_on.toordinal() if c.closed_on else 0)  # type: ignore[return-value]

    found.sort(key=score)
    chosen = found[:limit]
    access.audit_listed(user, chosen, what="似た事例")
    return [(card, c.outcome_key) for c, card in zip(chosen, cards(user, chosen), strict=True)]


def find_cases(
    *,
    user: Any,
    goal: str = "",
    tag: str = "",
    age_band: int | None = None,
    care_level: str = "",
    outcome: str = "",
    limit: int = 50,
) -> list[tuple[CaseCard, str]]:
    """Search cases by goal words, tag, age band and care level, with what worked."""
    qs = _cases(user)
    if goal:
        qs = qs.filter(goal__icontains=goal)
    if tag:
        qs = qs.filter(pk__in=ReviewTag.objects.filter(tag=tag).values("case_id"))
    if age_band is not None:
        qs = qs.filter(age__gte=age_band, age__lte=age_band + 4)
    if care_level:
        qs = qs.filter(care_level=care_level)
    if outcome:
        qs = qs.filter(outcome=outcome)
    rows = access.read_rows(
        user,
        Cap.CASES_VIEW,
        qs.order_by("-opened_on", "-id"),
        what="事例の検索",
        limit=limit,
    )
    return [(card, c.outcome_key) for c, card in zip(rows, cards(user, rows), strict=True)]


def case_page_for_user(
    *, user: Any, page: int, size: int, tag: str = ""
) -> tuple[list[CaseCard], int]:
    """One page of the cases the user sees, newest opened first, as cards, and how many
    there are in all (a page past the end is empty). The page is one audited list read;
    an unknown ``tag`` is a ParamError."""
    qs = _cases(user)
    if tag:
        if tag not in known_tags(user.municipality):
            raise Http404(f"課題の種「{tag}」は登録されていません")
        qs = qs.filter(pk__in=ReviewTag.objects.filter(tag=tag).values("case_id"))
    qs = qs.order_by("-opened_on", "-id")
    start = (page - 1) * size
    rows = list(qs[start : start + size])
    access.audit_listed(user, rows, what="事例の一覧")
    return cards(user, rows), qs.count()


# --- follow-up ---------------------------------------------------------------------------------


@dataclass
class DueCounts:
    key: str
    label: str
    open: int = 0
    due: int = 0
    overdue: int = 0
    behind: int = 0


@dataclass
class DueBoard:
    today: dt.date
    by_center: list[DueCounts]
    by_owner: list[DueCounts]
    rows: list[CaseCard]
    total: DueCounts


def _behind(today: dt.date) -> ExpressionWrapper:
    """A task past its one-month target and not reached: read from the case, where the
    services keep the earliest such target (a test of its tasks per open case cost 0.5 s
    over 10,000 of them on PostgreSQL)."""
    return ExpressionWrapper(Q(next_target_on__lt=today), output_field=BooleanField())


def due_board(*, user: Any, today: dt.date, show: str = "attention", limit: int = 100) -> DueBoard:
    """Open cases due within two weeks, overdue, and behind their one-month targets, counted
    per center (life area) and per staff member; the cases needing attention listed."""
    open_cases = access.visible(user, Cap.CASES_VIEW, Case.objects.filter(closed_on__isnull=True))
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    annotated = open_cases.annotate(behind=_behind(today))
    groups = {
        "center": ("district__life_area", ("district__life_area__name",)),
        "owner": ("owner", ("owner__display_name", "owner__username")),
    }
    boards: dict[str, list[DueCounts]] = {}
    for name, (key, labels) in groups.items():
        rows = (
            annotated.order_by()
            .values(key, *labels)
            .annotate(
                n=Count("id"),
                due=Count("id", filter=Q(next_due_on__gte=today, next_due_on__lte=soon)),
                overdue=Count("id", filter=Q(next_due_on__lt=today)),
                behind_n=Count("id", filter=Q(behind=True)),
            )
        )
        boards[name] = sorted(
            (
                DueCounts(
                    str(r[key] or ""),
                    next((r[label] for label in labels if r[label]), "（担当なし）"),
                    r["n"],
                    r["due"],
                    r["overdue"],
                    r["behind_n"],
                )
                for r in rows
            ),
            key=lambda d: (-d.overdue, -d.due, d.label),
        )
    total = DueCounts("all", "合計")
    for d in boards["center"]:
        total.open += d.open
        total.due += d.due
        total.overdue += d.overdue
        total.behind += d.behind
    attention = annotated.filter(Q(next_due_on__lte=soon) | Q(behind=True))
    if show == "overdue":
        attention = annotated.filter(next_due_on__lt=today)
    elif show == "behind":
        attention = annotated.filter(behind=True)
    listed = access.read_rows(
        user,
        Cap.CASES_VIEW,
        attention.select_related("district__life_area", "person").order_by("next_due_on", "id"),
        what="フォローアップの予定",
        limit=limit,
    )
    return DueBoard(today, boards["center"], boards["owner"], cards(user, listed), total)


def due_counts(*, municipality: Municipality, today: dt.date) -> dict[str, int]:
    """The municipality's open cases counted by where their follow-up stands on ``today``,
    for the record of the daily check: counts only, so no case or resident is named."""
    yesterday = today - dt.timedelta(days=1)
    return (
        Case.objects.filter(municipality=municipality, closed_on__isnull=True)
        .order_by()
        .aggregate(
            open=Count("id"),
            overdue=Count("id", filter=Q(next_due_on__lt=today)),
            became_overdue=Count("id", filter=Q(next_due_on=yesterday)),
            due_soon=Count(
                "id",
                filter=Q(
                    next_due_on__gte=today,
                    next_due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
                ),
            ),
            behind=Count("id", filter=Q(next_target_on__lt=today)),
        )
    )


# --- roll-up ----------------------------------------------------------------------------------


def _period(start: dt.date | None, end: dt.date | None) -> Q:
    q = Q()
    if start is not None:
        q &= Q(held_on__gte=start)
    if end is not None:
        q &= Q(held_on__lte=end)
    return q


def rollup_for(
    *, municipality: Municipality, start: dt.date | None = None, end: dt.date | None = None
) -> list[engine.TagRoll]:
    """Tag counts by district over a period: one grouped read of the seed rows (a case counts
    once for a tag in its district). For the page, the API and the command alike; the
    caller has checked ``casemeetings.rollup``."""
    rows = (
        ReviewTag.objects.filter(_period(start, end), municipality=municipality)
        .order_by()
        .values_list("tag", "district_id")
        .annotate(n=Count("case_id", distinct=True))
    )
    # Grouped by the district's id, not its name: the index gives the rows in that order,
    # where a join to the names would sort them all.
    names = dict(District.objects.filter(municipality=municipality).values_list("pk", "name"))
    return engine.roll_up(
        ((tag, names.get(d, ""), n) for tag, d, n in rows), known_tags(municipality)
    )


def rollup_for_user(
    *, user: Any, start: dt.date | None = None, end: dt.date | None = None
) -> list[engine.TagRoll]:
    access.require(user, Cap.CASES_ROLLUP)
    return rollup_for(municipality=user.municipality, start=start, end=end)


def tag_case_ids(
    *, municipality: Municipality, tag: str, start: dt.date | None, end: dt.date | None
) -> list[int]:
    return list(
        ReviewTag.objects.filter(_period(start, end), municipality=municipality, tag=tag)
        .order_by()
        .values_list("case_id", flat=True)
        .distinct()
    )


# --- policy and evaluation -----------------------------------------------------------------


@dataclass
class PolicyRow:
    """A line of 豊明市's table 「見えてきた課題 → 解決に向けた政策へ」."""

    issue: RegionalIssue
    cases: int
    districts: int
    policies: list[Policy]


def policy_table(*, user: Any) -> list[PolicyRow]:
    """Every issue of the register that came from cases: the number of cases and districts
    behind it, and the measures with their status."""
    issues = list(
        _issues_from_cases(user).prefetch_related(
            Prefetch("policies", queryset=Policy.objects.order_by("proposed_on", "id"))
        )
    )
    links = IssueCase.objects.filter(issue__in=issues).values_list("issue_id", "case__district_id")
    cases: Counter[int] = Counter()
    districts: dict[int, set[int]] = defaultdict(set)
    for issue_id, district_id in links:
        cases[issue_id] += 1
        districts[issue_id].add(district_id)
    return [PolicyRow(i, cases[i.pk], len(districts[i.pk]), list(i.policies.all())) for i in issues]


def issue_cases(*, user: Any, issue: RegionalIssue) -> list[CaseCard]:
    rows = access.read_rows(
        user,
        Cap.CASES_VIEW,
        Case.objects.select_related("district__life_area", "person").filter(
            issue_links__issue=issue
        ),
        what="地域課題のもとになった事例",
    )
    return cards(user, rows)


@dataclass
class SeriesStats:
    meetings_held: int
    meetings_evaluated: int
    cases_closed: int
    closed_on_time: int
    open_cases: int

    @property
    def evaluated_share(self) -> float | None:
        return self.meetings_evaluated / self.meetings_held if self.meetings_held else None

    @property
    def on_time_share(self) -> float | None:
        return self.closed_on_time / self.cases_closed if self.cases_closed else None


def series_stats(*, series: Series, today: dt.date) -> SeriesStats:
    """Per series: the share of its held meetings that were evaluated, and the share of the
    cases it opened that closed by their closing date."""
    held = series.meetings.filter(held_on__lte=today)
    cases = Case.objects.filter(
        reviews__meeting__series=series, reviews__stage=Stage.INITIAL
    ).distinct()
    closed = cases.filter(closed_on__isnull=False)
    return SeriesStats(
        meetings_held=held.count(),
        meetings_evaluated=held.filter(evaluated_on__isnull=False).count(),
        cases_closed=closed.count(),
        closed_on_time=closed.filter(
            Q(closing_due_on__isnull=True) | Q(closed_on__lte=F("closing_due_on"))
        ).count(),
        open_cases=cases.filter(closed_on__isnull=True).count(),
    )


def invitable_users(*, user: Any, meeting: CaseMeeting) -> list[Any]:
    from chiiki.accounts.models import Role, User

    return list(
        User.objects.filter(
            municipality_id=meeting.series.municipality_id,
            is_active=True,
            role__in=[
                Role.ADMINISTRATOR,
                Role.MUNICIPAL,
                Role.SUPPORT_CENTER,
                Role.COORDINATOR,
                Role.ADVISOR,
            ],
        ).order_by("role", "display_name", "username")
    )


def promotion_series(*, user: Any) -> list[Series]:
    return [s for s in series_list_for_user(user=user) if s.kind == Kind.PROMOTION]


def open_policies(*, user: Any) -> QuerySet[Policy]:
    return access.visible(
        user, Cap.COUNCILS_VIEW, Policy.objects.exclude(status=PolicyStatus.DROPPED)
    )


CARE_LEVELS = CareLevel.choices


def invited_meetings(*, user: Any, limit: int = 50) -> list[CaseMeeting]:
    """The meetings the user is invited to, the next first, then the latest held."""
    return list(
        access.visible(
            user,
            Cap.CASES_VIEW,
            CaseMeeting.objects.select_related("series").filter(invitations__user=user),
        ).order_by("-held_on", "-id")[:limit]
    )


def people_for_cases(*, user: Any, query: str) -> list[Any]:
    """Residents to open a case for, found by name or kana (the nurse's areas only)."""
    if not query or not access.can(user, Cap.CASES_IDENTIFY):
        return []
    from chiiki.people.selectors import person_pick_list

    return person_pick_list(user=user, query=query, cap=Cap.PEOPLE_EDIT)


def promotion_items(*, user: Any, meeting: CaseMeeting) -> list[Any]:
    """A 推進会議's items: each regional issue with the cases it came from."""
    items = list(meeting.items.select_related("issue"))
    for item in items:
        item.case_cards = issue_cases(user=user, issue=item.issue)  # type: ignore[attr-defined]
    return items


def _issues_from_cases(user: Any) -> QuerySet[RegionalIssue]:
    """The register's issues that link cases, newest step first."""
    return (
        access.visible(user, Cap.COUNCILS_VIEW, RegionalIssue.objects.all())
        .filter(case_links__isnull=False)
        .distinct()
        .order_by("-status_on", "-id")
    )


def issues_with_cases(*, user: Any) -> list[RegionalIssue]:
    return list(_issues_from_cases(user))


def meetings_for_followup(*, user: Any, case: Case) -> list[CaseMeeting]:
    """Individual meetings a case can be reviewed at next: on or after its last review."""
    last = case.reviews.order_by("-held_on").values_list("held_on", flat=True).first()
    qs = access.visible(
        user,
        Cap.CASES_MANAGE,
        CaseMeeting.objects.select_related("series").filter(
            series__municipality_id=case.municipality_id, series__kind=Kind.INDIVIDUAL
        ),
    )
    if last is not None:
        qs = qs.filter(held_on__gt=last)
    return list(qs.order_by("held_on", "id")[:50])


def case_issues(*, user: Any, case: Case) -> list[RegionalIssue]:
    """The regional issues of the register this case stands behind (for those who read the
    register)."""
    if not access.can(user, Cap.COUNCILS_VIEW):
        return []
    return list(
        access.visible(user, Cap.COUNCILS_VIEW, RegionalIssue.objects.all())
        .filter(case_links__case=case)
        .order_by("-status_on")
    )


def promoted_tags(*, user: Any) -> dict[str, list[RegionalIssue]]:
    """The issue seeds already carried to the register (through their cases), tag → issues,
    so the roll-up shows them instead of inviting a second registration."""
    found: dict[str, list[RegionalIssue]] = defaultdict(list)
    if not access.can(user, Cap.COUNCILS_VIEW):
        return found
    seen = set()
    links = (
        IssueCase.objects.filter(issue__municipality_id=user.municipality_id)
        .exclude(tag="")
        .select_related("issue")
        .order_by("issue_id")
    )
    for link in links:
        if (link.tag, link.issue_id) not in seen:
            seen.add((link.tag, link.issue_id))
            found[link.tag].append(link.issue)
    return found
