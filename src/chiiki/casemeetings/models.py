"""Community care meetings (地域ケア会議): series by kind, meetings with their agenda and
invitations, cases reviewed at 初回 → 中間 → 終了前, each review's sheet in the guide's order,
the support plan's tasks, the tags that add cases up into regional issues, the policies
(施策) that come of them, and each meeting's 振り返り・評価.

A case names a resident only through ``person`` (optional: past records imported from
spreadsheets have none). Whoever does not hold ``casemeetings.identify`` (an outside
professional, a coordinator) is shown the case anonymised, by its number, 5-year age band,
sex, district and care level: see ``selectors.CaseCard``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from chiiki.accounts.access_paths import Paths
from chiiki.areas.models import District, LifeArea, Municipality, Sex
from chiiki.core.bounds import AGE, MINUTES
from chiiki.core.validators import date_validators, int_validators, range_check
from chiiki.councils.models import RegionalIssue
from chiiki.people.models import CareLevel, Person

__all__ = ["CareLevel", "Sex"]


class Kind(models.TextChoices):
    INDIVIDUAL = "individual", "地域ケア個別会議"
    PROMOTION = "promotion", "地域ケア推進会議"


class Focus(models.TextChoices):
    """What an individual meeting reviews (介護保険法 第115条の48 and municipal rules)."""

    INDEPENDENCE = "independence", "自立支援型（要支援・事業対象者）"
    CARE = "care", "要介護1・2"
    DEMENTIA = "dementia", "認知症"
    DIFFICULT = "difficult", "困難事例"
    POLICY = "policy", "地域課題・政策形成（推進会議）"


class Function(models.TextChoices):
    """The five functions of the 地域ケア会議."""

    INDIVIDUAL = "individual", "個別課題解決"
    NETWORK = "network", "ネットワーク構築"
    DISCOVERY = "discovery", "地域課題発見"
    DEVELOPMENT = "development", "地域づくり・資源開発"
    POLICY = "policy", "政策形成"


# One case's slot at the agenda, in minutes: 5 presenting, 5 the provider's plan, 15
# questions and advice, 5 summary (豊明市).
DEFAULT_SLOTS = {"presenting": 5, "plan": 5, "advice": 15, "summary": 5}
SLOT_LABELS = {
    "presenting": "事例の説明",
    "plan": "事業所のプラン説明",
    "advice": "質疑・助言",
    "summary": "まとめ",
}


class Series(models.Model):
    """A meeting series: its kind, host, schedule, the professions it calls and the
    functions it serves. A support center's series lies in its life area."""

    access_paths = Paths(
        municipality="municipality",
        life_area="life_area",
        invited="meetings__invitations__user",
    )

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="case_series"
    )
    kind = models.CharField("種別", max_length=12, choices=Kind.choices)
    focus = models.CharField("対象", max_length=14, choices=Focus.choices)
    name = models.CharField("会議名", max_length=120)
    host = models.CharField("主催", max_length=120)
    life_area = models.ForeignKey(
        LifeArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="日常生活圏域（包括の担当圏域）",
    )
    schedule = models.CharField("開催の予定", max_length=120, blank=True)
    meetings_per_year = models.PositiveSmallIntegerField(
        "年間の開催回数", default=12, validators=int_validators(AGE, "年間の開催回数")
    )
    minutes_per_meeting = models.PositiveSmallIntegerField(
        "1回の時間（分）", default=90, validators=int_validators(MINUTES, "1回の時間")
    )
    cases_per_meeting = models.PositiveSmallIntegerField(
        "1回の事例数", default=4, validators=int_validators(AGE, "1回の事例数")
    )
    slots = models.JSONField("1事例の時間配分（分）", default=dict, blank=True)
    professions = models.JSONField("参加職種", default=list, blank=True)
    functions = models.JSONField("会議の機能", default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name", "id"]
        verbose_name = "地域ケア会議の系列"
        verbose_name_plural = "地域ケア会議の系列"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="case_series_name_once")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def slot_minutes(self) -> dict[str, int]:
        return {k: int(self.slots.get(k, v)) for k, v in DEFAULT_SLOTS.items()}

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.life_area is not None and self.life_area.municipality_id != self.municipality_id:
            errors["life_area"] = "同じ市町村の日常生活圏域を指定してください"
        if self.kind == Kind.PROMOTION and self.focus != Focus.POLICY:
            errors["focus"] = "推進会議の対象は「地域課題・政策形成」です"
        if self.kind == Kind.INDIVIDUAL and self.focus == Focus.POLICY:
            errors["focus"] = (
                "個別会議の対象（自立支援型・要介護・認知症・困難事例）を選んでください"
            )
        bad = [f for f in self.functions or [] if f not in Function.values]
        if bad:
            errors["functions"] = f"会議の機能「{'、'.join(map(str, bad))}」はありません"
        for key, value in (self.slots or {}).items():
            if key not in DEFAULT_SLOTS or not isinstance(value, int) or not 0 <= value <= 240:
                errors["slots"] = "時間配分は各項目0〜240分の整数です"
        if errors:
            raise ValidationError(errors)


