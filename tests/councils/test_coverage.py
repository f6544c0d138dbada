"""Coverage (高松市: 「44地区中39地区」): which districts have a body of each layer and since
when, as a table, a count by year and a grid of tiles that reads without colour."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from chiiki.councils.models import BodyKind, Layer
from chiiki.councils.services import bodies as body_services

ROLES = ("admin", "officer", "nurse", "coordinator", "volunteer", "pref", "outsider")
URL = "/councils/coverage/"


@pytest.fixture
def bodies(town):
    """北部 has a 第2層 body since 2020; 旭 a 第3層 one since 2022; 福栄 had one from 2019
    to 2021; 田万川 and 須佐 are covered by 北部's only."""

    def make(layer, name, founded, **area):
        return body_services.body_create(
            user=None,
            municipality=town.municipality,
            layer=layer,
            kind=BodyKind.SC_COUNCIL,
            name=name,
            founded_on=founded,
            **area,
        )

    north = make(Layer.LIFE_AREA, "北部 協議体", dt.date(2020, 4, 1), life_area=town.north)
    asahi = make(Layer.DISTRICT, "旭 ささえあい協議体", dt.date(2022, 6, 1), district=town.s1)
    fukue = make(Layer.DISTRICT, "福栄 協議体", dt.date(2019, 4, 1), district=town.s2)
    body_services.body_update(user=_admin(town), body=fukue, dissolved_on=dt.date(2021, 3, 31))
    return north, asahi, fukue


def _admin(town):
    from chiiki.accounts.models import Role
    from chiiki.accounts.services import user_create

    return user_create(
        username="coverage-admin",
        password="x-pass-123",
        role=Role.ADMINISTRATOR,
        municipality=town.municipality,
    )


EXPECTED = dict(
    admin=200, officer=200, nurse=200, coordinator=200, volunteer=403, pref=403, outsider=200
)


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_role_of_the_municipality_sees_its_coverage(client_for, personas, bodies, role):
    response = client_for(personas[role]).get(URL)
    assert response.status_code == EXPECTED[role]
    if role == "outsider":  # their own municipality's one district, nothing of this town
        page = response.content.decode()
        assert "須佐" not in page and "1地区中0地区" in page


def test_the_count_reads_n_districts_of_m_on_the_day(client_for, personas, bodies):
    client = client_for(personas["officer"])
    page = client.get(URL, {"on": "2023-01-01"}).content.decode()
    assert "4地区中3地区" in page  # 須佐, 田万川 (北部's 第2層), 旭
    assert "第3層（地区）の協議体がある地区は1地区" in page
    earlier = client.get(URL, {"on": "2020-06-01"})
    assert "4地区中3地区" in earlier.content.decode()  # 福栄 still had its body, 旭 not yet
    assert [t.mark for t in earlier.context["tiles"]] == ["○", "○", "×", "●"]


def test_the_table_names_each_layers_body_and_since_when(client_for, personas, bodies):
    page = client_for(personas["officer"]).get(URL, {"on": "2023-01-01"}).content.decode()
    table = page[page.index('id="coverage-table"') :]
    row = re.search(r"<tr>\s*<td>南部</td>\s*<td>[^<]*旭</td>(.*?)</tr>", table, re.S)
    assert row and "旭 ささえあい協議体" in row.group(1) and "2022-06-01" in row.group(1)
    suza = re.search(r"<td>[^<]*須佐</td>(.*?)</tr>", table, re.S)
    assert suza and "北部 協議体" in suza.group(1) and "2020-04-01" in suza.group(1)


def test_the_count_by_year_follows_founding_and_dissolving(client_for, personas, bodies):
    response = client_for(personas["officer"]).get(URL, {"on": "2023-01-01"})
    years = {y: n for y, n, _ in response.context["years"]}
    assert years == {2019: 1, 2020: 3, 2021: 2, 2022: 3, 2023: 3}
    since = client_for(personas["officer"]).get(URL, {"on": "2023-01-01", "since": "2021"})
    assert [y for y, _, _ in since.context["years"]] == [2021, 2022, 2023]


def test_each_tile_says_in_text_what_its_colour_says_in_the_life_areas_order(
    client_for, personas, bodies
):
    page = client_for(personas["officer"]).get(URL, {"on": "2023-01-01"}).content.decode()
    grid = page[page.index('id="coverage-tiles"') : page.index('id="coverage-table"')]
    tiles = re.findall(
        r'<li class="tile (tile-\w+)"[^>]*><span class="tile-name">(\w+)</span>'
        r'<span class="tile-mark"[^>]*>(.)</span>',
        grid,
    )
    assert tiles == [
        ("tile-area", "須佐", "○"),
        ("tile-area", "田万川", "○"),
        ("tile-district", "旭", "●"),
        ("tile-none", "福栄", "×"),
    ]
    assert grid.index("北部") < grid.index("南部")


def test_the_page_has_no_inline_style_and_no_inline_script(client_for, personas, bodies):
    page = client_for(personas["officer"]).get(URL).content.decode()
    assert "style=" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)


@pytest.mark.parametrize(
    ("params", "name"),
    [({"on": "2023-02-30"}, "on"), ({"since": "abc"}, "since"), ({"since": "2999"}, "since")],
)
def test_a_bad_day_or_year_is_a_400_naming_the_parameter(
    client_for, personas, bodies, params, name
):
    response = client_for(personas["officer"]).get(URL, params)
    assert response.status_code == 400 and f"「{name}」" in response.content.decode()


def test_the_url_name_is_coverage():
    assert reverse("councils:coverage") == URL
