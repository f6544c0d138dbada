from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from chiiki.accounts.access_paths import Paths
from chiiki.areas.models import District, LifeArea, Municipality, Sex
from chiiki.core.bounds import CARE_PERIOD, DATE, birth_date_problem
from chiiki.core.validators import date_validators, range_check


class CareLevel(models.TextChoices):
    NONE = "none", "なし"
    PROGRAM_ELIGIBLE = "program_eligible", "事業対象者"
    SUPPORT_1 = "support_1", "要支援1"
    SUPPORT_2 = "support_2", "要支援2"
    CARE_1 = "care_1", "要介護1"
    CARE_2 = "care_2", "要介護2"
    CARE_3 = "care_3", "要介護3"
    CARE_4 = "care_4", "要介護4"
    CARE_5 = "care_5", "要介護5"


insured_number_validator = RegexValidator(r"^\d{10}$", "被保険者番号は10桁の数字です")
phone_validator = RegexValidator(
    r"^[0-9+\-() ]{0,20}$", "電話番号は数字とハイフンで入力してください"
)
# One answer to a clash of insured numbers, wherever the other record is: the refusal must
# not tell a support-center nurse that a number exists outside her areas.
INSURED_NUMBER_REFUSED = (
    "この被保険者番号では登録できません。被保険者証の10桁の番号を確かめてください"
    "（番号が正しいときは市町村の介護保険担当にお問い合わせください）"
)


def validate_birth_date(value: dt.date) -> None:
    """From 1900-01-01 to today (Asia/Tokyo): 0952 for 1952 and future dates are refused."""
    problem = birth_date_problem(value, timezone.localdate())
    if problem is not None:
        raise ValidationError(problem, code="birth_date_range")


KEY_LENGTH = 80  # a prefix key longer than a name's fold (NFKC can lengthen it) is cut here


class PersonQuerySet(models.QuerySet["Person"]):
    def current(self) -> PersonQuerySet:
        """The people who live in the municipality now: not marked moved out (転出・死亡等).

        Lists, mailings, targets and counts use this; a moved-out person's own record, and
        the records that name them, stay readable.
        """
        return self.filter(moved_out_on__isnull=True)


class Person(models.Model):
    """A resident the system is about, with the minimum personal data the jobs need."""

    access_paths = Paths(municipality="municipality", life_area="district__life_area", person="pk")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="people")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="people", verbose_name="地区"
    )
    family_name = models.CharField("姓", max_length=40)
    given_name = models.CharField("名", max_length=40)
    family_kana = models.CharField("姓（フリガナ）", max_length=80)
    given_kana = models.CharField("名（フリガナ）", max_length=80)
    sex = models.CharField("性別", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("生年月日", validators=[validate_birth_date])
    address = models.CharField("住所", max_length=200)
    phone = models.CharField("電話番号", max_length=20, blank=True, validators=[phone_validator])
    lives_alone = models.BooleanField("独居", default=False)
    care_level = models.CharField(
        "要介護度", max_length=20, choices=CareLevel.choices, default=CareLevel.NONE
    )
    # NULL, not "", for "no number", so that the partial unique constraint ignores it.
    insured_number = models.CharField(  # noqa: DJ001
        "被保険者番号", max_length=10, null=True, blank=True, validators=[insured_number_validator]
    )
    # 宛名番号: the resident register's own number, set by the register import. NULL for a
    # person registered by hand, so that the partial unique constraint ignores them.
    register_number = models.CharField(  # noqa: DJ001
        "宛名番号", max_length=20, null=True, blank=True, editable=False
    )
    # Set when a full register extract no longer has the person (転出・死亡など); never deleted.
    moved_out_on = models.DateField(
        "転出等の日",
        null=True,
        blank=True,
        editable=False,
        validators=date_validators("転出等の日"),
    )
    # Folded name and kana (width, kana and case ignored); kept by services.
    search_text = models.CharField(max_length=400, editable=False, default="")
    # The search keys, kept by services (``_set_search``) with the names: the folded full
    # name (family then given), given name, full kana and given kana. The database derives
    # ``NamePrefix`` from them (a trigger), which one- and two-character terms read.
    name_key = models.CharField(max_length=KEY_LENGTH, editable=False, default="")
    given_key = models.CharField(max_length=KEY_LENGTH, editable=False, default="")
    kana_key = models.CharField(max_length=KEY_LENGTH, editable=False, default="")
    given_kana_key = models.CharField(max_length=KEY_LENGTH, editable=False, default="")
    # The folded family name, given name and both kana, each without its first character:
    # a term of three characters or more found here (a trigram index) is inside a name,
    # not at its start, where NamePrefix finds it.
    inner_text = models.CharField(max_length=4 * KEY_LENGTH, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_kana", "given_kana", "id"]
        verbose_name = "人"
        verbose_name_plural = "人"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "insured_number"],
                condition=models.Q(insured_number__isnull=False),
                name="person_insured_number_unique",
                violation_error_message=INSURED_NUMBER_REFUSED,
            ),
            models.UniqueConstraint(
                fields=["municipality", "register_number"],
                condition=models.Q(register_number__isnull=False),
                name="person_register_number_unique",
            ),
            range_check("birth_date", DATE, name="person_birth_date_range"),
            range_check("moved_out_on", DATE, name="person_moved_out_on_range", null=True),
        ]
        indexes = [
            models.Index(fields=["district", "family_kana"]),
            # The list's order, walked from a cursor (keyset paging) instead of an OFFSET.
            models.Index(
                fields=["municipality", "family_kana", "given_kana", "id"],
                name="person_list_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def kana(self) -> str:
        return f"{self.family_kana} {self.given_kana}"

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class Volunteer(models.Model):
    """The volunteer role a person can hold."""

    access_paths = Paths(
        municipality="person__municipality",
        life_area="person__district__life_area",
        person="person",
    )

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="volunteer")
    registered_on = models.DateField("登録日", validators=date_validators("登録日"))
    active = models.BooleanField("活動中", default=True)
    notes = models.TextField("メモ", blank=True)

    class Meta:
        verbose_name = "ボランティア"
        verbose_name_plural = "ボランティア"
        constraints = [range_check("registered_on", DATE, name="volunteer_registered_on_range")]

    def __str__(self) -> str:
        return str(self.person)


class RegisterColumnMapping(models.Model):
    """A municipality's own headers for the register extract's columns, remembered from the
    import page so that next month's file maps itself (our key -> the file's header)."""

    access_paths = Paths(municipality="municipality")

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="register_mapping"
    )
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "住民記録の列の対応づけ"
        verbose_name_plural = "住民記録の列の対応づけ"

    def __str__(self) -> str:
        return f"{self.municipality_id}"


