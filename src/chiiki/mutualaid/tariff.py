"""Tariffs of mutual-aid services: fees for small jobs, read from versioned YAML.

A tariff has duration brackets (the fee of the first bracket long enough for the job),
per-task surcharges with their own brackets (fuel for mowing and tilling in ちょい加勢),
an optional cap on the total and a maximum duration. It also carries the service's task
list, the tools a task needs and the volunteer points rule, so that another service is
another YAML file, not code. Pure: no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chiiki.core import bounds

TARIFF_DIR = Path(__file__).resolve().parent / "tariffs"


class TariffError(ValueError):
    """A quote that cannot be given (bad duration, unknown task) or a malformed tariff."""


@dataclass(frozen=True)
class Bracket:
    up_to: int
    fee: int
    label: str


@dataclass(frozen=True)
class Surcharge:
    key: str
    label: str
    tasks: frozenset[str]
    brackets: tuple[Bracket, ...]


@dataclass(frozen=True)
class Task:
    key: str
    label: str
    tools: tuple[str, ...] = ()


@dataclass(frozen=True)
class PointsRule:
    """``points`` for every ``per_minutes`` of work (rounded up or down); expiry in months."""

    per_minutes: int = 30
    points: int = 1
    rounding: str = "up"
    expiry_months: int = 24

    def points_for(self, minutes: int) -> int:
        if minutes <= 0:
            return 0
        units = minutes / self.per_minutes
        return self.points * (math.ceil(units) if self.rounding == "up" else math.floor(units))


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    amount: int


@dataclass(frozen=True)
class Quote:
    tariff: str
    task: str
    task_label: str
    minutes: int
    fee: int
    parts: tuple[Part, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "tariff": self.tariff,
            "task": self.task,
            "task_label": self.task_label,
            "minutes": self.minutes,
            "fee": self.fee,
            "currency": "JPY",
            "parts": [{"key": p.key, "label": p.label, "amount": p.amount} for p in self.parts],
        }


@dataclass(frozen=True)
class Tariff:
    key: str
    name: str
    version: int
    max_minutes: int
    brackets: tuple[Bracket, ...]
    surcharges: tuple[Surcharge, ...]
    tasks: dict[str, Task]
    tools: dict[str, str] = field(default_factory=dict)
    cap: int | None = None
    points: PointsRule = PointsRule()
    source: str = ""

    def task_choices(self) -> list[tuple[str, str]]:
        return [(t.key, t.label) for t in self.tasks.values()]

    def task_label(self, key: str) -> str:
        task = self.tasks.get(key)
        return task.label if task else key

    def tool_label(self, key: str) -> str:
        return self.tools.get(key, key)

    @property
    def surcharge_notes(self) -> list[tuple[str, str]]:
        """(surcharge, the tasks it applies to in the tariff's order), for display."""
        return [
            (s.label, "・".join(t.label for t in self.tasks.values() if t.key in s.tasks))
            for s in self.surcharges
        ]


def _bracket_for(brackets: tuple[Bracket, ...], minutes: int) -> Bracket | None:
    for bracket in brackets:
        if minutes <= bracket.up_to:
            return bracket
    return None


def quote(tariff: Tariff, task: str, minutes: int) -> Quote:
    """The fee for one job, with its parts. Raises TariffError with the reason in Japanese.

    1. Refuse zero or negative minutes, minutes beyond the maximum and unknown tasks.
    2. Base fee: the first duration bracket whose ``up_to`` covers the minutes.
    3. Each surcharge that applies to the task adds its own bracket's fee.
    4. A cap, when set, limits the total (shown as a negative part).
    """
    if task not in tariff.tasks:
        known = "、".join(f"{t.key}（{t.label}）" for t in tariff.tasks.values())
        raise TariffError(
            f"作業「{task}」は料金表「{tariff.name}」にありません。指定できる作業: {known}"
        )
    if minutes <= 0:
        raise TariffError(f"作業時間は1分以上で指定してください（指定: {minutes}分）")
    if minutes > tariff.max_minutes:
        raise TariffError(
            f"作業時間 {minutes}分 は「{tariff.name}」の上限 {tariff.max_minutes}分 を超えています。"
            "上限を超える作業は受けられません（作業を分けるか、別のサービスを案内してください）"
        )
    base = _bracket_for(tariff.brackets, minutes)
    if base is None:  # a malformed tariff: brackets stop short of max_minutes
        raise TariffError(f"料金表「{tariff.name}」に {minutes}分 の料金区分がありません")
    parts = [Part("base", f"基本料金（{base.label}）", base.fee)]
    for surcharge in tariff.surcharges:
        if task in surcharge.tasks:
            bracket = _bracket_for(surcharge.brackets, minutes)
            if bracket is not None:
                parts.append(
                    Part(surcharge.key, f"{surcharge.label}（{bracket.label}）", bracket.fee)
                )
    total = sum(p.amount for p in parts)
    if tariff.cap is not None and total > tariff.cap:
        parts.append(Part("cap", f"上限額 {tariff.cap}円 による減額", tariff.cap - total))
        total = tariff.cap
    if total not in bounds.YEN:
        raise TariffError(
            f"料金表「{tariff.name}」: {minutes}分 の利用料 {total:,}円 は{bounds.YEN.expected()}ではありません"
        )
    return Quote(tariff.key, task, tariff.tasks[task].label, minutes, total, tuple(parts))


def _brackets(raw: Any, where: str) -> tuple[Bracket, ...]:
    if not isinstance(raw, list) or not raw:
        raise TariffError(f"{where}: brackets に1つ以上の区分が必要です")
    out: list[Bracket] = []
    for i, item in enumerate(raw, start=1):
        try:
            up_to, fee = int(item["up_to"]), int(item["fee"])
        except (KeyError, TypeError, ValueError) as exc:
            raise TariffError(f"{where}: {i}番目の区分に整数の up_to と fee が必要です") from exc
        if up_to <= 0 or fee < 0 or (out and up_to <= out[-1].up_to):
            raise TariffError(
                f"{where}: {i}番目の区分は up_to が正で昇順、fee が0以上である必要があります"
            )
        if fee not in bounds.YEN:
            raise TariffError(f"{where}: {i}番目の区分の fee は{bounds.YEN.expected()}です")
        out.append(Bracket(up_to, fee, str(item.get("label") or f"{up_to}分以内")))
    return tuple(out)


def parse_tariff(data: dict[str, Any]) -> Tariff:
    """Build a Tariff from the YAML mapping, checking it; raises TariffError."""
    try:
        key, name, max_minutes = str(data["key"]), str(data["name"]), int(data["max_minutes"])
    except (KeyError, TypeError, ValueError) as exc:
        raise TariffError("料金表には key、name、max_minutes（整数）が必要です") from exc
    if max_minutes not in bounds.MINUTES:
        raise TariffError(
            f"料金表「{name}」: max_minutes は{bounds.MINUTES.expected()}です（1件の作業は1日まで）"
        )
    brackets = _brackets(data.get("brackets"), f"料金表「{name}」")
    if brackets[-1].up_to < max_minutes:
        raise TariffError(
            f"料金表「{name}」: 最後の区分（{brackets[-1].up_to}分）が上限 {max_minutes}分 に届きません"
        )
    tools = {str(k): str(v) for k, v in (data.get("tools") or {}).items()}
    tasks: dict[str, Task] = {}
    for task_key, spec in (data.get("tasks") or {}).items():
        spec = spec or {}
        needed = tuple(str(t) for t in spec.get("tools") or ())
        unknown = [t for t in needed if t not in tools]
        if unknown:
            raise TariffError(
                f"料金表「{name}」: 作業 {task_key} の道具 {', '.join(unknown)} が tools にありません"
            )
        tasks[str(task_key)] = Task(str(task_key), str(spec.get("label") or task_key), needed)
    if not tasks:
        raise TariffError(f"料金表「{name}」: tasks が空です")
    surcharges: list[Surcharge] = []
    for s in data.get("surcharges") or []:
        where = f"料金表「{name}」の加算 {s.get('key')}"
        applies = frozenset(str(t) for t in s.get("tasks") or ())
        if not applies <= set(tasks):
            raise TariffError(
                f"{where}: 作業 {', '.join(sorted(applies - set(tasks)))} が tasks にありません"
            )
        surcharges.append(
            Surcharge(
                str(s["key"]),
                str(s.get("label") or s["key"]),
                applies,
                _brackets(s.get("brackets"), where),
            )
        )
    try:
        cap = None if data.get("cap") is None else int(data["cap"])
    except (TypeError, ValueError):
        cap = -1
    if cap is not None and cap not in bounds.YEN:
        raise TariffError(f"料金表「{name}」: cap は{bounds.YEN.expected()}です")
    points = data.get("points") or {}
    rule = PointsRule(
        per_minutes=int(points.get("per_minutes", 30)),
        points=int(points.get("points", 1)),
        rounding=str(points.get("rounding", "up")),
        expiry_months=int(points.get("expiry_months", 24)),
    )
    if rule.per_minutes <= 0 or rule.points < 0 or rule.rounding not in {"up", "down"}:
        raise TariffError(
            f"料金表「{name}」: points の per_minutes は正、rounding は up か down です"
        )
    return Tariff(
        key=key,
        name=name,
        version=int(data.get("version", 1)),
        max_minutes=max_minutes,
        brackets=brackets,
        surcharges=tuple(surcharges),
        tasks=tasks,
        tools=tools,
        cap=cap,
        points=rule,
        source=str(data.get("source") or ""),
    )


def available_tariffs(directory: Path = TARIFF_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.yaml"))


_cache: dict[tuple[str, Path], Tariff] = {}


def load_tariff(key: str, directory: Path = TARIFF_DIR) -> Tariff:
    """The tariff in ``<directory>/<key>.yaml`` (cached); raises TariffError if unknown."""
    cached = _cache.get((key, directory))
    if cached is not None:
        return cached
    path = directory / f"{key}.yaml"
    if not key or "/" in key or not path.is_file():
        raise TariffError(
            f"料金表「{key}」はありません。使える料金表: {', '.join(available_tariffs(directory)) or 'なし'}"
        )
    tariff = parse_tariff(yaml.safe_load(path.read_text(encoding="utf-8")))
    _cache[(key, directory)] = tariff
    return tariff
