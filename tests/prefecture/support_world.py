"""高知県 with a few of its real municipalities (codes and names from the country's list),
its prefecture viewer, and files of team visits: the world of the support tests."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from chiiki.accounts.models import Role, User
from chiiki.accounts.services import user_create
from chiiki.areas import codes
from chiiki.areas.models import Municipality, Prefecture
from chiiki.areas.services import municipality_create
from chiiki.core.tabular import Table, read_csv_bytes, read_xlsx_bytes

KOCHI = "39"
# 高知市, 室戸市, 安芸市, 南国市
CODES = ("392014", "392022", "392031", "392049")
TODAY = dt.date(2019, 6, 30)
PASSWORD = "pw-support-1"


@dataclass
class Kochi:
    prefecture: Prefecture
    municipalities: list[Municipality]
    viewer: User

    def by_name(self, name: str) -> Municipality:
        return next(m for m in self.municipalities if m.name == name)


def build_kochi() -> Kochi:
    name = codes.prefecture_name(KOCHI) or ""
    municipalities = []
    for code in CODES:
        entry = codes.municipality(code)
        assert entry is not None
        municipalities.append(
            municipality_create(
                code=code, name=entry.name, prefecture_code=KOCHI, prefecture_name=name
            )
        )
    prefecture = municipalities[0].prefecture
    viewer = user_create(
        username="kochi-viewer", password=PASSWORD, role=Role.PREFECTURE, prefecture=prefecture
    )
    return Kochi(prefecture, municipalities, viewer)


def csv_table(text: str, encoding: str = "utf-8") -> Table:
    return read_csv_bytes(text.encode(encoding))


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_table(rows: list[list[object]]) -> Table:
    return read_xlsx_bytes(xlsx_bytes(rows))


# Every municipality once in 平成30年度, 南国市 twice; 安芸市 once more in 令和元年度.
FULL_YEAR = (
    "訪問日,市町村コード,チーム,目的\n"
    "2018-05-10,392014,,意見交換\n"
    "平成30年6月1日,39202,,実情把握\n"
    "H30.7.3,392031,地域包括ケア総合支援チーム,\n"
    "2018/08/20,392049,,伴走支援\n"
    "2019-03-31,392049,,伴走支援\n"
    "2019-04-01,392031,,\n"
)
