"""The parameter door: query and form values parsed in one typed place.

A value that does not parse, or lies outside its range, raises :class:`ParamError`, whose
message says in Japanese which parameter, what was given and what is expected; the web
shell answers it with a 400 page and the API with a 400 problem, never a 500. An empty
value is the default. Dates are kept between 1900 and 2100, ids within what a database
integer holds, so that no value that passes here can break a query or a page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from annotated_types import Ge, Le
from pydantic import BeforeValidator, StringConstraints, WithJsonSchema

MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
MIN_YEAR, MAX_YEAR = MIN_DATE.year, MAX_DATE.year
MAX_ID = 2**63 - 1
MAX_PAGE = 100_000
MAX_TEXT = 200

_WIDE = str.maketrans("０１２３４５６７８９－ー−", "0123456789---")
_INTEGER = re.compile(r"-?[0-9]{1,19}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"", "0", "false", "off", "no"}


class ParamError(ValueError):
    """A query or form value that is not what its parameter expects."""

    def __init__(self, name: str, value: object, expected: str) -> None:
        self.name, self.value, self.expected = name, value, expected
        shown = str(value)
        shown = shown if len(shown) <= 40 else shown[:40] + "…"
        super().__init__(f"パラメータ「{name}」の値「{shown}」は使えません: {expected}")


def parse_int(raw: str, *, name: str, minimum: int, maximum: int) -> int:
    text = raw.strip().translate(_WIDE)
    expected = f"{minimum}〜{maximum} の整数を指定してください"
    if not _INTEGER.fullmatch(text):
        raise ParamError(name, raw, expected)
    value = int(text)
    if not minimum <= value <= maximum:
        raise ParamError(name, raw, expected)
    return value


def parse_date(
    raw: str, *, name: str, minimum: dt.date = MIN_DATE, maximum: dt.date = MAX_DATE
) -> dt.date:
    expected = (
        f"{minimum.isoformat()}〜{maximum.isoformat()} の日付を YYYY-MM-DD で指定してください"
    )
    text = raw.strip().translate(_WIDE).replace("/", "-")
    try:
        value = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        value = None
    if value is None or not minimum <= value <= maximum:
        raise ParamError(name, raw, expected)
    return value


def parse_month(raw: str, *, name: str) -> tuple[int, int]:
    expected = f"{MIN_YEAR}-01〜{MAX_YEAR}-12 の年月を YYYY-MM で指定してください"
    found = _MONTH.fullmatch(raw.strip().translate(_WIDE).replace("/", "-"))
    if found is None:
        raise ParamError(name, raw, expected)
    year, month = int(found.group(1)), int(found.group(2))
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        raise ParamError(name, raw, expected)
    return year, month


def check_year_month(year: int, month: int, *, name: str = "年月") -> tuple[int, int]:
    """For years and months taken from a URL path."""
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        raise ParamError(name, f"{year}-{month}", f"{MIN_YEAR}年〜{MAX_YEAR}年の1〜12月です")
    return year, month


class Params:
    """Typed access to a request's query (or form) values: ``Params(request.GET).id("district")``."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data

    def raw(self, name: str) -> str:
        value = self.data.get(name, "")
        return value if isinstance(value, str) else ""

    def given(self, name: str) -> bool:
        return self.raw(name).strip() != ""

    def text(self, name: str, *, max_length: int = MAX_TEXT) -> str:
        value = self.raw(name).strip()
        if len(value) > max_length or "\x00" in value:
            raise ParamError(name, value, f"{max_length}文字以内の文字列を指定してください")
        return value

    def number(
        self, name: str, *, minimum: int, maximum: int, default: int | None = None
    ) -> int | None:
        raw = self.raw(name)
        if not raw.strip():
            return default
        return parse_int(raw, name=name, minimum=minimum, maximum=maximum)

    def id(self, name: str) -> int | None:
        """A record's id (1 or more), or None when the parameter is empty."""
        return self.number(name, minimum=1, maximum=MAX_ID)

    def page(self, name: str = "page") -> int:
        return self.number(name, minimum=1, maximum=MAX_PAGE, default=1) or 1

    def year(self, name: str, *, default: int | None = None) -> int | None:
        return self.number(name, minimum=MIN_YEAR, maximum=MAX_YEAR, default=default)

    def date(
        self,
        name: str,
        *,
        default: dt.date | None = None,
        minimum: dt.date = MIN_DATE,
        maximum: dt.date = MAX_DATE,
    ) -> dt.date | None:
        raw = self.raw(name)
        if not raw.strip():
            return default
        return parse_date(raw, name=name, minimum=minimum, maximum=maximum)

    def month(self, name: str) -> tuple[int, int] | None:
        raw = self.raw(name)
        return parse_month(raw, name=name) if raw.strip() else None

    def choice(self, name: str, choices: Iterable[str], *, default: str = "") -> str:
        value = self.raw(name).strip()
        if not value:
            return default
        allowed = list(choices)
        if value not in allowed:
            shown = "、".join(allowed[:12]) + ("…" if len(allowed) > 12 else "")
            raise ParamError(name, value, f"次のいずれかを指定してください: {shown}")
        return value

    def flag(self, name: str) -> bool:
        value = self.raw(name).strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ParamError(name, value, "1 か 0 を指定してください")


