"""Coordination bodies (SC協議体, 地域福祉ネットワーク会議, 見守りネットワーク, 地域ケア推進会議),
their members and meetings, district questionnaires, watch-over cases, the daily huddle, and
the register of regional issues (地域課題) where case meetings and indicators meet."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from chiiki.accounts.access_paths import Paths
from chiiki.areas.models import District, LifeArea, Municipality
from chiiki.core import bounds, validators
from chiiki.councils import taxonomy
from chiiki.people.models import Person


class Layer(models.IntegerChoices):
    MUNICIPALITY = 1, "第1層（市町村）"
    LIFE_AREA = 2, "第2層（日常生活圏域）"
    DISTRICT = 3, "第3層（地区）"


class BodyKind(models.TextChoices):
    SC_COUNCIL = "sc_council", "SC協議体（地域ささえあい協議体）"
    WELFARE_NETWORK = "welfare_network", "地域福祉ネットワーク会議"
    WATCH_NETWORK = "watch_network", "見守りネットワーク"
    CARE_PROMOTION = "care_promotion", "地域ケア推進会議"
    DAILY_HUDDLE = "daily_huddle", "多職種の打ち合わせ"


class Body(models.Model):
    """A coordination body of one area: the municipality (第1層), a life area (第2層) or a
    district (第3層)."""

    access_paths = Paths(municipality="municipality", life_area="life_area")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="bodies")
    layer = models.PositiveSmallIntegerField("層", choices=Layer.choices)
    kind = models.CharField("種類", max_length=20, choices=BodyKind.choices)
    name = models.CharField("名称", max_length=120)
    life_area = models.ForeignKey(
        LifeArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name="日常生活圏域",
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name="地区",
    )
    founded_on = models.DateField("設置日", validators=validators.date_validators("設置日"))
    dissolved_on = models.DateField(
        "廃止日", null=True, blank=True, validators=validators.date_validators("廃止日")
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_bodies",
        verbose_name="進行役（生活支援コーディネーター）",
    )
    secretariat = models.CharField("事務局", max_length=120, blank=True)
    notes = models.TextField("メモ", blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["layer", "life_area__order", "district__order", "name", "id"]
        verbose_name = "協議体"
        verbose_name_plural = "協議体"
        indexes = [models.Index(fields=["municipality", "layer", "kind"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.layer == Layer.MUNICIPALITY and (self.life_area_id or self.district_id):
            errors["layer"] = "第1層（市町村）の協議体には圏域・地区を指定しません"
        if self.layer == Layer.LIFE_AREA and (not self.life_area_id or self.district_id):
            errors["life_area"] = "第2層の協議体は日常生活圏域を1つ指定します（地区は指定しません）"
        if self.layer == Layer.DISTRICT and not self.district_id:
            errors["district"] = "第3層の協議体は地区を指定します"
        for field in ("life_area", "district"):
            area = getattr(self, field)
            if area is not None and area.municipality_id != self.municipality_id:
                errors[field] = "同じ市町村の圏域・地区を指定してください"
        if self.dissolved_on and self.founded_on and self.dissolved_on < self.founded_on:
            errors["dissolved_on"] = "廃止日は設置日より後の日付です"
        if errors:
            raise ValidationError(errors)


class Membership(models.Model):
    """A member of a body: the person, the organisation they come from, their role. A start
    and an end keep the body's history."""

    access_paths = Paths(municipality="body__municipality", life_area="body__life_area")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    name = models.CharField("氏名", max_length=80)
    organisation_kind = models.CharField(
        "団体の種類", max_length=40, error_messages={"blank": "団体の種類を選んでください"}
    )
    organisation_name = models.CharField("団体名", max_length=120, blank=True)
    role = models.CharField("役職", max_length=60, blank=True)
    contact = models.CharField("連絡先", max_length=120, blank=True)
    started_on = models.DateField("就任日", validators=validators.date_validators("就任日"))
    ended_on = models.DateField(
        "退任日", null=True, blank=True, validators=validators.date_validators("退任日")
    )

    class Meta:
        ordering = ["ended_on", "organisation_kind", "name", "id"]
        verbose_name = "協議体の構成員"
        verbose_name_plural = "協議体の構成員"

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation_label}）"

    @property
    def organisation_label(self) -> str:
        term = taxonomy.organisation_kinds().get(self.organisation_kind)
        return term.name if term else self.organisation_kind

    def clean(self) -> None:
        if (
            self.organisation_kind
            and taxonomy.organisation_kinds().get(self.organisation_kind) is None
        ):
            raise ValidationError(
                {"organisation_kind": f"団体の種類「{self.organisation_kind}」は一覧にありません"}
            )
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "退任日は就任日より後の日付です"})


