"""The spread page: the progress table with its summary, the rules and the gaps in words,
both CSVs, and who may see it."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from tests.indicators.spread_world import ON, build_town

URL = reverse("indicators:spread")


@pytest.fixture
def world(town, personas):
    return build_town(town, personas)


def test_the_page_has_the_table_the_summary_and_what_is_counted_how(world, client_for, personas):
    response = client_for(personas["coordinator"]).get(URL, {"on": ON.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2021年9月1日時点で、4地区のうち第2層・第3層の協議体がある地区は3地区" in html
    assert "助け合いのサービスがある地区は2地区、毎週の通いの場がある地区は2地区" in html
    assert "2017年度末からの増減: 第2層・第3層の協議体 +1地区" in html
    assert 'id="years"' in html and "4地区中3地区" in html
    assert "運営をやめたサービス（1件）" in html and "田万川支援隊" in html
    assert "今年度からあるものとして数えています" in html and "田万川いきいきサロン" in html
    assert "どの地区にも数えていません" in html and "出張サロン" in html
    assert "まだ登録されていません" not in html


def test_an_empty_town_says_each_column_waits_for_its_records(town, client_for, personas):
    html = client_for(personas["officer"]).get(URL).content.decode()
    assert "この列は協議体が登録されるのを待っています" in html
    assert "この列はサービスが登録されるのを待っています" in html
    assert "通いの場はまだ地域資源に登録されていません" in html


@pytest.mark.parametrize("name", ["volunteer", "pref", "advisor"])
def test_others_are_refused(town, client_for, personas, name):
    assert client_for(personas[name]).get(URL).status_code == 403


def test_bad_parameters_are_a_400(town, client_for, personas):
    client = client_for(personas["officer"])
    assert client.get(URL, {"on": "2021-13-01"}).status_code == 400
    assert client.get(URL, {"on": "2021-09-01", "since": "2030"}).status_code == 400
    assert client.get(URL, {"format": "xlsx"}).status_code == 400


def test_the_years_csv(world, client_for, personas):
    response = client_for(personas["officer"]).get(
        URL, {"on": ON.isoformat(), "since": "2018", "format": "csv"}
    )
    assert 'filename="spread-20210901.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "年度",
        "数えた日",
        "地区数",
        "第2層・第3層の協議体",
        "助け合いのサービス",
        "毎週の通いの場",
        "3つそろった地区",
    ]
    assert rows[1] == ["2018", "2019-03-31", "4", "3", "0", "1", "0"]
    assert rows[-1] == ["2021", "2021-09-01", "4", "3", "2", "2", "0"]


def test_the_districts_csv(world, client_for, personas):
    response = client_for(personas["officer"]).get(
        URL, {"on": ON.isoformat(), "format": "districts"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == ["北部", "須佐", "2017-04-01", "", "2018-10-02"]
    assert rows[2] == ["北部", "田万川", "2017-04-01", "", "開始日の記録なし"]
    assert rows[4] == ["南部", "福栄", "", "2019-04-01", ""]


def test_the_front_page_links_the_spread(town, client_for, personas):
    html = client_for(personas["officer"]).get(reverse("indicators:index")).content.decode()
    assert URL in html
