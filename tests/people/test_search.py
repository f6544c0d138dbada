"""The person search at a city's scale (NamePrefix, the trigram index) and the list walked
by cursor (``access.read_keyset_page``)."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiiki.accounts.models import AuditAction, AuditEvent
from chiiki.accounts.services import api_token_create
from chiiki.areas import services as area_services
from chiiki.core.params import ParamError
from chiiki.people import search_index, selectors, services
from chiiki.people.models import NamePrefix, Person
from tests.conftest import make_person


def found(user, query="", **filters):
    return {
        p.pk for p in selectors.person_list_for_user(user=user, query=query, size=500, **filters)
    }


def walk(user, size, **filters):
    """Every page of the list from the first by 次へ, and back from the last by 前へ."""
    pages, page = [], selectors.person_list_for_user(user=user, size=size, **filters)
    pages.append([p.pk for p in page])
    while page.after is not None:
        page = selectors.person_list_for_user(user=user, size=size, after=page.after, **filters)
        pages.append([p.pk for p in page])
    back = [pages[-1]]
    while page.before is not None:
        page = selectors.person_list_for_user(user=user, size=size, before=page.before, **filters)
        back.append([p.pk for p in page])
    return pages, back[::-1]


@pytest.fixture
def folk(town, personas):
    names = {
        "sato": ("佐藤", "花子", "サトウ", "ハナコ", town.n1),
        "ito": ("伊藤", "和夫", "イトウ", "カズオ", town.n1),
        "sasaki": ("佐々木", "さとみ", "ササキ", "サトミ", town.n2),
        "hayashi": ("林", "晃", "ハヤシ", "アキラ", town.n2),
        "kobayashi": ("小林", "花", "コバヤシ", "ハナ", town.n1),
    }
    made = {
        key: make_person(district, family_name=f, given_name=g, family_kana=fk, given_kana=gk).pk
        for key, (f, g, fk, gk, district) in names.items()
    }
    return made | {"hoshi": personas["volunteer"].person_id}  # 奉仕 花子 (ホウシ ハナコ)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # one character: the start of a family name or its kana (or a whole given name)
        ("佐", {"sato", "sasaki"}),
        ("林", {"hayashi"}),  # not 小林
        ("さ", {"sato", "sasaki"}),
        ("ｻ", {"sato", "sasaki"}),
        ("花", {"kobayashi"}),
        # two: the start of any name or kana
        ("佐藤", {"sato"}),
        ("さと", {"sato", "sasaki"}),  # さとう, and さとみ's given kana
        ("ｻﾄ", {"sato", "sasaki"}),
        ("花子", {"sato", "hoshi"}),
        ("はな", {"sato", "kobayashi", "hoshi"}),
        ("カズ", {"ito"}),
        ("藤", set()),  # inside a name: too many names hold a short term to search them
        ("とう", set()),
        # three or more: anywhere in a name, in any width or kana
        ("さとう", {"sato"}),
        ("サトウ", {"sato"}),
        ("ｻﾄｳ", {"sato"}),
        ("ばやし", {"kobayashi"}),
        ("はやし", {"hayashi"}),
        ("佐々木", {"sasaki"}),
        ("佐藤花子", {"sato"}),
        ("かずお", {"ito"}),
        # two words: both
        ("佐藤 花子", {"sato"}),
        ("さとう　はなこ", {"sato"}),
        ("ハナコ 佐藤", {"sato"}),
        ("小林 花", {"kobayashi"}),
        ("佐 さとみ", {"sasaki"}),
        ("佐藤 かずお", set()),
        ("該当者なし", set()),
    ],
)
def test_a_search_finds_names_by_their_start_or_a_longer_term_anywhere(
    personas, folk, query, expected
):
    assert found(personas["officer"], query) == {folk[k] for k in expected}


def test_the_page_the_api_and_the_pick_list_find_the_same_people(
    client_for, personas, folk, client
):
    officer = personas["officer"]
    html = client_for(officer).get(reverse("people:list"), {"q": "ｻﾄ"}).content.decode()
    assert "佐藤 花子" in html and "佐々木 さとみ" in html and "伊藤" not in html
    _, raw = api_token_create(user=officer, name="t")
    body = client.get("/api/people", {"q": "はな"}, headers={"Authorization": f"Bearer {raw}"})
    assert {p["id"] for p in body.json()["items"]} == {
        folk[k] for k in ("sato", "kobayashi", "hoshi")
    }
    picked = selectors.person_pick_list(user=officer, query="佐藤", cap=selectors.Cap.PEOPLE_LIST)
    assert [p.pk for p in picked] == [folk["sato"]]


def test_a_changed_name_is_found_by_the_new_one_and_not_the_old(personas, folk):
    officer = personas["officer"]
    sato = Person.objects.get(pk=folk["sato"])
    services.person_update(user=officer, person=sato, family_name="鈴木", family_kana="スズキ")
    assert found(officer, "佐藤") == set() and found(officer, "さとう") == set()
    assert found(officer, "鈴木") == {sato.pk} == found(officer, "すずき")
    assert set(NamePrefix.objects.filter(person=sato).values_list("prefix", flat=True)) == {
        "鈴", "鈴木", "鈴木花", "花子", "す", "すず", "すずき", "はな", "はなこ"
    }  # fmt: skip


def test_the_search_columns_are_rebuilt_from_the_names(personas, folk):
    Person.objects.update(name_key="", given_key="", kana_key="", given_kana_key="")
    assert found(personas["officer"], "佐藤") == set()
    assert services.person_search_text_rebuild() == len(folk)
    assert found(personas["officer"], "佐藤") == {folk["sato"]}
    assert found(personas["officer"], "ばやし") == {folk["kobayashi"]}


def test_people_moved_out_are_left_out_unless_asked_for(client_for, personas, folk):
    officer = personas["officer"]
    # As the register import marks them: one UPDATE of many rows.
    Person.objects.filter(pk=folk["sato"]).update(moved_out_on=dt.date(2026, 3, 31))
    assert folk["sato"] not in found(officer) and found(officer, "佐藤") == set()
    assert (
        selectors.person_pick_list(user=officer, query="佐藤", cap=selectors.Cap.PEOPLE_LIST) == []
    )
    assert found(officer, "佐藤", include_moved=True) == {folk["sato"]}
    assert folk["sato"] in found(officer, include_moved=True)
    client = client_for(officer)
    hidden = client.get(reverse("people:list"), {"q": "佐藤"}).content.decode()
    shown = client.get(reverse("people:list"), {"q": "佐藤", "moved": "1"}).content.decode()
    link = reverse("people:detail", args=[folk["sato"]])
    assert link not in hidden and link in shown and 'class="badge">転出等' in shown


def test_the_cursor_walks_a_nurses_list_within_her_areas_and_back(personas, town):
    for i in range(7):
        make_person(town.n1 if i % 2 else town.n2)
        make_person(town.s1)
    nurse = personas["nurse"]
    mine = list(
        Person.objects.filter(district__life_area=town.north)
        .order_by(*selectors.LIST_KEY)
        .values_list("pk", flat=True)
    )
    forward, back = walk(nurse, 3)
    assert [pk for page in forward for pk in page] == mine and forward == back
    assert [len(p) for p in forward] == [3, 3, 1]


def test_a_cursor_naming_someone_out_of_reach_is_refused_in_japanese(
    client_for, personas, town, client
):
    south = make_person(town.s1)
    make_person(town.n1)
    nurse = personas["nurse"]
    for cursor in (south.pk, 2**62):  # another area's person, and nobody
        with pytest.raises(ParamError, match="一覧の「次へ」「前へ」が示す位置"):
            selectors.person_list_for_user(user=nurse, after=cursor)
    web = client_for(nurse)
    for params in ({"after": south.pk}, {"before": south.pk}, {"after": "abc"}, {"after": "-1"}):
        page = web.get(reverse("people:list"), params)
        assert page.status_code == 400 and "パラメータ" in page.content.decode()
    _, raw = api_token_create(user=nurse, name="t")
    auth = {"Authorization": f"Bearer {raw}"}
    refused = client.get("/api/people", {"cursor": south.pk}, headers=auth)
    # The API: no row the caller reaches there (a 404, alike for another area and nobody).
    assert refused.status_code == 404 and "cursor" in refused.json()["detail"]
    assert refused.json()["title"] == "Not Found"
    assert client.get("/api/people", {"cursor": "x"}, headers=auth).status_code == 422


def test_each_page_walked_is_one_audit_event_naming_whom_it_showed(personas, town):
    people = [make_person(town.n1) for _ in range(5)]
    before = AuditEvent.objects.filter(action=AuditAction.LIST).count()
    forward, _ = walk(personas["nurse"], 2)
    events = list(AuditEvent.objects.filter(action=AuditAction.LIST).order_by("pk"))[before:]
    assert len(events) == 3 + 2  # three pages forward, then two back from the last
    shown = [set(e.subjects.values_list("person_id", flat=True)) for e in events[:3]]
    assert shown == [set(page) for page in forward]
    assert set().union(*shown) == {p.pk for p in people}


def test_the_api_walks_by_cursor_and_keeps_numbered_pages(client, personas, town):
    people = [make_person(town.n1) for _ in range(5)]
    _, raw = api_token_create(user=personas["nurse"], name="t")
    auth = {"Authorization": f"Bearer {raw}"}
    numbered = [
        client.get("/api/people", {"page": n, "page_size": 2}, headers=auth).json()
        for n in (1, 2, 3, 9)
    ]
    assert [b["count"] for b in numbered] == [5, 5, 5, 5]
    assert numbered[3]["items"] == numbered[2]["items"]  # past the end: the last page
    ids, body = [], client.get("/api/people", {"page_size": 2}, headers=auth).json()
    ids += [p["id"] for p in body["items"]]
    while body["next"]:
        body = client.get(
            "/api/people", {"page_size": 2, "cursor": body["next"]}, headers=auth
        ).json()
        ids += [p["id"] for p in body["items"]]
    by_page = [p["id"] for b in numbered[:3] for p in b["items"]]
    assert ids == by_page and sorted(ids) == sorted(p.pk for p in people)


def test_the_web_list_pages_by_cursor_links(client_for, personas, town):
    services.person_bulk_create(
        people=[
            Person(
                municipality=town.municipality,
                district=town.n1,
                family_name="田中",
                given_name=f"{n}",
                family_kana="タナカ",
                given_kana=f"カ{n:02d}",
                sex="M",
                birth_date=dt.date(1950, 1, 1),
                address="山口県萩市須佐1番地",
            )
            for n in range(selectors.PAGE_SIZE + 2)
        ]
    )
    client = client_for(personas["nurse"])
    first = client.get(reverse("people:list"))
    html = first.content.decode()
    assert "after=" in html and "前へ" not in html and f"{selectors.PAGE_SIZE + 2}人" in html
    last = list(first.context["page"])[-1]
    second = client.get(reverse("people:list"), {"after": last.pk})
    html = second.content.decode()
    assert "前へ" in html and "最初へ" in html and "次へ" not in html
    assert len(second.context["page"].rows) == 2


_serial = itertools.count(1)
KANA = ["アイ", "サトウ", "サトウ", "ササキ", "ハヤシ", "サ"]
NAME = {"アイ": "相", "サトウ": "佐藤", "ササキ": "佐々木", "ハヤシ": "林", "サ": "佐"}
GIVEN = [("花子", "ハナコ"), ("花", "ハナ"), ("和夫", "カズオ"), ("さとみ", "サトミ")]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    names=st.lists(st.tuples(st.sampled_from(KANA), st.sampled_from(GIVEN)), max_size=16),
    size=st.integers(1, 5),
    query=st.sampled_from(["", "佐", "さと", "花子", "佐藤 はな"]),
)
def test_any_list_is_walked_once_in_order_with_no_row_twice(town, personas, names, size, query):
    n = next(_serial)
    district = area_services.district_create(life_area=town.north, code=f"H{n}", name=f"区{n}")
    people = services.person_bulk_create(
        people=[
            Person(
                municipality=town.municipality,
                district=district,
                family_name=NAME[fk],
                given_name=g,
                family_kana=fk,
                given_kana=gk,
                sex="F",
                birth_date=dt.date(1950, 1, 1),
                address="山口県萩市須佐1番地",
            )
            for fk, (g, gk) in names
        ]
    )
    terms = [services.search_columns(t, "", t, "")["name_key"] for t in query.split()]

    def matches(p):
        keys = (p.name_key, p.kana_key, p.given_key, p.given_kana_key)
        return all(any(k.startswith(t) for k in (keys[:2] if len(t) == 1 else keys)) for t in terms)

    expected = list(
        Person.objects.filter(pk__in=[p.pk for p in people if matches(p)])
        .order_by(*selectors.LIST_KEY)
        .values_list("pk", flat=True)
    )
    forward, back = walk(personas["nurse"], size, query=query, district_id=district.pk)
    flat = [pk for page in forward for pk in page]
    assert flat == expected and len(set(flat)) == len(flat)
    assert forward == back or not expected
    assert all(len(page) == size for page in forward[:-1])


def test_the_sqlite_triggers_come_back_after_a_migration_drops_them(personas, folk):
    if connection.vendor != "sqlite":
        # PostgreSQL keeps a table's triggers through an ALTER TABLE: nothing to put back.
        assert search_index.ensure(connection) is False
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'people_nameprefix_%%'"
            )
            assert cursor.fetchone()[0] == 5
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER people_nameprefix_ai")
        cursor.execute("DROP TRIGGER people_person_inner_au")
        cursor.execute("DROP TRIGGER people_nameprefix_district_au")
    assert search_index.ensure(connection) is True
    assert search_index.ensure(connection) is False  # all there now
    make_person(
        Person.objects.get(pk=folk["sato"]).district, family_name="佐野", family_kana="サノ"
    )
    assert len(found(personas["officer"], "佐")) == 3


def test_a_district_moved_to_another_life_area_takes_its_people_along(personas, folk, town):
    from chiiki.areas.models import District

    nurse = personas["nurse"]  # 北部
    assert found(nurse, "佐藤") == {folk["sato"]}  # in 須佐 (北部)
    District.objects.filter(pk=town.n1.pk).update(life_area=town.south)
    assert found(nurse, "佐藤") == set() and folk["sato"] not in found(nurse)
    assert found(personas["coordinator"], "佐藤") == {folk["sato"]}
