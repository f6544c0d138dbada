"""A body's own questionnaire (地区アンケート) as an instrument of the survey engine: check its
YAML, naming the line and the field of every fault, and read its questions. Pure: no Django.

The YAML is the survey engine's instrument format (``surveys/instruments/*.yaml``, read by
:func:`chiiki.surveys.rules.instrument_from_dict`), with what a district questionnaire needs:

- every item is ``kind: choice`` (results are shares of each option; a number such as an
  age is asked as bands);
- an item with **two or more options** is a single-choice question (one answer);
- an item with **one option** is a mark (○) of a multiple-answer question: marked or left
  blank. The marks of one ``section`` make one question, whose text is the section's; a
  respondent answered it when they marked at least one of its marks (so a 「特にない」 mark
  belongs in it).

Item ids, aliases and printed numbers are also the column headers of the paper import; they
must not be the spellings of the respondent ID or the district (回答者ID, 地区 …).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from chiiki.surveys import rules
from chiiki.surveys.answers import META_FIELDS, header_key

EXAMPLE = Path(__file__).resolve().parent / "instruments" / "district-questionnaire-v1.yaml"
MAX_ITEMS = 100
MAX_OPTIONS = 30
MAX_TEXT = 200
ITEM_KEYS = ("id", "text", "kind", "options", "number", "aliases", "section", "domain")
TOP_KEYS = ("id", "name", "version", "source", "sections", "domains", "items")
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")


class InstrumentError(ValueError):
    """The YAML is not a questionnaire; ``errors`` says where, one message per fault."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class Question:
    """One question of the results: a single-choice item, or the marks of one section."""

    id: str
    text: str
    multiple: bool
    options: tuple[tuple[str, str], ...]  # (key, label): the code, or the mark's item id
    items: tuple[str, ...]  # the instrument items it reads

    def option_label(self, key: str) -> str:
        return dict(self.options).get(key, key)


def example_yaml() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


class _Where:
    """Line numbers of the YAML's nodes, by path ("items", 2, "options")."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root

    def line(self, *path: str | int) -> int:
        node = self.root
        found = node.start_mark.line + 1 if node is not None else 1
        for step in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                        child = value
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                child = node.value[step] if step < len(node.value) else None
            if child is None:
                break
            node = child
            found = node.start_mark.line + 1
        return found


def _parse(text: str) -> tuple[Any, _Where]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{mark.line + 1}行目 {mark.column + 1}文字目" if mark else "1行目"
        raise InstrumentError(
            [f"{where}: YAML として読めません（{exc.problem or exc.context}）"]
        ) from None
    except yaml.YAMLError as exc:
        raise InstrumentError([f"1行目: YAML として読めません（{exc}）"]) from None
    finally:
        loader.dispose()
    return data, _Where(node)


def _is_text(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _meta_keys() -> dict[str, str]:
    """Header spellings of the import's own columns (the respondent ID, the district)."""
    return {header_key(s): s for spellings in META_FIELDS.values() for s in spellings}


