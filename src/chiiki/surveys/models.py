from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from chiiki.accounts.access_paths import Paths
from chiiki.areas.models import District, LifeArea, Municipality, Sex
from chiiki.core.bounds import AGE, DATE, FISCAL_YEAR, RISK_COUNT
from chiiki.core.validators import date_validators, int_validators, range_check
from chiiki.people.models import Person


class InstrumentKind(models.TextChoices):
    NEEDS = "needs", "介護予防・日常生活圏域ニーズ調査"
    KCL = "kcl", "基本チェックリスト"


class Survey(models.Model):
    """One round of a survey (e.g. 令和7年度 ニーズ調査), scored with a named rule set.

    The rule set's YAML is kept with the survey so that its results can always say, and
    reproduce, which rules made them, even after the shipped rule set changes.
    """

    access_paths = Paths(municipality="municipality")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="surveys")
    instrument = models.CharField(
        "調査票", max_length=10, choices=InstrumentKind.choices, default=InstrumentKind.NEEDS
    )
    name = models.CharField("調査名", max_length=100)
    fiscal_year = models.PositiveSmallIntegerField(
        "年度", validators=int_validators(FISCAL_YEAR, "年度")
    )
    mailed_on = models.DateField(
        "発送日", null=True, blank=True, validators=date_validators("発送日")
    )
    ruleset_name = models.CharField("判定ルール", max_length=60)
    ruleset_version = models.CharField("判定ルールの版", max_length=20)
    ruleset_status = models.CharField("判定ルールの状態", max_length=20)
    ruleset_yaml = models.TextField("判定ルール（YAML）")
    # Counts every write of respondents' results (an import that changed rows, a rescoring),
    # so that aggregates computed from them can be kept until the next one.
    results_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "-id"]
        verbose_name = "調査"
        verbose_name_plural = "調査"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="survey_name_unique"),
            range_check("fiscal_year", FISCAL_YEAR, name="survey_fiscal_year_range"),
            range_check("mailed_on", DATE, name="survey_mailed_on_range", null=True),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ruleset_ref(self) -> str:
        return f"{self.ruleset_name} {self.ruleset_version}（{self.ruleset_status}）"


class ColumnMapping(models.Model):
    """A municipality's file headers → items, remembered so next year's file maps itself."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="column_mappings"
    )
    instrument = models.CharField(max_length=10, choices=InstrumentKind.choices)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "列の対応づけ"
        verbose_name_plural = "列の対応づけ"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "instrument"], name="column_mapping_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.instrument}"


class MunicipalRuleSet(models.Model):
    """A rule set a municipality chose to edit (YAML, checked on save)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="rulesets"
    )
    name = models.CharField("名前", max_length=60)
    yaml = models.TextField("YAML")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "市町村の判定ルール"
        verbose_name_plural = "市町村の判定ルール"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="municipal_ruleset_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Method(models.TextChoices):
    MAIL = "mail", "郵送"
    VISIT = "visit", "訪問"
    COUNTER = "counter", "窓口"


class Respondent(models.Model):
    """One returned questionnaire: its answers (要配慮個人情報) and the results of the rule set."""

    access_paths = Paths(
        municipality="survey__municipality", life_area="district__life_area", person="person"
    )

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="respondents")
    key = models.CharField("回答者ID", max_length=40)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_answers"
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    life_area = models.ForeignKey(
        LifeArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sex = models.CharField("性別", max_length=1, choices=Sex.choices, blank=True)
    age = models.PositiveSmallIntegerField(
        "年齢", null=True, blank=True, validators=int_validators(AGE, "年齢")
    )
    method = models.CharField(
        "回答方法", max_length=10, choices=Method.choices, default=Method.MAIL
    )
    answers = models.JSONField("回答", default=dict, blank=True)
    results = models.JSONField(
        "判定", default=dict, blank=True
    )  # determination id → 1, 0 or null (判定不能)
    risk_count = models.PositiveSmallIntegerField(
        "該当リスク数", default=0, validators=int_validators(RISK_COUNT, "該当リスク数")
    )
    digest = models.CharField(max_length=64)  # of the imported row: a second import changes nothing

    class Meta:
        verbose_name = "回答者"
        verbose_name_plural = "回答者"
        constraints = [
            models.UniqueConstraint(fields=["survey", "key"], name="respondent_key_unique"),
            range_check("age", AGE, name="respondent_age_range", null=True),
            range_check("risk_count", RISK_COUNT, name="respondent_risk_count_range"),
        ]
        indexes = [
            models.Index(fields=["survey", "district"]),
            # "who has not answered" looks respondents up by person within a survey
            models.Index(fields=["survey", "person"]),
            # The follow-up list: who of a survey has two risks or more (a covering index).
            models.Index(fields=["survey", "risk_count", "person"], name="respondent_risk_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} {self.key}"


class Outcome(models.TextChoices):
    PENDING = "pending", "未回収"
    ANSWERED = "answered", "訪問時に回答"
    REFUSED = "refused", "拒否"
    ABSENT = "absent", "不在"
    MOVED = "moved", "転居"
    HOSPITAL = "hospital", "入院・入所中"
    DIED = "died", "死亡"


class MailingEntry(models.Model):
    """A person the survey was mailed to, with the latest visit outcome for non-respondents."""

    access_paths = Paths(
        municipality="survey__municipality", life_area="district__life_area", person="person"
    )

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="mailing")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="survey_mailings")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(
        "訪問結果", max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )

    class Meta:
        verbose_name = "発送先"
        verbose_name_plural = "発送先"
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="mailing_person_unique")
        ]
        indexes = [models.Index(fields=["survey", "district"])]

    def __str__(self) -> str:
        return f"{self.survey} {self.person_id}"