class CareCertification(models.Model):
    """One period of a person's care certification (要介護認定), as the insurer's file gave it.

    The history is kept: a new period is a new row, and ``Person.care_level`` is the level of
    the period that covers today (see ``people.care_file.current_level``). A period is known
    by its start; a file with the same start and another level or end corrects it.
    """

    access_paths = Paths(
        municipality="person__municipality",
        life_area="person__district__life_area",
        person="person",
    )

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="care_certifications")
    care_level = models.CharField("要介護度", max_length=20, choices=CareLevel.choices)
    valid_from = models.DateField(
        "認定有効期間（開始）", validators=date_validators("認定有効期間の開始日", CARE_PERIOD)
    )
    valid_to = models.DateField(
        "認定有効期間（終了）", validators=date_validators("認定有効期間の終了日", CARE_PERIOD)
    )
    # The number on the certificate of that period (Person.insured_number is the current one).
    insured_number = models.CharField(
        "被保険者番号", max_length=10, validators=[insured_number_validator]
    )
    # The import that last set the row: its file's name and time.
    source = models.CharField("取り込んだファイル", max_length=255, blank=True)
    imported_at = models.DateTimeField("取り込み日時", default=timezone.now)

    class Meta:
        ordering = ["person", "-valid_from"]
        verbose_name = "要介護認定"
        verbose_name_plural = "要介護認定"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "valid_from"], name="care_certification_period_unique"
            ),
            range_check("valid_from", CARE_PERIOD, name="care_certification_valid_from_range"),
            range_check("valid_to", CARE_PERIOD, name="care_certification_valid_to_range"),
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")),
                name="care_certification_period_order",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_care_level_display()}"
            f"（{self.valid_from.isoformat()}〜{self.valid_to.isoformat()}）"
        )


class NamePrefix(models.Model):
    """The first one to three folded characters of a person's names, in the list's order:
    an edge n-gram index, so that the most common searches (佐藤, さとう, 花子, さ as one
    types) read the first page of thousands of matches from its start instead of sorting
    them.

    One row per person and prefix: the first character of the full name and of the full
    kana (a family name's start), and the first two and three of the full name, the given
    name and both kana. ``tokens`` holds all four keys (" 佐藤花子 花子 さとうはなこ はなこ"),
    so that a longer term or a second word is checked on the row itself. The rows copy the
    person's order (kana and id) and scope (municipality, district and its life area, moved
    out), and are written by the database's triggers on ``people_person`` (and on
    ``areas_district`` for a district's life area; see migration 0004 and ``search_index``):
    no service writes them, and a backup leaves them out (unmanaged), since the restored
    people make them again.
    """

    access_paths = Paths(municipality="municipality", life_area="life_area", person="person")

    pk = models.CompositePrimaryKey("prefix", "family_kana", "given_kana", "person")
    prefix = models.CharField(max_length=3)
    family_kana = models.CharField(max_length=80)
    given_kana = models.CharField(max_length=80)
    person = models.ForeignKey(
        Person, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    district = models.ForeignKey(
        District, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    life_area = models.ForeignKey(
        LifeArea, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    moved_out_on = models.DateField(null=True)
    tokens = models.CharField(max_length=4 * KEY_LENGTH + 4)

    class Meta:
        managed = False
        db_table = "people_nameprefix"

    def __str__(self) -> str:
        return f"{self.prefix}: {self.person_id}"