def _check_item(
    raw: Any,
    index: int,
    where: _Where,
    sections: dict[str, str],
    errors: list[str],
) -> None:
    line = where.line("items", index)
    label = f"items の{index + 1}番目"
    if not isinstance(raw, dict):
        errors.append(f"{line}行目 {label}: 項目は「id:」「text:」「options:」の対応表です")
        return
    item_id = raw.get("id")
    if isinstance(item_id, str):
        label += f"（id: {item_id}）"

    def err(key: str, message: str) -> None:
        at = where.line("items", index, key) if key in raw else line
        errors.append(f"{at}行目 {label}の {key}: {message}")

    for key in raw:
        if str(key) not in ITEM_KEYS:
            err(str(key), f"使えない項目名です（使えるもの: {', '.join(ITEM_KEYS)}）")
    if not isinstance(item_id, str) or not _ID.fullmatch(item_id):
        err("id", "英字で始まる40文字以内の英数字と _ で書いてください（例: trouble_shopping）")
    text = raw.get("text")
    if not _is_text(text) or not str(text).strip() or len(str(text)) > MAX_TEXT:
        err("text", f"設問の文（{MAX_TEXT}文字以内）を書いてください")
    kind = raw.get("kind", "choice")
    if kind != "choice":
        err(
            "kind",
            "地区アンケートでは kind: choice（選択肢）だけを使えます。"
            "数値は選択肢（例: 年齢階級）にしてください",
        )
    options = raw.get("options")
    if not isinstance(options, dict) or not options:
        err("options", "選択肢を「番号: 文言」の対応表で書いてください（例: {1: はい, 2: いいえ}）")
    else:
        if len(options) > MAX_OPTIONS:
            err("options", f"選択肢は{MAX_OPTIONS}個までです")
        labels: set[str] = set()
        for code, text_ in options.items():
            if not isinstance(code, int) or isinstance(code, bool) or not 0 <= code <= 99:
                err("options", f"選択肢の番号「{code}」は 0〜99 の整数にしてください")
            if not _is_text(text_) or not str(text_).strip() or len(str(text_)) > MAX_TEXT:
                err("options", f"選択肢 {code} の文言（{MAX_TEXT}文字以内）を書いてください")
            elif str(text_) in labels:
                err("options", f"選択肢の文言「{text_}」が重複しています")
            else:
                labels.add(str(text_))
    section = raw.get("section")
    if section is not None and (not isinstance(section, str) or section not in sections):
        err("section", f"section「{section}」が sections にありません")
    elif isinstance(options, dict) and len(options) == 1 and section is None:
        err(
            "section",
            "選択肢が1つの項目は複数回答の○です。どの設問の○かを section で指定してください",
        )
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(_is_text(a) for a in aliases):
        err("aliases", "列見出しの別名を [ ] の並びで書いてください（例: [困りごと_買い物]）")
    number = raw.get("number")
    if number is not None and not _is_text(number):
        err("number", '問番号は文字か数字で書いてください（例: "1"）')


def _check_headers(items: list[dict[str, Any]], where: _Where, errors: list[str]) -> None:
    """Item ids, aliases and numbers are the import's column headers: none may be the
    respondent ID's or the district's, or another item's."""
    meta = _meta_keys()
    seen: dict[str, str] = {}
    for index, raw in enumerate(items):
        if not isinstance(raw.get("id"), str):
            continue
        item_id = raw["id"]
        spellings = [("id", item_id)]
        aliases = raw.get("aliases") or []
        spellings += [("aliases", str(a)) for a in (aliases if isinstance(aliases, list) else [])]
        if raw.get("number") is not None:
            spellings += [("number", str(raw["number"])), ("number", f"問{raw['number']}")]
        for key, spelling in spellings:
            k = header_key(spelling)
            at = where.line("items", index, key)
            if k in meta:
                errors.append(
                    f"{at}行目 items の{index + 1}番目（id: {item_id}）の {key}: "
                    f"「{spelling}」は取込の列「{meta[k]}」と同じ見出しになるため使えません"
                )
            elif seen.get(k, item_id) != item_id:
                errors.append(
                    f"{at}行目 items の{index + 1}番目（id: {item_id}）の {key}: "
                    f"「{spelling}」は項目「{seen[k]}」の見出しと重なります"
                )
            else:
                seen[k] = item_id