class CaseMeeting(models.Model):
    """One meeting of a series: when and where, who is invited, which cases (their reviews)
    in which order, and its 振り返り・評価."""

    access_paths = Paths(
        municipality="series__municipality",
        life_area="series__life_area",
        invited="invitations__user",
    )

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField("開催日", validators=date_validators("開催日"))
    starts_at = models.TimeField("開始時刻", default=dt.time(13, 30))
    place = models.CharField("会場", max_length=120, blank=True)
    notes = models.TextField("メモ", blank=True, max_length=8000)
    # 振り返り・評価: blank until the meeting has been evaluated.
    purpose_shared = models.BooleanField("目的を共有できた", null=True, blank=True)
    issues_drawn = models.BooleanField("地域課題を抽出できた", null=True, blank=True)
    followups_kept = models.BooleanField(
        "前回までのフォローアップを確認した", null=True, blank=True
    )
    evaluation = models.TextField("振り返り", blank=True, max_length=4000)
    evaluated_on = models.DateField(
        "評価日", null=True, blank=True, validators=date_validators("評価日")
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = "地域ケア会議"
        verbose_name_plural = "地域ケア会議"
        indexes = [models.Index(fields=["series", "-held_on"])]

    def __str__(self) -> str:
        return f"{self.series} {self.held_on:%Y-%m-%d}"

    @property
    def evaluated(self) -> bool:
        return self.evaluated_on is not None


class Invitation(models.Model):
    """Who is called to a meeting: a staff member or an outside professional with a login,
    by profession. Only they may record reviews at it (staff) or read its cases (outside)."""

    access_paths = Paths(
        municipality="meeting__series__municipality",
        life_area="meeting__series__life_area",
        invited="user",
    )

    meeting = models.ForeignKey(CaseMeeting, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_invitations"
    )
    profession = models.CharField("職種", max_length=30)
    organisation = models.CharField("所属", max_length=120, blank=True)
    attended = models.BooleanField("出席", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="case_invitation_once")
        ]
        ordering = ["profession", "id"]

    def __str__(self) -> str:
        return f"{self.user}（{self.profession}）"


class Stage(models.TextChoices):
    INITIAL = "initial", "初回"
    MID = "mid", "中間"
    CLOSING = "closing", "終了前"


STAGE_ORDER = (Stage.INITIAL, Stage.MID, Stage.CLOSING)


class Outcome(models.TextChoices):
    MET = "met", "達成"
    PARTLY = "partly", "一部達成"
    NOT_MET = "not_met", "未達成"
    ONGOING = "ongoing", "継続中"


