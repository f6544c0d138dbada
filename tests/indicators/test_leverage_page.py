"""The calculator page: who pays what in plain words, the table, the CSV, and who may see it."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

URL = reverse("indicators:leverage")


@pytest.mark.parametrize("name", ["admin", "officer", "nurse", "coordinator"])
def test_everyone_who_plans_sees_the_multipliers_in_words(client_for, personas, name):
    response = client_for(personas[name]).get(URL, {"period": "7"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "市町村が 1 円出すと、国・県・40〜64歳の保険料とあわせて 2.82 円の事業になります" in html
    assert "市町村が 1 円出すと、国・県とあわせて 2.37 円の事業になります" in html
    assert "約2.8倍" in html and "約2.4倍" in html


@pytest.mark.parametrize("name", ["volunteer", "pref", "advisor"])
def test_others_are_refused(client_for, personas, name):
    assert client_for(personas[name]).get(URL).status_code == 403


def test_staff_of_another_municipality_see_the_statute_not_this_towns_records(client_for, personas):
    # The shares are the law's, the same everywhere: the page reads no municipality's rows.
    response = client_for(personas["outsider"]).get(URL)
    assert response.status_code == 200 and "萩市" not in response.content.decode()


def test_a_visitor_is_sent_to_log_in(client, db):
    assert client.get(URL).status_code == 302


def test_a_budget_shows_who_pays_what(client_for, personas):
    html = client_for(personas["officer"]).get(URL, {"period": "8", "budget": "1000000"})
    text = html.content.decode()
    assert "事業費 1,000,000円のうち、市町村が用意するのは 355,000円" in text
    assert "270,000円" in text and "192,500円" in text and "422,500円" in text
    assert 'id="sogo-table"' in text and 'id="hokatsu-table"' in text


def test_the_latest_period_is_the_default(client_for, personas):
    response = client_for(personas["officer"]).get(URL)
    assert response.context["period"] == 9 and response.context["budget"] is None


@pytest.mark.parametrize(
    "query",
    [{"period": "6"}, {"period": "x"}, {"budget": "-1"}, {"budget": "1.5"}, {"budget": "10" * 8}],
)
def test_bad_parameters_are_a_400_not_a_500(client_for, personas, query):
    response = client_for(personas["officer"]).get(URL, query)
    assert response.status_code == 400
    assert "パラメータ" in response.content.decode()


def test_the_csv_has_every_payer_the_own_share_and_the_multiplier(client_for, personas):
    response = client_for(personas["officer"]).get(
        URL, {"period": "7", "budget": "1000001", "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="leverage-period-7-1000001.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["計画期", "事業", "負担者", "負担割合（%）", "市町村の持ち分", "金額（円）"]
    sogo = [r for r in rows[1:] if r[1] == "介護予防・日常生活支援総合事業"]
    assert [r[2] for r in sogo] == [
        "国",
        "都道府県",
        "市町村",
        "第1号保険料",
        "第2号保険料",
        "持ち分（市町村＋第1号）",
        "倍率（100÷持ち分、倍）",
    ]
    assert sum(int(r[5]) for r in sogo[:5]) == 1_000_001
    assert sogo[5][3:] == ["35.5", "○", "355000"]
    assert sogo[6][3] == "2.82"
    hokatsu = [r for r in rows[1:] if r[1] == "包括的支援事業・任意事業"]
    assert len(hokatsu) == 6 and hokatsu[-1][3] == "2.37"


def test_the_csv_without_a_budget_has_no_amounts(client_for, personas):
    response = client_for(personas["officer"]).get(URL, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows[0]) == 5 and all(len(r) == 5 for r in rows)


def test_the_indicators_front_page_links_the_calculator(client_for, personas):
    html = client_for(personas["officer"]).get(reverse("indicators:index")).content.decode()
    assert URL in html
