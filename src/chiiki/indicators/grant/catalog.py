"""The insurer incentive grant's evaluation indicators (保険者機能強化推進交付金 評価指標),
read from versioned YAML (``data/grant/<version>.yaml``) and checked before use.

A version names its documents (``sources``), the grant's 類型 (``categories``) and its
indicators, each with the kinds of chiiki record that can evidence it. What is not confirmed
(a point value, a placement, a wording) carries ``certain: false`` and a ``note`` saying
what is missing. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "grant"

# The kinds of record an answer can link as its evidence, in the order a page shows them.
EVIDENCE_KINDS: dict[str, str] = {
    "meeting": "協議体の会議",
    "issue": "地域課題（台帳）",
    "resource": "開発した地域資源（開始日）",
    "mutualaid_service": "始まった助け合いサービス",
    "volunteer": "研修を受けたボランティア",
}

_TOP = {
    "version",
    "fiscal_year",
    "name",
    "certain",
    "note",
    "budget",
    "sources",
    "categories",
    "indicators",
}
_DOC = {"title", "publisher", "url"}
_SOURCE = {"doc", "where"}
_BUDGET = {"total_oku_yen", "municipalities_oku_yen", "prefectures_oku_yen", "source"}
_CATEGORY = {"id", "name", "points", "source", "certain", "note"}
_INDICATOR = {"id", "category", "text", "points", "evidence", "source", "certain", "note"}


class CatalogError(ValueError):
    """A malformed indicator file; the message says where and what, in Japanese."""


@dataclass(frozen=True)
class Source:
    doc: str
    title: str
    where: str

    def describe(self) -> str:
        return f"{self.title}: {self.where}"


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    points: int | None
    source: Source
    certain: bool
    note: str

    @property
    def label(self) -> str:
        return f"{self.id} {self.name}"


@dataclass(frozen=True)
class Indicator:
    id: str
    category: Category
    text: str
    points: int | None
    evidence: tuple[str, ...]
    source: Source
    certain: bool
    note: str

    @property
    def points_shown(self) -> str:
        return "未確認" if self.points is None else f"{self.points}点"


@dataclass(frozen=True)
class Catalog:
    version: str
    fiscal_year: int
    name: str
    certain: bool
    note: str
    budget: dict[str, int]
    categories: tuple[Category, ...]
    indicators: tuple[Indicator, ...]

    def indicator(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping (PyYAML keeps the last)."""