class Case(models.Model):
    """One older person's case, followed from the first review to closing.

    ``number`` is the case's id in the municipality's records (事例番号). ``person`` is set
    when the case was opened in chiiki; imported past records carry only what the sheet
    said (age, sex, district, care level). ``next_stage``/``next_due_on`` and
    ``next_target_on`` are kept by the services so that the follow-up dashboard reads them
    from the case, not from its reviews and their tasks."""

    access_paths = Paths(
        municipality="municipality",
        life_area="district__life_area",
        person="person",
        invited="reviews__meeting__invitations__user",
    )

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="cases")
    number = models.CharField("事例番号", max_length=40)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="cases", verbose_name="地区"
    )
    age = models.PositiveSmallIntegerField("年齢", validators=int_validators(AGE, "年齢"))
    sex = models.CharField("性別", max_length=1, choices=Sex.choices)
    care_level = models.CharField(
        "要介護度", max_length=20, choices=CareLevel.choices, default=CareLevel.NONE
    )
    goal = models.CharField("目標（本人の言葉）", max_length=400, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_cases",
        verbose_name="担当",
    )
    opened_on = models.DateField("初回の日", validators=date_validators("初回の日"))
    mid_due_on = models.DateField(
        "中間の予定日", null=True, blank=True, validators=date_validators("中間の予定日")
    )
    closing_due_on = models.DateField(
        "終了前の予定日", null=True, blank=True, validators=date_validators("終了前の予定日")
    )
    next_stage = models.CharField(max_length=8, choices=Stage.choices, blank=True)
    next_due_on = models.DateField(null=True, blank=True)
    # The earliest one-month target of the plan not reached yet (None: no task is open).
    next_target_on = models.DateField(null=True, blank=True)
    outcome = models.CharField("結果", max_length=8, choices=Outcome.choices, blank=True)
    outcome_key = models.TextField("成功の鍵・うまくいかなかった理由", blank=True, max_length=2000)
    closed_on = models.DateField(
        "終了日", null=True, blank=True, validators=date_validators("終了日")
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = "事例"
        verbose_name_plural = "事例"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "number"], name="case_number_once"),
            range_check("age", AGE, name="case_age_range"),
        ]
        indexes = [
            models.Index(fields=["municipality", "closed_on", "next_due_on"], name="case_due"),
            models.Index(fields=["municipality", "owner"], name="case_owner"),
        ]

    def __str__(self) -> str:
        return f"事例 {self.number}"

    @property
    def age_band(self) -> str:
        low = self.age // 5 * 5
        return f"{low}〜{low + 4}歳"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Review(models.Model):
    """One review of a case at a meeting, at one stage, in the guide's order: the present
    state and why, the life the person wants, the real issue (the gap), whether the plan can
    really close it, the plan's tasks, and at least one issue seed or an explicit 「なし」."""

    access_paths = Paths(
        municipality="case__municipality",
        life_area="case__district__life_area",
        person="case__person",
        invited="meeting__invitations__user",
    )

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    meeting = models.ForeignKey(CaseMeeting, on_delete=models.PROTECT, related_name="reviews")
    stage = models.CharField("段階", max_length=8, choices=Stage.choices)
    held_on = models.DateField("検討日", validators=date_validators("検討日"))
    order = models.PositiveSmallIntegerField("順番", default=1)
    present_state = models.TextField("現状分析（今の状態とその原因）", blank=True, max_length=4000)
    goal = models.TextField("目標（本人の言葉で）", blank=True, max_length=1000)
    real_issue = models.TextField("本当の課題（目標と現状の差）", blank=True, max_length=2000)
    can_solve = models.TextField(
        "「本当に解決できますか」（提案のサービスで差を埋められるか）", blank=True, max_length=2000
    )
    advice = models.TextField("助言", blank=True, max_length=4000)
    # Issue seeds (課題の種) as "|a|b|", so that one tag is found with a plain LIKE.
    tag_codes = models.CharField("課題の種", max_length=400, blank=True)
    no_seed = models.BooleanField("課題の種なし", default=False)
    result = models.CharField("結果", max_length=8, choices=Outcome.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = "事例の検討"
        verbose_name_plural = "事例の検討"
        constraints = [
            models.UniqueConstraint(fields=["case", "stage"], name="review_stage_once"),
        ]
        indexes = [models.Index(fields=["meeting", "order"])]

    def __str__(self) -> str:
        return f"{self.case} {self.get_stage_display()}"

    @property
    def tags(self) -> list[str]:
        return [t for t in self.tag_codes.strip("|").split("|") if t]


class ReviewTag(models.Model):
    """One issue seed of one review, with the case's district and the review's day copied in,
    so that the roll-up over a hundred thousand cases is one grouped read of one table.
    Written only by the services, with the review."""

    access_paths = Paths(municipality="municipality", life_area="district__life_area")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="seed_rows")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    held_on = models.DateField()
    tag = models.CharField(max_length=40)

    class Meta:
        indexes = [
            models.Index(
                fields=["municipality", "held_on", "tag", "district", "case"], name="rollup"
            ),
            # The roll-up over every day reads this one in its groups' order: no sorting.
            models.Index(
                fields=["municipality", "tag", "district", "case", "held_on"], name="rollup_by_tag"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["review", "tag"], name="review_tag_once"),
        ]

    def __str__(self) -> str:
        return self.tag


