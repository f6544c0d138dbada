"""Instruments and rule sets as data: load and check the YAML under ``instruments/`` and ``rulesets/``.

Pure: no Django. An *instrument* is the questionnaire (items and their printed options); a
*rule set* says which answers are risk answers (flags) and how flags combine into
determinations and scores. A rule is one of:

- ``{count: [refs], at_least: n}`` — n or more of the refs hold;
- ``{any: [refs]}`` / ``{all: [refs]}`` — shorthands for at least 1 / at least len(refs);
- ``{score: id, at_most: n}`` or ``{score: id, at_least: n}`` — a banded score's threshold.

A ref names a flag or an earlier determination. A flag is ``{answers: [codes]}`` on an item
(the flag's own id, or ``item:``), or ``{bmi_below: 18.5 | bmi_at_most: 18.5, height:, weight:}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
INSTRUMENT_DIR = HERE / "instruments"
RULESET_DIR = HERE / "rulesets"
STATUSES = ("confirmed", "provisional", "draft")


class RuleSetError(ValueError):
    """A rule set or instrument that does not make sense; the message says where."""


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    kind: str = "choice"  # choice | number
    options: dict[int, str] = field(default_factory=dict)
    number: str = ""
    aliases: tuple[str, ...] = ()
    section: str = ""
    domain: str = ""
    min: Decimal | None = None
    max: Decimal | None = None


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    version: str
    source: str
    items: tuple[Item, ...]
    sections: dict[str, str] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)


@dataclass(frozen=True)
class Flag:
    """One item-level risk answer (1 when the answer is in ``answers``) or a BMI threshold."""

    id: str
    item: str = ""
    answers: tuple[int, ...] = ()
    bmi_threshold: Decimal | None = None
    bmi_strict: bool = True  # True: BMI < threshold; False: BMI <= threshold
    height: str = ""
    weight: str = ""

    @property
    def items(self) -> tuple[str, ...]:
        return (self.height, self.weight) if self.bmi_threshold is not None else (self.item,)


@dataclass(frozen=True)
class Rule:
    refs: tuple[str, ...] = ()
    at_least: int | None = None
    at_most: int | None = None
    score: str = ""


@dataclass(frozen=True)
class Determination:
    id: str
    label: str
    rule: Rule
    domain: str = ""
    optional: bool = False


@dataclass(frozen=True)
class Band:
    min: int
    label: str


@dataclass(frozen=True)
class Score:
    id: str
    label: str
    items: tuple[str, ...]
    band_name: str = ""
    bands: tuple[Band, ...] = ()  # highest ``min`` first
    citation: str = ""

    def band_of(self, value: int) -> str:
        for band in self.bands:
            if value >= band.min:
                return band.label
        raise ValueError(value)


@dataclass(frozen=True)
class RuleSet:
    name: str
    instrument: str
    label: str
    version: str
    status: str
    source: str
    flags: dict[str, Flag]
    determinations: tuple[Determination, ...]
    scores: tuple[Score, ...] = ()
    uncertainty: str = ""

    @property
    def ref(self) -> str:
        """How every result and report names the rule set it used."""
        return f"{self.name} {self.version}（{self.status}）"

    @property
    def determination_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.determinations)

    def determination(self, det_id: str) -> Determination:
        for d in self.determinations:
            if d.id == det_id:
                return d
        raise KeyError(det_id)

    def base_items(self, ref: str) -> set[str]:
        """The instrument items a flag, determination or score finally rests on."""
        if ref in self.flags:
            return set(self.flags[ref].items)
        for score in self.scores:
            if score.id == ref:
                return set().union(*(self.base_items(r) for r in score.items))
        det = self.determination(ref)
        if det.rule.score:
            return self.base_items(det.rule.score)
        return set().union(*(self.base_items(r) for r in det.rule.refs))


def _decimal(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise RuleSetError(f"{where}: 数値ではありません: {value!r}") from None


def _item(raw: dict[str, Any]) -> Item:
    where = f"項目 {raw.get('id')!r}"
    options = {int(k): str(v) for k, v in (raw.get("options") or {}).items()}
    kind = raw.get("kind", "choice")
    if kind not in ("choice", "number"):
        raise RuleSetError(f"{where}: kind は choice か number です")
    if kind == "choice" and not options:
        raise RuleSetError(f"{where}: 選択肢がありません")
    return Item(
        id=str(raw["id"]),
        text=str(raw.get("text", "")),
        kind=kind,
        options=options,
        number=str(raw.get("number", "")),
        aliases=tuple(str(a) for a in raw.get("aliases", ())),
        section=str(raw.get("section", "")),
        domain=str(raw.get("domain", "")),
        min=_decimal(raw["min"], where) if "min" in raw else None,
        max=_decimal(raw["max"], where) if "max" in raw else None,
    )


def instrument_from_dict(data: dict[str, Any]) -> Instrument:
    items = tuple(_item(i) for i in data["items"])
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise RuleSetError("項目 id が重複しています")
    return Instrument(
        id=str(data["id"]),
        name=str(data["name"]),
        version=str(data["version"]),
        source=str(data.get("source", "")),
        items=items,
        sections=dict(data.get("sections") or {}),
        domains=dict(data.get("domains") or {}),
    )


def _rule(raw: dict[str, Any], where: str) -> Rule:
    if "count" in raw:
        refs = tuple(raw["count"])
        if "at_least" not in raw:
            raise RuleSetError(f"{where}: count には at_least が必要です")
        return Rule(refs=refs, at_least=int(raw["at_least"]))
    if "any" in raw:
        return Rule(refs=tuple(raw["any"]), at_least=1)
    if "all" in raw:
        refs = tuple(raw["all"])
        return Rule(refs=refs, at_least=len(refs))
    if "score" in raw:
        if ("at_most" in raw) == ("at_least" in raw):
            raise RuleSetError(f"{where}: score には at_most か at_least のどちらか一方が必要です")
        return Rule(
            score=str(raw["score"]),
            at_most=int(raw["at_most"]) if "at_most" in raw else None,
            at_least=int(raw["at_least"]) if "at_least" in raw else None,
        )
    raise RuleSetError(f"{where}: 規則は count / any / all / score のいずれかです")


def _flag(flag_id: str, raw: dict[str, Any]) -> Flag:
    where = f"フラグ {flag_id!r}"
    for key, strict in (("bmi_below", True), ("bmi_at_most", False)):
        if key in raw:
            return Flag(
                id=flag_id,
                bmi_threshold=_decimal(raw[key], where),
                bmi_strict=strict,
                height=str(raw.get("height", "height_cm")),
                weight=str(raw.get("weight", "weight_kg")),
            )
    if "answers" not in raw:
        raise RuleSetError(f"{where}: answers（リスク回答の番号）か bmi_below が必要です")
    return Flag(
        id=flag_id,
        item=str(raw.get("item", flag_id)),
        answers=tuple(int(a) for a in raw["answers"]),
    )


def _score(raw: dict[str, Any]) -> Score:
    bands = raw.get("bands") or {}
    cuts = sorted(
        (Band(int(c["min"]), str(c["label"])) for c in bands.get("cuts", ())), key=lambda b: -b.min
    )
    if cuts and cuts[-1].min > 0:
        raise RuleSetError(f"得点 {raw['id']!r}: 最も低い区分は 0 から始めてください")
    return Score(
        id=str(raw["id"]),
        label=str(raw.get("label", raw["id"])),
        items=tuple(raw["items"]),
        band_name=str(bands.get("name", "")),
        bands=tuple(cuts),
        citation=str(bands.get("citation", "")),
    )


def ruleset_from_dict(data: dict[str, Any], instrument: Instrument | None = None) -> RuleSet:
    """Build and check a rule set: every ref must exist, and be defined before it is used."""
    for key in ("name", "instrument", "version", "status", "determinations"):
        if key not in data:
            raise RuleSetError(f"判定ルールに {key} がありません")
    if data["status"] not in STATUSES:
        raise RuleSetError(f"status は {', '.join(STATUSES)} のいずれかです")
    flags = {str(k): _flag(str(k), v or {}) for k, v in (data.get("flags") or {}).items()}
    scores = tuple(_score(s) for s in data.get("scores") or ())
    known: set[str] = set(flags)
    for score in scores:
        for ref in score.items:
            if ref not in flags:
                raise RuleSetError(f"得点 {score.id!r}: フラグ {ref!r} が定義されていません")
    score_ids = {s.id for s in scores}
    dets: list[Determination] = []
    for raw in data["determinations"]:
        det_id = str(raw["id"])
        where = f"判定 {det_id!r}"
        rule = _rule(raw.get("rule") or {}, where)
        for ref in rule.refs:
            if ref not in known:
                raise RuleSetError(f"{where}: {ref!r} はフラグでもそれより前の判定でもありません")
        if rule.score and rule.score not in score_ids:
            raise RuleSetError(f"{where}: 得点 {rule.score!r} が定義されていません")
        if det_id in known or det_id in score_ids:
            raise RuleSetError(f"{where}: id が重複しています")
        if rule.at_least is not None and rule.refs and not 0 < rule.at_least <= len(rule.refs):
            raise RuleSetError(f"{where}: at_least は 1 から {len(rule.refs)} の間です")
        known.add(det_id)
        dets.append(
            Determination(
                det_id,
                str(raw.get("label", det_id)),
                rule,
                str(raw.get("domain", "")),
                bool(raw.get("optional", False)),
            )
        )
    if instrument is not None:
        item_ids = set(instrument.item_ids)
        for flag in flags.values():
            for item_id in flag.items:
                if item_id not in item_ids:
                    raise RuleSetError(
                        f"フラグ {flag.id!r}: 項目 {item_id!r} は調査票 {instrument.id} にありません"
                    )
            if flag.answers:
                bad = set(flag.answers) - set(instrument.item(flag.item).options)
                if bad:
                    raise RuleSetError(
                        f"フラグ {flag.id!r}: 選択肢 {sorted(bad)} は項目 {flag.item!r} にありません"
                    )
    return RuleSet(
        name=str(data["name"]),
        instrument=str(data["instrument"]),
        label=str(data.get("label", data["name"])),
        version=str(data["version"]),
        status=str(data["status"]),
        source=str(data.get("source", "")),
        uncertainty=str(data.get("uncertainty", "")),
        flags=flags,
        determinations=tuple(dets),
        scores=scores,
    )


def _yaml(text: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleSetError(f"YAML として読めません: {exc}") from None
    if not isinstance(data, dict):
        raise RuleSetError("YAML の最上位は対応表（key: value）である必要があります")
    return data


@cache
def instrument(instrument_id: str) -> Instrument:
    path = INSTRUMENT_DIR / f"{instrument_id}.yaml"
    if not path.exists():
        raise RuleSetError(f"調査票 {instrument_id!r} はありません")
    return instrument_from_dict(_yaml(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=64)
def ruleset_from_yaml(text: str) -> RuleSet:
    """The rule set a YAML text describes (kept: a page scores with a survey's own copy
    on every view, and a rule set is an immutable value)."""
    data = _yaml(text)
    return ruleset_from_dict(data, instrument(str(data.get("instrument", ""))))


@cache
def builtin_rulesets() -> dict[str, RuleSet]:
    """The rule sets shipped with chiiki, by name."""
    found = {}
    for path in sorted(RULESET_DIR.glob("*.yaml")):
        rs = ruleset_from_yaml(path.read_text(encoding="utf-8"))
        found[rs.name] = rs
    return found


def builtin_ruleset(name: str) -> RuleSet:
    try:
        return builtin_rulesets()[name]
    except KeyError:
        names = "、".join(builtin_rulesets())
        raise RuleSetError(f"判定ルール {name!r} はありません（使えるもの: {names}）") from None


KCL = "kcl_mhlw"
NEEDS_DEFAULT = "needs_default"