def _mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if key in seen:
            line = key_node.start_mark.line + 1
            raise CatalogError(f"{line}行目: キー「{key}」が2回あります")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _keys(data: Any, allowed: set[str], required: set[str], where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise CatalogError(f"{where}: 項目の並び（キーと値）で書いてください")
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise CatalogError(
            f"{where}: 知らないキー「{'、'.join(unknown)}」があります"
            f"（使えるキー: {'、'.join(sorted(allowed))}）"
        )
    missing = sorted(k for k in required if data.get(k) in (None, ""))
    if missing:
        raise CatalogError(f"{where}: 「{'、'.join(missing)}」がありません")
    return data


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogError(f"{where}: 「{key}」は空でない文字列です")
    return value.strip()


def _points(data: dict[str, Any], where: str) -> int | None:
    value = data.get("points")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CatalogError(f"{where}: 配点 points は0以上の整数か null（未確認）です: {value!r}")
    return value


def _certainty(data: dict[str, Any], where: str, *, scored: bool = True) -> tuple[bool, str]:
    """``certain`` and ``note``; a scored entry without a point value is uncertain."""
    certain = data.get("certain", True)
    if not isinstance(certain, bool):
        raise CatalogError(f"{where}: certain は true か false です")
    note = str(data.get("note") or "").strip()
    if not certain and not note:
        raise CatalogError(f"{where}: certain: false には何が未確認かを note に書いてください")
    if scored and data.get("points") is None and certain:
        raise CatalogError(f"{where}: 配点が null（未確認）なら certain: false と note が必要です")
    return certain, note


def _source(raw: Any, docs: dict[str, str], where: str) -> Source:
    if raw is None:
        raise CatalogError(f"{where}: 出典 source がありません（doc と where）")
    data = _keys(raw, _SOURCE, _SOURCE, f"{where} の source")
    doc = _text(data, "doc", f"{where} の source")
    if doc not in docs:
        known = "、".join(docs) or "なし"
        raise CatalogError(f"{where}: 出典「{doc}」は sources にありません（あるもの: {known}）")
    return Source(doc, docs[doc], _text(data, "where", f"{where} の source"))


def _docs(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict) or not raw:
        raise CatalogError("sources: 出典の文書を1つ以上書いてください")
    docs: dict[str, str] = {}
    for key, spec in raw.items():
        data = _keys(spec, _DOC, {"title"}, f"sources の「{key}」")
        docs[str(key)] = _text(data, "title", f"sources の「{key}」")
    return docs


def _where(item: Any, what: str, fallback: str) -> str:
    """An entry is named by its id when it has one, else by its place in the list."""
    iid = item.get("id") if isinstance(item, dict) else None
    return f"{what}「{iid}」" if isinstance(iid, str) and iid.strip() else fallback


def _categories(raw: Any, docs: dict[str, str]) -> dict[str, Category]:
    if not isinstance(raw, list) or not raw:
        raise CatalogError("categories: 類型を1つ以上書いてください")
    out: dict[str, Category] = {}
    for n, item in enumerate(raw, start=1):
        where = _where(item, "類型", f"categories の{n}番目")
        data = _keys(item, _CATEGORY, {"id", "name"}, where)
        cid = _text(data, "id", where)
        if cid in out:
            raise CatalogError(f"{where}: id が重複しています")
        certain, note = _certainty(data, where)
        out[cid] = Category(
            cid,
            _text(data, "name", where),
            _points(data, where),
            _source(data.get("source"), docs, where),
            certain,
            note,
        )
    return out


def _evidence(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        known = "、".join(EVIDENCE_KINDS)
        raise CatalogError(f"{where}: evidence に根拠の種類を1つ以上書いてください（{known}）")
    kinds = [str(k) for k in raw]
    unknown = [k for k in kinds if k not in EVIDENCE_KINDS]
    if unknown:
        known = "、".join(EVIDENCE_KINDS)
        raise CatalogError(
            f"{where}: 根拠の種類「{'、'.join(unknown)}」はありません（使えるもの: {known}）"
        )
    if len(set(kinds)) != len(kinds):
        raise CatalogError(f"{where}: evidence に同じ種類が2回あります")
    return tuple(kinds)


def _indicators(
    raw: Any, docs: dict[str, str], categories: dict[str, Category]
) -> tuple[Indicator, ...]:
    if not isinstance(raw, list) or not raw:
        raise CatalogError("indicators: 評価指標を1つ以上書いてください")
    out: dict[str, Indicator] = {}
    for n, item in enumerate(raw, start=1):
        where = _where(item, "評価指標", f"indicators の{n}番目")
        data = _keys(item, _INDICATOR, {"id", "category", "text"}, where)
        iid = _text(data, "id", where)
        if iid in out:
            raise CatalogError(f"{where}: id が重複しています")
        category = categories.get(str(data["category"]))
        if category is None:
            known = "、".join(categories)
            raise CatalogError(f"{where}: 類型「{data['category']}」はありません（{known}）")
        certain, note = _certainty(data, where)
        out[iid] = Indicator(
            iid,
            category,
            _text(data, "text", where),
            _points(data, where),
            _evidence(data.get("evidence"), where),
            _source(data.get("source"), docs, where),
            certain,
            note,
        )
    return tuple(out.values())


def parse_catalog(data: Any, *, version: str | None = None) -> Catalog:
    """Build a Catalog from the YAML's mapping, checking every part; raises CatalogError.

    ``version``, when given, is the file's name: the file must say the same.
    """
    top = _keys(data, _TOP, {"version", "fiscal_year", "name", "sources", "indicators"}, "全体")
    found = str(top["version"])
    if version is not None and found != version:
        raise CatalogError(f"version「{found}」がファイル名（{version}.yaml）と違います")
    year = top["fiscal_year"]
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise CatalogError(f"fiscal_year は 2000〜2100 の年度です: {year!r}")
    docs = _docs(top.get("sources"))
    categories = _categories(top.get("categories"), docs)
    indicators = _indicators(top.get("indicators"), docs, categories)
    certain, note = _certainty(
        {k: top[k] for k in ("certain", "note") if k in top}, "全体", scored=False
    )
    budget: dict[str, int] = {}
    if top.get("budget") is not None:
        raw = _keys(top["budget"], _BUDGET, {"source"}, "budget")
        _source(raw.get("source"), docs, "budget")
        for key in sorted(_BUDGET - {"source"}):
            value = raw.get(key)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise CatalogError(f"budget: {key} は0以上の整数（億円）です: {value!r}")
            if value is not None:
                budget[key] = value
    return Catalog(
        version=found,
        fiscal_year=year,
        name=_text(top, "name", "全体"),
        certain=certain,
        note=note,
        budget=budget,
        categories=tuple(categories.values()),
        indicators=indicators,
    )


def parse_text(text: str, *, version: str | None = None) -> Catalog:
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise CatalogError(f"YAML として読めません: {exc}") from exc
    return parse_catalog(data, version=version)


def available_versions(directory: Path = DATA_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.yaml"))


_cache: dict[tuple[str, Path], Catalog] = {}


def load_catalog(version: str, directory: Path = DATA_DIR) -> Catalog:
    """The indicators of ``<directory>/<version>.yaml`` (cached); raises CatalogError."""
    cached = _cache.get((version, directory))
    if cached is not None:
        return cached
    path = directory / f"{version}.yaml"
    if not version or "/" in version or not path.is_file():
        known = "、".join(available_versions(directory)) or "なし"
        raise CatalogError(f"評価指標の版「{version}」はありません（あるもの: {known}）")
    try:
        catalog = parse_text(path.read_text(encoding="utf-8"), version=version)
    except CatalogError as exc:
        raise CatalogError(f"{path.name}: {exc}") from exc
    _cache[(version, directory)] = catalog
    return catalog


def catalog_for_year(fiscal_year: int, directory: Path = DATA_DIR) -> Catalog:
    """The version in force for a fiscal year: the latest whose year is not after it (the
    earliest when every version is later). ``Catalog.fiscal_year`` tells which it was."""
    catalogs = [load_catalog(v, directory) for v in available_versions(directory)]
    if not catalogs:
        raise CatalogError("評価指標のファイルがありません")
    catalogs.sort(key=lambda c: c.fiscal_year)
    earlier = [c for c in catalogs if c.fiscal_year <= fiscal_year]
    return earlier[-1] if earlier else catalogs[0]