class TaskKind(models.TextChoices):
    INSURANCE = "insurance", "介護保険サービス"
    INFORMAL = "informal", "地域資源（インフォーマル）"
    MUTUAL_AID = "mutual_aid", "助け合い（住民の支え合い）"
    SELF = "self", "本人・家族の取り組み"
    PROFESSIONAL = "professional", "専門職の関わり"


class PlanTask(models.Model):
    """One task of the support plan: what, which resource, the role, an owner, a deadline
    and the target to reach within a month."""

    access_paths = Paths(
        municipality="review__case__municipality",
        life_area="review__case__district__life_area",
        person="review__case__person",
        invited="review__meeting__invitations__user",
    )

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField("種類", max_length=14, choices=TaskKind.choices)
    text = models.CharField("内容", max_length=400)
    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="地域資源",
    )
    role = models.CharField("役割（職種）", max_length=30)
    owner = models.CharField("担当者", max_length=80)
    due_on = models.DateField("期限", validators=date_validators("期限"))
    target = models.CharField("1か月後の目標", max_length=400)
    target_on = models.DateField("目標の確認日", validators=date_validators("目標の確認日"))
    achieved = models.BooleanField("目標に届いた", null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "支援計画の役割"
        verbose_name_plural = "支援計画の役割"

    def __str__(self) -> str:
        return self.text


class IssueCase(models.Model):
    """A case behind a regional issue of the councils' register: the link a promoted issue,
    its policies and every 推進会議 item keep back to the people's cases."""

    issue = models.ForeignKey(RegionalIssue, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="issue_links")
    tag = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "case"], name="issue_case_once"),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} ← {self.case_id}"


class PolicyStatus(models.TextChoices):
    PROPOSED = "proposed", "提案"
    BUDGETED = "budgeted", "予算化・計画へ反映"
    RUNNING = "running", "実施中"
    EVALUATED = "evaluated", "評価済み"
    DROPPED = "dropped", "見送り"


class Policy(models.Model):
    """A measure (施策) proposed for a regional issue: 豊明市's 「解決に向けた政策へ」. Its
    cases are the issue's, read through the issue."""

    access_paths = Paths(municipality="municipality")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="policies"
    )
    issue = models.ForeignKey(RegionalIssue, on_delete=models.PROTECT, related_name="policies")
    title = models.CharField("施策", max_length=200)
    description = models.TextField("内容", blank=True, max_length=4000)
    status = models.CharField(
        "状況", max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.PROPOSED
    )
    proposed_on = models.DateField("提案日", validators=date_validators("提案日"))
    plan_reference = models.CharField("計画・予算での位置づけ", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-proposed_on", "-id"]
        verbose_name = "施策"
        verbose_name_plural = "施策"

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.issue_id and self.issue.municipality_id != self.municipality_id:
            raise ValidationError({"issue": "同じ市町村の地域課題を選んでください"})


class PromotionItem(models.Model):
    """An item of a 推進会議: a regional issue brought with the cases it came from."""

    access_paths = Paths(
        municipality="meeting__series__municipality", invited="meeting__invitations__user"
    )

    meeting = models.ForeignKey(CaseMeeting, on_delete=models.CASCADE, related_name="items")
    issue = models.ForeignKey(RegionalIssue, on_delete=models.PROTECT, related_name="+")
    note = models.TextField("検討の内容", blank=True, max_length=4000)
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "issue"], name="promotion_item_once"),
        ]

    def __str__(self) -> str:
        return str(self.issue)
