import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chiiki.areas import population, services
from chiiki.areas.models import PopulationRecord
from chiiki.areas.population import PopulationFileError, parse_age_band, percent, summarize
from chiiki.core.tabular import read_table
from chiiki.web import demo


def csv(text: str):
    return read_table(text.encode("cp932"), "pop.csv")


GOOD = """地区,基準日,性別,年齢階級,人数
須佐,平成30年4月,男,65-69,120
須佐,H30.4,女,65～69歳,130
旭,2018-04-01,女,100歳以上,3
萩市,2018-04-01,男,0-4,500
"""


def test_the_guides_sentence_is_derived_from_the_demo_population_cells():
    summary = summarize(demo.DATE, [(c.age_from, c.count) for c in demo.population_cells()])
    assert summary.sentence() == (
        "総人口48,234人。うち、65歳以上高齢者人口19,977人(41.4%)、75歳以上高齢者人口10,766人(22.3%)"
    )


def test_percentages_round_half_up_to_one_decimal():
    assert str(percent(1, 8)) == "12.5"
    assert str(percent(1, 16)) == "6.3"  # 6.25 -> 6.3, not banker's 6.2
    assert percent(1, 0) is None


@pytest.mark.parametrize(
    "text,expected",
    [("65-69", 65), ("６５～６９歳", 65), ("0-4", 0), ("100歳以上", 100), ("100+", 100)],
)
def test_age_bands_are_read_in_the_forms_municipal_tables_use(text, expected):
    assert parse_age_band(text) == expected


@pytest.mark.parametrize("text", ["65-70", "63-67", "90歳以上", "abc"])
def test_bands_that_are_not_five_year_bands_are_refused(text):
    with pytest.raises(ValueError):
        parse_age_band(text)


def test_a_good_file_is_imported_with_wareki_dates_and_municipality_level_rows(town):
    result = services.population_import(municipality=town.municipality, table=csv(GOOD))
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    assert PopulationRecord.objects.filter(date=dt.date(2018, 4, 1)).count() == 4
    assert PopulationRecord.objects.get(district__isnull=True).count == 500


def test_importing_the_same_file_twice_changes_nothing(town):
    services.population_import(municipality=town.municipality, table=csv(GOOD))
    before = list(PopulationRecord.objects.order_by("pk").values())
    result = services.population_import(municipality=town.municipality, table=csv(GOOD))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert list(PopulationRecord.objects.order_by("pk").values()) == before


def test_a_changed_count_updates_only_that_cell(town):
    services.population_import(municipality=town.municipality, table=csv(GOOD))
    result = services.population_import(
        municipality=town.municipality, table=csv(GOOD.replace(",120", ",121"))
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)


BAD = """地区,基準日,性別,年齢階級,人数
須佐,平成30年4月,男,65-69,120
どこか,平成30年4月,男,70-74,10
須佐,平成31年5月,女,65-69,1
須佐,2018-04,X,65-69,1
須佐,2018-04,男,65-69,-3
"""


def test_every_bad_cell_is_named_by_row_and_column_and_nothing_is_stored(town):
    with pytest.raises(PopulationFileError) as info:
        services.population_import(municipality=town.municipality, table=csv(BAD))
    messages = [str(e) for e in info.value.errors]
    assert any(m.startswith("3行目「地区」列: 「どこか」") for m in messages)
    assert any(m.startswith("4行目「基準日」列") and "存在しません" in m for m in messages)
    assert any(m.startswith("5行目「性別」列: 「X」") for m in messages)
    assert any(m.startswith("6行目「人数」列: 「-3」") and "負の人数" in m for m in messages)
    assert PopulationRecord.objects.count() == 0


def test_a_file_without_the_required_columns_names_what_is_missing(town):
    with pytest.raises(PopulationFileError, match="人数"):
        services.population_import(
            municipality=town.municipality,
            table=csv("地区,基準日,性別,年齢階級\n須佐,2018-04,男,65-69\n"),
        )


def test_the_same_cell_twice_in_one_file_is_refused(town):
    with pytest.raises(PopulationFileError, match=r"3行目.*2行目と同じ区分"):
        services.population_import(
            municipality=town.municipality,
            table=csv(
                GOOD.splitlines()[0]
                + "\n"
                + GOOD.splitlines()[1]
                + "\n"
                + GOOD.splitlines()[1]
                + "\n"
            ),
        )


def test_a_wrong_municipality_code_is_refused_naming_the_expected_check_digit(db):
    with pytest.raises(ValidationError, match="検査数字は 7 です"):
        services.municipality_create(
            code="352040", name="萩市", prefecture_code="35", prefecture_name="山口県"
        )


def test_a_code_from_another_prefecture_is_refused(db):
    with pytest.raises(ValidationError, match="先頭2桁"):
        services.municipality_create(
            code="442143", name="国東市", prefecture_code="35", prefecture_name="山口県"
        )


@pytest.mark.parametrize("text", ["9223372036854775807", "10000001", "9" * 5000])
def test_a_population_cell_beyond_ten_million_people_is_refused_by_the_engine(text):
    with pytest.raises(ValueError, match="0以上10,000,000以下の整数"):
        population.parse_count(text)


def test_a_population_cell_of_ten_million_is_the_largest_accepted():
    assert population.parse_count("１０,０００,０００") == 10_000_000


def test_a_reference_date_before_1900_is_refused_by_the_engine():
    with pytest.raises(ValueError, match="1900-01-01から2100-12-31"):
        population.parse_date("0952-03")
