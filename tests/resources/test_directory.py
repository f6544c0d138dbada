"""The directory: demo data, Japanese search, the command line contracts, HSDS exchange."""

from __future__ import annotations

import copy
import json
import re

import pytest
from django.core.management import CommandError, call_command

from chiiki.resources import demo, hsds
from chiiki.resources.models import Schedule, Service
from chiiki.resources.selectors import service_records, service_search
from tests.resources.test_calendar import GUIDE_JANUARY_2019


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("resources", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_demo_directory_is_built_once_and_deterministically(directory):
    first = list(Service.objects.order_by("uuid").values_list("uuid", "name"))
    assert 40 < len(first) < 400
    demo.build(directory.municipality, 2018)
    assert list(Service.objects.order_by("uuid").values_list("uuid", "name")) == first
    again = demo.records(directory.municipality, 2018)
    assert sorted((r.uuid, r.name) for r in again) == sorted((str(u), n) for u, n in first)


def test_the_demo_cafe_prints_the_guides_january_2019_calendar(directory):
    cafe = Service.objects.get(uuid=demo.CAFE_ID)
    data = json.loads(
        run("calendar", "--service", str(cafe.pk), "--month", "2019-01", "--format", "json")
    )
    assert data["service"] == cafe.pk and data["month"] == "2019-01"
    assert len(data["days"]) == 31
    assert data["days"][0] == {
        "date": "2019-01-01",
        "open": False,
        "reason": "元日",
        "hours": [],
        "events": [],
    }
    for day in data["days"]:
        is_open, reason, hours, events = GUIDE_JANUARY_2019[int(day["date"][-2:])]
        assert (day["open"], day["reason"]) == (is_open, reason)
        assert day["hours"] == [list(h) for h in hours]
        assert [(e["title"], e["start"]) for e in day["events"]] == list(events)


@pytest.mark.parametrize("query", ["買い物", "体操", "送迎", "配食", "ｻﾛﾝ", "さろん", "ＮＰＯ"])
def test_search_finds_short_and_long_queries_in_any_width_and_kana(directory, personas, query):
    found = list(service_search(user=personas["officer"], query=query))
    assert found, query
    from chiiki.core.text import fold

    assert all(fold(query) in s.search_text for s in found)


def test_search_finds_a_substring_inside_a_longer_word(directory, personas):
    names = [s.name for s in service_search(user=personas["officer"], query="買い物")]
    assert any("買い物支援サービス" in n for n in names)


def test_search_ranks_name_matches_before_description_matches(directory, personas):
    found = list(service_search(user=personas["officer"], query="サロン"))
    ranks = [0 if "さろん" in s.name_folded else 1 for s in found]
    assert ranks == sorted(ranks)


def test_search_filters_by_category_district_pickup_and_fee(directory, personas):
    user = personas["officer"]
    for s in service_search(user=user, category="ido", pickup=True):
        assert "ido" in s.categories and s.pickup
    free = list(service_search(user=user, free=True))
    assert free and all(s.free for s in free)
    in_n1 = list(service_search(user=user, district_id=directory.n1.pk))
    assert in_n1 and all(
        s.district_id == directory.n1.pk or s.service_areas.filter(district=directory.n1).exists()
        for s in in_n1
    )


def test_search_by_weekday_and_time_finds_the_cafe_on_tuesday_morning(directory, personas):
    found = service_search(
        user=personas["volunteer"], weekday="TU", time=__import__("datetime").time(9)
    )
    assert demo.CAFE_NAME in [s.name for s in found]
    later = service_search(
        user=personas["volunteer"], weekday="TU", time=__import__("datetime").time(13)
    )
    assert demo.CAFE_NAME not in [s.name for s in later]


def test_an_outsider_finds_nothing_of_another_municipality(directory, personas):
    assert not service_search(user=personas["outsider"], query="サロン").exists()


def test_the_search_command_prints_a_json_array_best_match_first(directory):
    rows = json.loads(run("search", "カフェ", "--format", "json"))
    assert rows and {"id", "name"} <= set(rows[0])
    assert (
        rows[0]["name"] == demo.CAFE_NAME
        or "かふぇ" in rows[0]["name"].lower()
        or "カフェ" in rows[0]["name"]
    )
    only = json.loads(
        run("search", "送迎", "--category", "ido", "--district", "須佐", "--format", "json")
    )
    for row in only:
        assert "ido" in row["categories"]
    with pytest.raises(CommandError, match="--category"):
        run("search", "x", "--category", "nothing")


def test_the_calendar_command_refuses_a_month_that_does_not_exist(directory):
    cafe = Service.objects.get(uuid=demo.CAFE_ID)
    with pytest.raises(CommandError, match="YYYY-MM"):
        run("calendar", "--service", str(cafe.pk), "--month", "2019-13")


def test_the_hsds_export_validates_and_its_import_gives_the_same_directory(directory, tmp_path):
    path = tmp_path / "hsds.json"
    run("export-hsds", str(path))
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["total_items"] == Service.objects.count() == len(document["contents"])
    assert hsds.validate(document) == []
    cafe = next(s for s in document["contents"] if s["id"] == demo.CAFE_ID)
    assert cafe["organization"]["name"] and cafe["schedules"] and cafe["service_at_locations"]
    assert cafe["service_at_locations"][0]["location"]["addresses"][0]["city"] == "萩市"
    before = service_records(municipality_ids=[directory.municipality.pk])
    Service.objects.all().delete()
    assert "件のサービスを読み込みました" in run("import-hsds", str(path))
    after = service_records(municipality_ids=[directory.municipality.pk])
    by_id = {r.uuid: r for r in before}
    for record in after:
        for name in record.__dataclass_fields__:
            assert getattr(record, name) == getattr(by_id[record.uuid], name), (record.name, name)
    assert len(after) == len(before)
    rows = list(Service.objects.order_by("pk").values("pk", "last_modified"))
    schedule_ids = list(Schedule.objects.order_by("pk").values_list("pk", flat=True))
    run("import-hsds", str(path))  # the same file again changes nothing at all
    assert list(Service.objects.order_by("pk").values("pk", "last_modified")) == rows
    assert list(Schedule.objects.order_by("pk").values_list("pk", flat=True)) == schedule_ids
    assert Schedule.objects.filter(service__uuid=demo.CAFE_ID).count() == 8


def test_a_bare_array_of_services_is_imported_and_closed_on_public_holidays(town, tmp_path):
    service = {
        "id": "0b7a6e7e-2c55-4c4b-9f57-0a7d2a1f0001",
        "name": "Tuesday club",
        "status": "active",
        "organization": {
            "id": "0b7a6e7e-2c55-4c4b-9f57-0a7d2a1f0002",
            "name": "Club",
            "description": "A club",
        },
        "schedules": [
            {
                "id": "0b7a6e7e-2c55-4c4b-9f57-0a7d2a1f0003",
                "freq": "WEEKLY",
                "byday": "MO",
                "opens_at": "10:00",
                "closes_at": "12:00",
            }
        ],
    }
    path = tmp_path / "bare.json"
    path.write_text(json.dumps([service]), encoding="utf-8")
    run("import-hsds", str(path))
    imported = Service.objects.get(uuid=service["id"])
    data = json.loads(run("calendar", "--service", str(imported.pk), "--month", "2019-01"))
    monday_14 = data["days"][13]
    assert (monday_14["open"], monday_14["reason"]) == (False, "成人の日")
    assert data["days"][6]["open"] is True


def _bad(document, mutate):
    bad = copy.deepcopy(document)
    mutate(bad["contents"][0])
    return bad


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda s: s["schedules"][0].update(opens_at="12:00", closes_at="08:00"), "closes_at"),
        (
            lambda s: s["attributes"][0]["taxonomy_term"].update(code="unknown"),
            "種類「unknown」は登録されていません",
        ),
        (lambda s: s["schedules"][0].update(dtstart="2019-02-30"), "dtstart"),
        (lambda s: s.pop("name"), "'name' is a required property"),
        (lambda s: s["schedules"][0].update(byday="XX"), "byday"),
    ],
)
def test_a_bad_hsds_file_is_refused_naming_record_and_field_and_nothing_is_stored(
    directory, tmp_path, mutate, expected
):
    path = tmp_path / "ok.json"
    run("export-hsds", str(path))
    document = json.loads(path.read_text(encoding="utf-8"))
    document["contents"] = [s for s in document["contents"] if s["id"] == demo.CAFE_ID] + [
        s for s in document["contents"] if s["id"] != demo.CAFE_ID
    ][:3]
    for s in document["contents"]:
        s["name"] = s.get("name", "") + "（改）" if "name" in s else s.get("name")
    Service.objects.all().delete()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_bad(document, mutate), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as info:
        run("import-hsds", str(bad))
    message = str(info.value)
    assert (
        expected in message and "1件目のサービス" in message and "何も保存していません" in message
    )
    assert Service.objects.count() == 0