class Meeting(models.Model):
    """One meeting: agenda, attendance, minutes, decisions and the group work of
    「地域のええとこ・いかんとこ」. ``version`` guards the minutes against lost updates."""

    access_paths = Paths(municipality="body__municipality", life_area="body__life_area")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField("開催日", validators=validators.date_validators("開催日"))
    place = models.CharField("会場", max_length=120, blank=True)
    agenda = models.TextField("議題", blank=True, max_length=8000)
    minutes = models.TextField("議事録", blank=True, max_length=40000)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = "会議"
        verbose_name_plural = "会議"
        indexes = [models.Index(fields=["body", "-held_on"])]

    def __str__(self) -> str:
        return f"{self.body} {self.held_on:%Y-%m-%d}"

    def clean(self) -> None:
        body = self.body if self.body_id else None
        if body is not None and self.held_on and self.held_on < body.founded_on:
            raise ValidationError(
                {"held_on": f"開催日は協議体の設置日（{body.founded_on:%Y-%m-%d}）以後の日付です"}
            )


class Attendance(models.Model):
    """Who came: a member, or a guest by name."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    guest_name = models.CharField("来賓・オブザーバー", max_length=80, blank=True)
    guest_organisation = models.CharField("所属", max_length=120, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership"],
                condition=models.Q(membership__isnull=False),
                name="attendance_member_once",
            )
        ]

    def __str__(self) -> str:
        return self.guest_name or str(self.membership)


class Decision(models.Model):
    """A decision of a meeting, with who carries it out and by when."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField("決定事項", max_length=2000)
    owner = models.CharField(
        "担当", max_length=80, error_messages={"blank": "決定事項には担当を入れてください"}
    )
    due_on = models.DateField(
        "期限", null=True, blank=True, validators=validators.date_validators("期限")
    )
    done_on = models.DateField(
        "完了日", null=True, blank=True, validators=validators.date_validators("完了日")
    )

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class GroupWork(models.Model):
    """「地域のええとこ・いかんとこ」 of one district, from a meeting's group work; it feeds the
    district's resource sheet (わがまちこんなとこシート)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="group_work")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    good_points = models.TextField("地域のええとこ", blank=True, max_length=4000)
    problems = models.TextField("地域のいかんとこ", blank=True, max_length=4000)
    applied_at = models.DateTimeField("資源シートへの反映", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "district"], name="groupwork_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.district}"


# --- district questionnaires (地区アンケート) ----------------------------------------------


class Questionnaire(models.Model):
    """A body's own questionnaire: an instrument of the survey engine, as YAML."""

    access_paths = Paths(municipality="body__municipality", life_area="body__life_area")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="questionnaires")
    name = models.CharField("名称", max_length=120)
    fiscal_year = models.PositiveSmallIntegerField(
        "年度", validators=validators.int_validators(bounds.FISCAL_YEAR, "年度")
    )
    instrument_yaml = models.TextField("調査票（YAML）", max_length=40000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "-id"]
        verbose_name = "地区アンケート"
        verbose_name_plural = "地区アンケート"

    def __str__(self) -> str:
        return self.name