# The same bounds for the JSON API's typed parameters (pydantic reads these constraints, and
# the OpenAPI document shows them): a value outside them is refused before a query runs.
ApiId = Annotated[int, Ge(1), Le(MAX_ID)]
ApiText = Annotated[str, StringConstraints(max_length=MAX_TEXT, pattern=r"^[^\x00]*$")]
ApiPage = Annotated[int, Ge(1), Le(MAX_PAGE)]
ApiPageSize = Annotated[int, Ge(1), Le(500)]
ApiYear = Annotated[int, Ge(MIN_YEAR), Le(MAX_YEAR)]
# A day of 1900-01-01 … 2100-12-31 written YYYY-MM-DD, exactly as the pattern the document
# shows says (month lengths and leap years included): pydantic alone would also take a
# timestamp ("0" is 1970-01-01) and a day out of range that the document cannot show.
_LEAP = r"(19(0[48]|[2468][048]|[13579][26])|20(0[048]|[2468][048]|[13579][26]))-02-29"
DATE_PATTERN = (
    r"^((19[0-9]{2}|20[0-9]{2}|2100)-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
    r"|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)|" + _LEAP + r")$"
)
MONTH_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_DATE_RE = re.compile(DATE_PATTERN)


def _iso_day(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        raise ValueError(
            f"{MIN_DATE.isoformat()}〜{MAX_DATE.isoformat()} の日付を YYYY-MM-DD で指定してください"
        )
    return value


ApiDate = Annotated[
    dt.date,
    BeforeValidator(_iso_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]
# YYYY-MM (or empty where the parameter may be left out), and HH:MM.
ApiMonth = Annotated[str, StringConstraints(pattern=MONTH_PATTERN)]
ApiMonthOrEmpty = Annotated[str, StringConstraints(pattern=r"^(|" + MONTH_PATTERN[1:-1] + r")$")]
ApiTimeOrEmpty = Annotated[str, StringConstraints(pattern=r"^(|" + TIME_PATTERN[1:-1] + r")$")]


# A slug (a tag's code): one the register does not know is a 404 (there is no such tag).
ApiSlug = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]{0,40}$")]


def listed(values: Iterable[Any], *, blank: bool = True) -> WithJsonSchema:
    """The document of a parameter that takes one of ``values`` (an ``enum``; with
    ``blank``, also empty: left out). The route still checks the value, so one outside
    the list is a 400 naming it: ``Annotated[str, listed(Status.values)]``."""
    shown = ([""] if blank else []) + list(values)
    kind = "integer" if shown and all(isinstance(v, int) for v in shown) else "string"
    return WithJsonSchema({"type": kind, "enum": shown})