def test_the_search_index_comes_back_when_a_migration_rebuilt_the_table(directory, personas):
    from django.db import connection

    from chiiki.resources import search_index

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER resources_service_fts_ai")
    assert search_index.ensure(connection) is True
    assert search_index.ensure(connection) is False
    assert list(service_search(user=personas["officer"], query="買い物"))


def test_the_hsds_specifications_own_example_service_is_imported(town, tmp_path):
    from pathlib import Path

    example = Path(__file__).parent / "data" / "hsds_service_full.json"
    path = tmp_path / "example.json"
    path.write_text("[" + example.read_text(encoding="utf-8") + "]", encoding="utf-8")
    assert "1件のサービスを読み込みました" in run("import-hsds", str(path))
    service = Service.objects.get(name="Community Counselling")
    assert service.schedules.count() == 1 and service.closed_on_holidays
    out = tmp_path / "out.json"
    run("export-hsds", str(out))
    assert hsds.validate(json.loads(out.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda s: s["schedules"][0].update(interval=1000),
            "schedules.interval: 間隔（interval）は1以上99以下",
        ),
        (
            lambda s: s["schedules"][0].update(count=10**9),
            "schedules.count: 回数（count）は1以上10,000以下",
        ),
        (
            lambda s: s["schedules"][0].update(until="0952-03-18"),
            "schedules.until: untilは1900-01-01から",
        ),
        (
            lambda s: s.update(
                cost_options=[{"id": "0b7a6e7e-2c55-4c4b-9f57-0a7d2a1f0009", "amount": 10**12}]
            ),
            "cost_options.amount: 金額は0以上100,000,000以下の整数（円）",
        ),
    ],
)
def test_an_hsds_value_out_of_range_is_refused_naming_the_field_and_nothing_is_stored(
    town, tmp_path, change, expected
):
    service = {
        "id": "0b7a6e7e-2c55-4c4b-9f57-0a7d2a1f0001",
        "name": "Tuesday club",
        "status": "active",
        "organization": {
            "id": "0b7a6e7e-2c55-4c4b-9f57-0a7d2a1f0002",
            "name": "Club",
            "description": "A club",
        },
        "schedules": [
            {
                "id": "0b7a6e7e-2c55-4c4b-9f57-0a7d2a1f0003",
                "freq": "WEEKLY",
                "byday": "MO",
                "opens_at": "10:00",
                "closes_at": "12:00",
            }
        ],
    }
    change(service)
    path = tmp_path / "bare.json"
    path.write_text(json.dumps([service]), encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape(expected)):
        run("import-hsds", str(path))
    assert Service.objects.count() == 0


def test_a_capacity_beyond_a_hundred_thousand_is_refused_by_the_model(town):
    from django.core.exceptions import ValidationError

    others = [f.name for f in Service._meta.fields if f.name != "capacity"]
    with pytest.raises(ValidationError, match="定員は0以上100,000以下"):
        Service(capacity=10**12).clean_fields(exclude=others)
    Service(capacity=100_000).clean_fields(exclude=others)