class AnswerMethod(models.TextChoices):
    PAPER = "paper", "紙（取り込み）"
    TABLET = "tablet", "タブレット"


class QuestionnaireAnswer(models.Model):
    """One returned questionnaire; anonymous (no resident is named), placed by district."""

    access_paths = Paths(
        municipality="questionnaire__body__municipality", life_area="district__life_area"
    )

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="answers"
    )
    key = models.CharField("回答ID", max_length=40)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True)
    method = models.CharField(
        max_length=10, choices=AnswerMethod.choices, default=AnswerMethod.PAPER
    )
    answers = models.JSONField(default=dict)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="questionnaire_key_once")
        ]
        indexes = [models.Index(fields=["questionnaire", "district"])]

    def __str__(self) -> str:
        return f"{self.questionnaire} {self.key}"


# --- watch-over networks (佐々町) and the daily huddle (川上村) -----------------------------


def outside_body_area(body: Body, district: District) -> str | None:
    """Why a household or resident of ``district`` lies outside what ``body`` covers (its
    district, its life area, or the whole municipality), or None when it lies inside."""
    if district.municipality_id != body.municipality_id:
        return "同じ市町村の地区を指定してください"
    if body.district_id and district.pk != body.district_id:
        return f"この協議体の地区（{body.district}）の世帯・住民を指定してください"
    if body.life_area_id and district.life_area_id != body.life_area_id:
        return f"この協議体の圏域（{body.life_area}）の世帯・住民を指定してください"
    return None


class WatchCase(models.Model):
    """A household discussed at a watch-over network meeting, what was passed to the
    support center, and the follow-up the center reported back."""

    access_paths = Paths(
        municipality="meeting__body__municipality",
        life_area="district__life_area",
        person="person",
    )

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="watch_cases")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="watch_cases"
    )
    household = models.CharField("世帯", max_length=120)
    concern = models.TextField("気になること", max_length=2000)
    passed_to_center = models.BooleanField("包括につないだ", default=False)
    passed_on = models.DateField(
        "つないだ日", null=True, blank=True, validators=validators.date_validators("つないだ日")
    )
    followup = models.TextField("包括からの報告", blank=True, max_length=2000)
    followup_on = models.DateField(
        "報告日", null=True, blank=True, validators=validators.date_validators("報告日")
    )
    followup_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Guards the passing and the follow-up against lost updates: the second of two is told.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["district__order", "household", "id"]
        verbose_name = "見守り対象の世帯"
        verbose_name_plural = "見守り対象の世帯"
        indexes = [models.Index(fields=["passed_to_center", "followup_on"])]

    def __str__(self) -> str:
        return self.household

    def clean(self) -> None:
        errors: dict[str, str] = {}
        meeting = self.meeting if self.meeting_id else None
        body = meeting.body if meeting is not None else None
        district = self.district if self.district_id else None
        if body is not None and body.kind != BodyKind.WATCH_NETWORK:
            errors["meeting"] = "見守りネットワークの会議ではありません"
        if body is not None and district is not None:
            problem = outside_body_area(body, district)
            if problem:
                errors["district"] = problem
        person = self.person if self.person_id else None
        if person is not None and district is not None and person.district_id != district.pk:
            errors["person"] = (
                f"{person.family_name}さんの地区は{person.district}です（選んだ地区: {district}）"
            )
        if not (self.household or "").strip():
            errors["household"] = "世帯（氏名など）を入れてください"
        if not (self.concern or "").strip():
            errors["concern"] = "気になることを入れてください"
        errors.update(self._passing_problems(meeting))
        if errors:
            raise ValidationError(errors)

    def _passing_problems(self, meeting: Meeting | None) -> dict[str, str]:
        """The passing to the center follows the meeting; the follow-up follows the passing."""
        errors: dict[str, str] = {}
        if self.passed_on is not None and not self.passed_to_center:
            self.passed_to_center = True
        if self.passed_to_center and self.passed_on is None:
            errors["passed_on"] = "包括につないだ日を入れてください"
        if meeting is not None and self.passed_on and self.passed_on < meeting.held_on:
            errors["passed_on"] = (
                f"つないだ日は会議の日（{meeting.held_on:%Y-%m-%d}）以後の日付です"
            )
        has_text = bool((self.followup or "").strip())
        if (has_text or self.followup_on) and not self.passed_to_center:
            errors["followup"] = "包括につないでいない世帯には報告を記録できません"
        elif has_text and self.followup_on is None:
            errors["followup_on"] = "報告日を入れてください"
        elif self.followup_on is not None and not has_text:
            errors["followup"] = "包括からの報告の内容を入れてください"
        elif self.followup_on and self.passed_on and self.followup_on < self.passed_on:
            errors["followup_on"] = f"報告日はつないだ日（{self.passed_on:%Y-%m-%d}）以後の日付です"
        return errors


