"""Path converters that accept only what a page can serve.

``<id:…>`` takes 1 to 18 digits, so a 20-digit id never reaches a database integer (it is a
404, like any URL that matches no page); ``<year:…>`` and ``<month:…>`` take the years
1900–2100 and the months 1–12.
"""

from __future__ import annotations

from django.urls import register_converter


class IdConverter:
    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class YearConverter(IdConverter):
    regex = "19[0-9]{2}|20[0-9]{2}|2100"


class MonthConverter(IdConverter):
    regex = "1[0-2]|0?[1-9]"


def register() -> None:
    register_converter(IdConverter, "id")
    register_converter(YearConverter, "year")
    register_converter(MonthConverter, "month")