def check(text: str) -> rules.Instrument:
    """The instrument a questionnaire's YAML describes, or :class:`InstrumentError` with
    every fault found, each naming its line and field."""
    if not text.strip():
        raise InstrumentError(["1行目: 調査票（YAML）を入力してください"])
    data, where = _parse(text)
    if not isinstance(data, dict):
        raise InstrumentError(
            ["1行目: 調査票の最上位は「id:」「name:」「version:」「items:」の対応表です"]
        )
    errors: list[str] = []
    for key in data:
        if str(key) not in TOP_KEYS:
            errors.append(
                f"{where.line(str(key))}行目 {key}: 使えない項目名です（使えるもの: {', '.join(TOP_KEYS)}）"
            )
    for key, what in (("id", "調査票のID"), ("name", "調査票の名前"), ("version", "版")):
        value = data.get(key)
        if not _is_text(value) or not str(value).strip() or len(str(value)) > MAX_TEXT:
            errors.append(f"{where.line(key)}行目 {key}: {what}を書いてください")
    raw_sections = data.get("sections") or {}
    sections: dict[str, str] = {}
    if not isinstance(raw_sections, dict):
        errors.append(f"{where.line('sections')}行目 sections: 「記号: 設問の文」の対応表です")
    else:
        for key, value in raw_sections.items():
            if not isinstance(key, str) or not _ID.fullmatch(key):
                errors.append(
                    f"{where.line('sections', str(key))}行目 sections の「{key}」: "
                    "英字で始まる英数字と _ で書いてください"
                )
            elif not _is_text(value) or not str(value).strip():
                errors.append(
                    f"{where.line('sections', key)}行目 sections の「{key}」: 設問の文を書いてください"
                )
            else:
                sections[key] = str(value)
    items = data.get("items")
    if not isinstance(items, list) or not items:
        errors.append(f"{where.line('items')}行目 items: 項目を「- id: …」の並びで書いてください")
        raise InstrumentError(errors)
    if len(items) > MAX_ITEMS:
        errors.append(f"{where.line('items')}行目 items: 項目は{MAX_ITEMS}個までです")
        raise InstrumentError(errors)
    ids: dict[str, int] = {}
    for index, raw in enumerate(items):
        _check_item(raw, index, where, sections, errors)
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            item_id = raw["id"]
            if item_id in ids:
                errors.append(
                    f"{where.line('items', index, 'id')}行目 items の{index + 1}番目の id: "
                    f"「{item_id}」は{ids[item_id] + 1}番目の項目と重複しています"
                )
            elif item_id in sections:
                errors.append(
                    f"{where.line('items', index, 'id')}行目 items の{index + 1}番目の id: "
                    f"「{item_id}」は sections の記号と同じです。別の id にしてください"
                )
            ids.setdefault(item_id, index)
    _check_headers([i if isinstance(i, dict) else {} for i in items], where, errors)
    if errors:
        raise InstrumentError(errors)
    try:
        return rules.instrument_from_dict(data)
    except (rules.RuleSetError, KeyError, TypeError, ValueError) as exc:
        raise InstrumentError([f"1行目: 調査エンジンが読めません（{exc}）"]) from None


@lru_cache(maxsize=64)
def load(text: str) -> rules.Instrument:
    """:func:`check`, kept: a results page reads its questionnaire's YAML on every view, and
    an instrument is an immutable value."""
    return check(text)


def questions(inst: rules.Instrument) -> tuple[Question, ...]:
    """The questions of the results, in the order of their first item."""
    found: list[Question] = []
    marks: dict[str, list[rules.Item]] = {}
    for item in inst.items:
        if len(item.options) == 1:
            if item.section not in marks:
                marks[item.section] = []
                found.append(Question(item.section, "", True, (), ()))  # filled below
            marks[item.section].append(item)
        else:
            found.append(
                Question(
                    item.id,
                    item.text,
                    False,
                    tuple((str(code), text) for code, text in item.options.items()),
                    (item.id,),
                )
            )
    out = []
    for q in found:
        if q.multiple:
            group = marks[q.id]
            q = Question(
                q.id,
                inst.sections.get(q.id, q.id),
                True,
                tuple((i.id, i.text) for i in group),
                tuple(i.id for i in group),
            )
        out.append(q)
    return tuple(out)


def answered(question: Question, answers: Mapping[str, Any]) -> list[str]:
    """The option keys one answer sheet chose for ``question`` (empty: not answered)."""
    if question.multiple:
        return [i for i in question.items if answers.get(i) is not None]
    code = answers.get(question.items[0])
    return [str(code)] if code is not None else []