class Profession(models.TextChoices):
    PUBLIC_HEALTH_NURSE = "phn", "保健師"
    NURSE = "nurse", "看護師"
    DOCTOR = "doctor", "医師"
    SOCIAL_WORKER = "social_worker", "社会福祉士"
    CARE_MANAGER = "care_manager", "ケアマネジャー"
    THERAPIST = "therapist", "リハビリ職"
    SOCIAL_WELFARE_COUNCIL = "swc", "社会福祉協議会"
    OFFICE = "office", "役場"
    OTHER = "other", "その他"


class HuddleNote(models.Model):
    """A line of the daily huddle's shared log about one resident (川上村): written by the
    profession present, read by health roles only through the read door. Never edited."""

    access_paths = Paths(
        municipality="person__municipality",
        life_area="person__district__life_area",
        person="person",
    )

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="huddle_notes")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="huddle_notes")
    written_on = models.DateField("日付", validators=validators.date_validators("日付"))
    profession = models.CharField("職種", max_length=20, choices=Profession.choices)
    text = models.TextField("内容", max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-id"]
        indexes = [
            models.Index(fields=["person", "-written_on"]),
            models.Index(fields=["body", "written_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.written_on} {self.get_profession_display()}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        body = self.body if self.body_id else None
        person = self.person if self.person_id else None
        if body is not None and body.kind != BodyKind.DAILY_HUDDLE:
            errors["body"] = "多職種の打ち合わせを選んでください"
        elif body is not None and person is not None:
            problem = outside_body_area(body, person.district)
            if problem:
                errors["person"] = problem
        if body is not None and self.written_on and self.written_on < body.founded_on:
            errors["written_on"] = (
                f"日付は打ち合わせの設置日（{body.founded_on:%Y-%m-%d}）以後の日付です"
            )
        if not (self.text or "").strip():
            errors["text"] = "内容を入れてください"
        if errors:
            raise ValidationError(errors)


# --- the register of regional issues (地域課題) ----------------------------------------------


class IssueStatus(models.TextChoices):
    FOUND = "found", "把握"
    DISCUSSING = "discussing", "協議"
    DECIDED = "decided", "対応決定"
    DEVELOPING = "developing", "資源開発"
    RESOLVED = "resolved", "解決"
    DEFERRED = "deferred", "見送り"


# The path an issue walks; 見送り may be chosen from any step, with a reason.
STATUS_PATH = (
    IssueStatus.FOUND,
    IssueStatus.DISCUSSING,
    IssueStatus.DECIDED,
    IssueStatus.DEVELOPING,
    IssueStatus.RESOLVED,
)


class IssueTag(models.Model):
    """A municipality's own tag for the register, beside the shipped vocabulary."""

    access_paths = Paths(municipality="municipality")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    code = models.SlugField("コード", max_length=40)
    name = models.CharField("名称", max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="issue_tag_once")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RegionalIssue(models.Model):
    """One regional issue: what it is, where, its tags and evidence, its status, the body
    that owns it, and the resources that came of it."""

    access_paths = Paths(municipality="municipality", life_area="life_area")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="issues")
    body = models.ForeignKey(
        Body,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issues",
        verbose_name="担当の協議体",
    )
    title = models.CharField("地域課題", max_length=200)
    description = models.TextField("内容", blank=True, max_length=8000)
    life_area = models.ForeignKey(
        LifeArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="日常生活圏域",
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="地区",
    )
    # Tag codes as "|a|b|" so that one tag is found with a plain LIKE on every database.
    tag_codes = models.CharField(max_length=400, blank=True, db_index=True)
    status = models.CharField(
        "状況", max_length=12, choices=IssueStatus.choices, default=IssueStatus.FOUND
    )
    status_on = models.DateField("状況の日付", validators=validators.date_validators("状況の日付"))
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-status_on", "-id"]
        verbose_name = "地域課題"
        verbose_name_plural = "地域課題"
        indexes = [models.Index(fields=["municipality", "status", "-status_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def tags(self) -> list[str]:
        return [t for t in self.tag_codes.strip("|").split("|") if t]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field in ("life_area", "district"):
            area = getattr(self, field)
            if area is not None and area.municipality_id != self.municipality_id:
                errors[field] = "同じ市町村の圏域・地区を指定してください"
        if self.district is not None and self.life_area_id is None:
            self.life_area_id = self.district.life_area_id
        elif self.district is not None and self.district.life_area_id != self.life_area_id:
            errors["district"] = "地区はその日常生活圏域の中から選んでください"
        if self.body is not None and self.body.municipality_id != self.municipality_id:
            errors["body"] = "同じ市町村の協議体を指定してください"
        if errors:
            raise ValidationError(errors)


class IssueEvent(models.Model):
    """A dated and signed step of an issue's status; never changed afterwards."""

    issue = models.ForeignKey(RegionalIssue, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=IssueStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=IssueStatus.choices)
    on = models.DateField("日付", validators=validators.date_validators("日付"))
    reason = models.TextField("理由・経緯", blank=True, max_length=2000)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_by = models.CharField("記録者", max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.get_to_status_display()}"


class EvidenceKind(models.TextChoices):
    SURVEY_FIGURE = "survey_figure", "調査の数値"
    QUESTIONNAIRE = "questionnaire", "地区アンケートの結果"
    CASE_MEETING = "case_meeting", "地域ケア会議の事例"
    MEMBER_REPORT = "member_report", "構成員からの報告"


class IssueEvidence(models.Model):
    """Why the issue is real: a figure as it was shown on the day (kept in ``snapshot``), a
    questionnaire result, case meetings, or a member's report."""

    issue = models.ForeignKey(RegionalIssue, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField("根拠の種類", max_length=20, choices=EvidenceKind.choices)
    title = models.CharField("見出し", max_length=200)
    snapshot = models.JSONField("その日の数値", default=dict, blank=True)
    source_model = models.CharField(max_length=60, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    note = models.TextField("メモ", blank=True, max_length=2000)
    added_on = models.DateField("追加日", validators=validators.date_validators("追加日"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["added_on", "id"]

    def __str__(self) -> str:
        return self.title


class IssueResource(models.Model):
    """A resource or service of the directory that came of the issue, from its start date."""

    issue = models.ForeignKey(RegionalIssue, on_delete=models.CASCADE, related_name="resources")
    service = models.ForeignKey(
        "resources.Service", on_delete=models.PROTECT, related_name="issues"
    )
    started_on = models.DateField("開始日", validators=validators.date_validators("開始日"))
    note = models.CharField("メモ", max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "service"], name="issue_resource_once")
        ]
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.issue} → {self.service}"
