from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from chiiki.accounts.access_paths import Paths
from chiiki.core import municipality_code
from chiiki.core.bounds import DATE, PEOPLE
from chiiki.core.validators import date_validators, int_validators, range_check


def validate_municipality_code(value: str) -> None:
    try:
        municipality_code.validate(value)
    except municipality_code.MunicipalityCodeError as exc:
        raise ValidationError(str(exc), code="check_digit") from exc


class Prefecture(models.Model):
    code = models.CharField("都道府県コード", max_length=2, unique=True)
    name = models.CharField("都道府県名", max_length=10, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "都道府県"
        verbose_name_plural = "都道府県"

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    access_paths = Paths(municipality="pk", prefecture="prefecture")
    code = models.CharField(
        "地方公共団体コード",
        max_length=6,
        unique=True,
        validators=[validate_municipality_code],
        help_text="JIS X 0402 の6桁（検査数字つき）。例: 萩市 352047",
    )
    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="municipalities"
    )
    name = models.CharField("市町村名", max_length=40)
    kana = models.CharField("よみ", max_length=80, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "市町村"
        verbose_name_plural = "市町村"

    def __str__(self) -> str:
        return f"{self.prefecture.name}{self.name}"

    def clean(self) -> None:
        if self.code and self.prefecture_id and self.code[:2] != self.prefecture.code:
            raise ValidationError(
                {
                    "code": f"コード「{self.code}」の先頭2桁が{self.prefecture.name}（{self.prefecture.code}）と一致しません"
                }
            )


class LifeArea(models.Model):
    """日常生活圏域: the planning unit, roughly a junior-high-school district."""

    access_paths = Paths(municipality="municipality", life_area="pk")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="life_areas"
    )
    code = models.CharField("圏域コード", max_length=20)
    name = models.CharField("圏域名", max_length=60)
    order = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        ordering = ["municipality", "order", "code"]
        verbose_name = "日常生活圏域"
        verbose_name_plural = "日常生活圏域"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="life_area_code_unique"),
            models.UniqueConstraint(fields=["municipality", "name"], name="life_area_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """小学校区・地区: where a coordination body and a salon live."""

    access_paths = Paths(municipality="municipality", life_area="life_area")

    life_area = models.ForeignKey(LifeArea, on_delete=models.CASCADE, related_name="districts")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="districts"
    )
    code = models.CharField("地区コード", max_length=20)
    name = models.CharField("地区名", max_length=60)
    kana = models.CharField("よみ", max_length=120, blank=True)
    order = models.PositiveSmallIntegerField("表示順", default=0)
    neighbours = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name="隣接地区"
    )

    class Meta:
        ordering = ["municipality", "order", "code"]
        verbose_name = "地区"
        verbose_name_plural = "地区"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="district_code_unique"),
            models.UniqueConstraint(fields=["municipality", "name"], name="district_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.life_area_id
            and self.municipality_id
            and self.life_area.municipality_id != self.municipality_id
        ):
            raise ValidationError({"life_area": "圏域が別の市町村のものです"})


class AddressArea(models.Model):
    """町丁目・大字: the text of an address that follows the municipality's name.

    「小浦免」, 「椿東一丁目」: each lies in one district. ``name`` is kept as the file gave
    it; ``name_key`` is its NFKC width-folded form (「椿東１丁目」 and 「椿東1丁目」 are one
    area), unique in the municipality.
    """

    access_paths = Paths(municipality="municipality", life_area="district__life_area")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="address_areas"
    )
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="address_areas")
    name = models.CharField("町丁目・大字", max_length=100)
    name_key = models.CharField("町丁目・大字（照合用）", max_length=100, editable=False)

    class Meta:
        ordering = ["municipality", "district", "name_key"]
        verbose_name = "町丁目・大字"
        verbose_name_plural = "町丁目・大字"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name_key"], name="address_area_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.district_id
            and self.municipality_id
            and self.district.municipality_id != self.municipality_id
        ):
            raise ValidationError({"district": "地区が別の市町村のものです"})


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class PopulationRecord(models.Model):
    """One cell of a population table: area, date, sex, 5-year age band, count.

    ``district`` is null for figures kept for the whole municipality only. ``age_from`` is
    the lower bound of the band (65 for 65–69); the top band is open (100 = 100歳以上).
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="population"
    )
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="population", null=True, blank=True
    )
    date = models.DateField("基準日", validators=date_validators("基準日"))
    sex = models.CharField("性別", max_length=1, choices=Sex.choices)
    age_from = models.PositiveSmallIntegerField("年齢階級（下限）")
    count = models.PositiveIntegerField("人数", validators=int_validators(PEOPLE, "人数"))

    class Meta:
        verbose_name = "人口"
        verbose_name_plural = "人口"
        constraints = [
            models.UniqueConstraint(
                fields=["district", "date", "sex", "age_from"],
                condition=models.Q(district__isnull=False),
                name="population_district_cell_unique",
            ),
            models.UniqueConstraint(
                fields=["municipality", "date", "sex", "age_from"],
                condition=models.Q(district__isnull=True),
                name="population_municipality_cell_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(age_from__lte=100), name="population_age_band_valid"
            ),
            # Every page that sums population must be able to: no cell beyond PEOPLE.
            range_check("count", PEOPLE, name="population_count_range"),
            range_check("date", DATE, name="population_date_range"),
        ]
        indexes = [models.Index(fields=["municipality", "date"])]

    def __str__(self) -> str:
        return f"{self.district or self.municipality} {self.date} {self.sex} {self.age_from}: {self.count}"
