import pytest
from django.urls import reverse

from chiiki.areas import services
from chiiki.areas.models import PopulationRecord
from chiiki.core.tabular import read_table


@pytest.fixture
def population(town):
    text = "地区,基準日,性別,年齢階級,人数\n須佐,2018-04-01,男,65-69,60\n旭,2018-04-01,女,80-84,40\n須佐,2018-04-01,女,40-44,100\n"
    services.population_import(
        municipality=town.municipality, table=read_table(text.encode(), "p.csv")
    )


def test_the_dashboard_shows_the_guides_sentence_for_the_municipality(
    client_for, personas, population
):
    page = client_for(personas["officer"]).get(reverse("dashboard")).content.decode()
    assert (
        "平成30年4月時点で総人口200人。うち、65歳以上高齢者人口100人(50.0%)、75歳以上高齢者人口40人(20.0%)"
        in page
    )
    assert "須佐" in page and "旭" in page


def test_the_dashboard_runs_a_fixed_number_of_queries(
    client_for, personas, population, django_assert_max_num_queries
):
    client = client_for(personas["officer"])
    with django_assert_max_num_queries(8):
        client.get(reverse("dashboard"))


def test_a_prefecture_viewer_sees_the_municipalities_of_their_prefecture_only(
    client_for, personas, population
):
    client = client_for(personas["pref"])
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url == reverse("prefecture:index")
    page = client.get(response.url).content.decode()
    assert "萩市" in page and "国東市" not in page


def test_an_outsider_sees_their_own_municipality_not_this_one(client_for, personas, population):
    page = client_for(personas["outsider"]).get(reverse("dashboard")).content.decode()
    assert "国東市" in page and "須佐" not in page


def test_an_upload_with_a_bad_cell_names_it_and_stores_nothing(client_for, personas, town):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = "地区,基準日,性別,年齢階級,人数\n須佐,2018-04-01,男,65-69,60\n須佐,2018-04-01,男,70-74,たくさん\n"
    upload = SimpleUploadedFile("pop.csv", bad.encode("cp932"))
    page = client_for(personas["officer"]).post(  # the upload goes to its job's page
        reverse("areas:population_import"), {"file": upload}, follow=True
    )
    assert "3行目「人数」列: 「たくさん」" in page.content.decode()
    assert PopulationRecord.objects.count() == 0


def test_a_good_upload_reports_what_it_stored(client_for, personas, town):
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = "地区,基準日,性別,年齢階級,人数\n須佐,H30.4,男,65-69,60\n"
    upload = SimpleUploadedFile("pop.csv", good.encode("utf-8-sig"))
    page = client_for(personas["officer"]).post(
        reverse("areas:population_import"), {"file": upload}, follow=True
    )
    assert "追加 1" in page.content.decode()


@pytest.mark.parametrize("role", ["nurse", "coordinator", "volunteer", "pref"])
def test_roles_other_than_municipal_staff_cannot_import_population(client_for, personas, role):
    assert client_for(personas[role]).get(reverse("areas:population_import")).status_code == 403


def test_each_role_sees_only_the_modules_it_may_use_in_the_navigation(
    client_for, personas, population
):
    def nav(name):
        client = client_for(personas[name])
        response = client.get(reverse("dashboard"), follow=True)
        return {label for _, label, _ in response.context["nav"]}

    admin = nav("admin")
    assert {"人", "ニーズ把握", "地域資源", "助け合い", "人口データ"} <= admin
    assert {"監査ログ", "定期処理"} <= admin
    assert not {"監査ログ", "定期処理"} & nav("officer")
    assert "人口データ" not in nav("nurse")
    assert {"ニーズ把握", "地域資源"} <= nav("pref") and not {"人", "助け合い"} & nav("pref")
    assert "わたしの活動" in nav("volunteer") and not {"人", "ニーズ把握", "助け合い"} & nav(
        "volunteer"
    )


def test_a_volunteer_lands_on_their_own_jobs(client_for, personas):
    response = client_for(personas["volunteer"]).get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("mutualaid:my")


HUGE = "地区,基準日,性別,年齢階級,人数\n須佐,2018-04-01,男,65-69,9223372036854775807\n須佐,2018-04-01,女,65-69,9223372036854775807\n"


def test_an_upload_of_a_cell_of_two_to_the_63_people_is_refused_and_every_page_stays_up(
    client_for, personas, town
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client_for(personas["officer"]).post(
        reverse("areas:population_import"),
        {"file": SimpleUploadedFile("pop.csv", HUGE.encode())},
        follow=True,  # to the import's page, which names the bad cell
    )
    text = page.content.decode()
    assert "2行目「人数」列: 「9223372036854775807」" in text and "10,000,000以下" in text
    assert PopulationRecord.objects.count() == 0
    for role in ("officer", "nurse", "pref"):
        client = client_for(personas[role])
        assert client.get(reverse("dashboard"), follow=True).status_code == 200
        assert client.get("/api/areas/population").status_code == 200


def test_the_database_itself_refuses_a_cell_beyond_ten_million(town):
    from django.db import DataError, IntegrityError, transaction

    cell = dict(municipality=town.municipality, date="2018-04-01", sex="M", age_from=65)
    with pytest.raises(IntegrityError), transaction.atomic():
        PopulationRecord.objects.bulk_create([PopulationRecord(count=10_000_001, **cell)])
    with pytest.raises(IntegrityError), transaction.atomic():
        PopulationRecord.objects.bulk_create(
            [PopulationRecord(count=1, **{**cell, "date": "1899-12-01"})]
        )
    PopulationRecord.objects.create(count=10_000_000, **cell)
    # SQLite refuses it by the CHECK constraint; PostgreSQL's integer column cannot hold it.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        PopulationRecord.objects.update(count=9223372036854775807)
    assert PopulationRecord.objects.get().count == 10_000_000


def test_the_models_validation_refuses_a_cell_beyond_ten_million(town):
    from django.core.exceptions import ValidationError

    record = PopulationRecord(
        municipality=town.municipality, date="2018-04-01", sex="M", age_from=65, count=10**19
    )
    with pytest.raises(ValidationError, match="人数は0以上10,000,000以下"):
        record.full_clean()


def test_a_migration_adding_a_bound_names_the_stored_rows_outside_it_first(town):
    from django.apps import apps
    from django.db import migrations, models

    from chiiki.core.validators import refuse_rows_outside

    cell = dict(municipality=town.municipality, date="2018-04-01", sex="M")
    PopulationRecord.objects.create(age_from=60, count=5, **cell)  # inside: not named
    large = PopulationRecord.objects.create(age_from=65, count=50, **cell)
    bound = migrations.AddConstraint(
        model_name="populationrecord",
        constraint=models.CheckConstraint(condition=models.Q(count__lte=10), name="at_most_ten"),
    )
    with pytest.raises(
        RuntimeError, match=rf"areas_populationrecord（at_most_ten）: id {large.pk}$"
    ):
        refuse_rows_outside("areas", [bound])(apps, None)
    PopulationRecord.objects.filter(pk=large.pk).update(count=10)
    refuse_rows_outside("areas", [bound])(apps, None)  # nothing outside: goes on
