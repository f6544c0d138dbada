"""The grant's evaluation indicators: the shipped file loads, quotes the guide's four 互助
indicators, and a malformed file is refused with a message that says where and what."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from chiiki.indicators.grant import catalog
from chiiki.indicators.grant.catalog import CatalogError, parse_catalog, parse_text

# The four indicators as the guide prints them under 「評価指標の例（互助の取組関係）」.
GUIDE = (
    "認知症支援に携わるボランティアの定期的な養成など認知症支援に関する介護保険外サービスの整備を行っているか。",
    "高齢者のニーズを踏まえ、介護予防・生活支援サービス事業における多様なサービス、その他生活支援サービスを創設しているか。",
    "生活支援コーディネーターが地域資源の開発に向けた具体的取組（地域ニーズ、地域資源の把握、問題提起等）を行っているか。",
    "生活支援コーディネーター、協議体の活動を通じて高齢者のニーズに対応した具体的な資源の開発（既存の活動やサービスの強化を含む。）が行われているか。",
)

MINIMAL = """
version: "9999"
fiscal_year: 2030
name: 試験用
sources:
  guide: {title: 冊子}
categories:
  - {id: I, name: 類型一, points: 10, source: {doc: guide, where: 1頁}}
indicators:
  - id: a
    category: I
    text: 指標
    points: 5
    evidence: [meeting]
    source: {doc: guide, where: 2頁}
"""


def _minimal(**changes):
    data = yaml.safe_load(MINIMAL)
    for path, value in changes.items():
        target = data
        *hops, last = path.split(".")
        for hop in hops:
            target = target[int(hop)] if hop.isdigit() else target[hop]
        if value is None:
            target.pop(last)
        else:
            target[last] = value
    return data


def test_the_shipped_file_loads_and_quotes_the_guides_four_mutual_aid_indicators():
    found = catalog.load_catalog("2018")
    assert [i.text for i in found.indicators] == list(GUIDE)
    assert [c.id for c in found.categories] == ["I", "II", "III"]
    assert (
        found.categories[0].name == "PDCAサイクルの活用による保険者機能の強化に向けた体制等の構築"
    )
    assert found.categories[2].name == "介護保険運営の安定化に資する施策の推進"
    assert found.budget == {
        "total_oku_yen": 200,
        "municipalities_oku_yen": 190,
        "prefectures_oku_yen": 10,
    }
    for ind in found.indicators:
        assert ind.source.doc == "guide" and "互助の取組関係" in ind.source.where
        # No point value is confirmed for these, so each says so.
        assert ind.points is None and ind.points_shown == "未確認"
        assert not ind.certain and "配点" in ind.note
        assert ind.evidence
    assert catalog.available_versions() == ["2018"]


def test_every_shipped_version_loads():
    for version in catalog.available_versions():
        assert catalog.load_catalog(version).version == version


def test_the_version_in_force_is_the_latest_not_after_the_year():
    assert catalog.catalog_for_year(2024).version == "2018"
    assert catalog.catalog_for_year(2010).version == "2018"  # none earlier: the earliest


def test_a_minimal_file_parses():
    found = parse_catalog(_minimal(), version="9999")
    assert found.indicators[0].points_shown == "5点"
    assert found.indicator("a") is found.indicators[0] and found.indicator("b") is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"colour": "red"}, "全体: 知らないキー「colour」"),
        ({"indicators.0.weight": 3}, "評価指標「a」: 知らないキー「weight」"),
        ({"categories.0.colour": "red"}, "類型「I」: 知らないキー「colour」"),
        ({"indicators.0.source": None}, "評価指標「a」: 出典 source がありません"),
        (
            {"indicators.0.source": {"doc": "mhlw", "where": "x"}},
            "出典「mhlw」は sources にありません",
        ),
        ({"indicators.0.source": {"doc": "guide"}}, "「where」がありません"),
        ({"indicators.0.category": "IV"}, "類型「IV」はありません"),
        ({"indicators.0.evidence": ["minutes"]}, "根拠の種類「minutes」はありません"),
        ({"indicators.0.evidence": []}, "evidence に根拠の種類を1つ以上"),
        ({"indicators.0.points": -1}, "配点 points は0以上の整数か null"),
        ({"indicators.0.certain": False}, "certain: false には何が未確認かを note に"),
        ({"indicators.0.points": "x"}, "配点 points は0以上の整数か null"),
        ({"fiscal_year": "平成30"}, "fiscal_year は 2000〜2100"),
        ({"version": "2019"}, "version「2019」がファイル名（9999.yaml）と違います"),
        ({"sources": {}}, "sources: 出典の文書を1つ以上"),
        ({"indicators": []}, "indicators: 評価指標を1つ以上"),
    ],
)
def test_a_malformed_file_is_refused_saying_where_and_what(changes, message):
    with pytest.raises(CatalogError) as exc:
        parse_catalog(_minimal(**changes), version="9999")
    assert message in str(exc.value)


def test_an_unconfirmed_point_value_must_be_marked_uncertain():
    with pytest.raises(CatalogError, match="配点が null（未確認）なら certain: false"):
        parse_catalog(_minimal(**{"indicators.0.points": None}))
    data = _minimal(**{"indicators.0.points": None})
    data["indicators"][0].update(certain=False, note="配点未確認")
    assert parse_catalog(data).indicators[0].points is None


def test_duplicate_ids_are_refused():
    data = _minimal()
    data["indicators"].append(dict(data["indicators"][0]))
    with pytest.raises(CatalogError, match="評価指標「a」: id が重複しています"):
        parse_catalog(data)
    data = _minimal()
    data["categories"].append(dict(data["categories"][0]))
    with pytest.raises(CatalogError, match="類型「I」: id が重複しています"):
        parse_catalog(data)


def test_a_key_given_twice_in_the_yaml_is_refused_with_its_line():
    text = MINIMAL + textwrap.dedent(
        """\
        name: 二つ目の名前
        """
    )
    with pytest.raises(CatalogError, match=r"行目: キー「name」が2回あります"):
        parse_text(text)


def test_a_missing_version_is_refused_naming_those_there_are(tmp_path):
    with pytest.raises(CatalogError, match="評価指標の版「2030」はありません（あるもの: 2018）"):
        catalog.load_catalog("2030")
    (tmp_path / "2030.yaml").write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(CatalogError, match=r"2030.yaml: version「9999」がファイル名"):
        catalog.load_catalog("2030", tmp_path)