class Visit(models.Model):
    """A visit to a non-respondent (和光市: everyone who did not answer is visited)."""

    access_paths = Paths(
        municipality="entry__survey__municipality",
        life_area="entry__district__life_area",
        person="entry__person",
    )
    entry = models.ForeignKey(MailingEntry, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField("訪問日", validators=date_validators("訪問日"))
    outcome = models.CharField("結果", max_length=10, choices=Outcome.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField("メモ", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = "訪問"
        verbose_name_plural = "訪問"
        constraints = [range_check("visited_on", DATE, name="visit_visited_on_range")]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.outcome}"


class DistrictOwner(models.Model):
    """The staff member who owns a district's follow-up (佐々町's 地区担当制)."""

    access_paths = Paths(municipality="district__municipality", life_area="district__life_area")

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="survey_owner")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_districts"
    )

    class Meta:
        verbose_name = "地区担当"
        verbose_name_plural = "地区担当"

    def __str__(self) -> str:
        return f"{self.district_id} {self.staff_id}"


# What the counter form accepts (基本チェックリスト No.11–12: BMI from height and weight).
HEIGHT_CM = (Decimal(80), Decimal(230))
WEIGHT_KG = (Decimal(20), Decimal(200))


class Screening(models.Model):
    """A 基本チェックリスト taken at the counter, kept on the person's record with its date."""

    access_paths = Paths(
        municipality="person__municipality",
        life_area="person__district__life_area",
        person="person",
    )

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="screenings")
    screened_on = models.DateField("実施日", validators=date_validators("実施日"))
    answers = models.JSONField("回答", default=dict, blank=True)
    height_cm = models.DecimalField(
        "身長",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(HEIGHT_CM[0], f"身長は{HEIGHT_CM[0]}〜{HEIGHT_CM[1]}cmです"),
            MaxValueValidator(HEIGHT_CM[1], f"身長は{HEIGHT_CM[0]}〜{HEIGHT_CM[1]}cmです"),
        ],
    )
    weight_kg = models.DecimalField(
        "体重",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(WEIGHT_KG[0], f"体重は{WEIGHT_KG[0]}〜{WEIGHT_KG[1]}kgです"),
            MaxValueValidator(WEIGHT_KG[1], f"体重は{WEIGHT_KG[0]}〜{WEIGHT_KG[1]}kgです"),
        ],
    )
    results = models.JSONField("判定", default=dict, blank=True)
    eligible = models.BooleanField("事業対象者", null=True, blank=True)
    ruleset_ref = models.CharField("判定ルール", max_length=80)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-screened_on", "-id"]
        verbose_name = "基本チェックリスト"
        verbose_name_plural = "基本チェックリスト"
        constraints = [
            range_check("screened_on", DATE, name="screening_screened_on_range"),
            models.CheckConstraint(
                condition=models.Q(height_cm__isnull=True)
                | models.Q(height_cm__gte=HEIGHT_CM[0], height_cm__lte=HEIGHT_CM[1]),
                name="screening_height_range",
            ),
            models.CheckConstraint(
                condition=models.Q(weight_kg__isnull=True)
                | models.Q(weight_kg__gte=WEIGHT_KG[0], weight_kg__lte=WEIGHT_KG[1]),
                name="screening_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return f"基本チェックリスト {self.screened_on}"


class ServiceEnrolment(models.Model):
    """A person taking part in a prevention service or community resource.

    "Not yet in any service" (the follow-up lists) means: no enrolment open today and no
    care level beyond 事業対象者 (a certified person is already with a care manager).
    """

    access_paths = Paths(
        municipality="person__municipality",
        life_area="person__district__life_area",
        person="person",
    )

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="service_enrolments")
    kind = models.CharField("種類", max_length=40)
    name = models.CharField("名称", max_length=100, blank=True)
    started_on = models.DateField("開始日", validators=date_validators("開始日"))
    ended_on = models.DateField(
        "終了日", null=True, blank=True, validators=date_validators("終了日")
    )

    class Meta:
        verbose_name = "サービス利用"
        verbose_name_plural = "サービス利用"
        constraints = [
            range_check("started_on", DATE, name="enrolment_started_on_range"),
            range_check("ended_on", DATE, name="enrolment_ended_on_range", null=True),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"
