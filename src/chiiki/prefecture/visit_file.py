"""The support team's visits from a spreadsheet: one row per visit (埼玉県's 総合支援チーム:
「派遣に当たり、全63市町村を職員が訪問」).

Pure: no Django. :func:`read` checks every cell and returns the visits, or raises
:class:`VisitFileError` with every fault of the file at once (row, column, value, what was
expected, in Japanese). The import service writes nothing unless the whole file passes.

The columns (a header may be written in full-width characters; the names in brackets are
accepted too):

    訪問日 [日付, 年月日]         ISO (2018-05-10, 2018/5/10) or wareki (平成30年5月10日, H30.5.10)
    市町村コード [地方公共団体コード, 団体コード]
                                 six digits with the check digit (352047) or the five without
                                 it (35204); a municipality of the prefecture
    チーム [支援チーム, チーム名]  optional; empty is 地域包括ケア総合支援チーム
    目的 [目的・内容, 内容]       optional
    市町村名 [市町村]             optional and only for the reader (the code decides)

A visit is one municipality, one day, one team: the same visit twice in a file is refused,
and a visit already stored is left as it is (so the same file twice changes nothing).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from chiiki.areas import codes
from chiiki.core import municipality_code, wareki
from chiiki.core.bounds import DATE
from chiiki.core.sheet import Fault, Faults, FileFaults
from chiiki.core.sheet import header_map as _header_map
from chiiki.core.tabular import Table

DEFAULT_TEAM = "地域包括ケア総合支援チーム"
TEAM_LENGTH = 80
PURPOSE_LENGTH = 200

REQUIRED = ("訪問日", "市町村コード")
OPTIONAL = ("チーム", "目的", "市町村名")

ALIASES: Mapping[str, str] = {
    "訪問日": "訪問日",
    "日付": "訪問日",
    "年月日": "訪問日",
    "市町村コード": "市町村コード",
    "地方公共団体コード": "市町村コード",
    "団体コード": "市町村コード",
    "チーム": "チーム",
    "支援チーム": "チーム",
    "チーム名": "チーム",
    "目的": "目的",
    "目的・内容": "目的",
    "内容": "目的",
    "市町村名": "市町村名",
    "市町村": "市町村名",
}

_DIGITS = re.compile(r"[0-9]+")
# A date cell of a workbook reads as 「2018-05-10 00:00:00」.
_MIDNIGHT = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]00:00:00")


class VisitFileError(FileFaults):
    """Every fault of the file; nothing of it is stored."""


@dataclass(frozen=True, slots=True)
class Visit:
    """One checked visit: the municipality by its six-digit code."""

    row: int
    day: dt.date
    code: str
    team: str
    purpose: str

    @property
    def key(self) -> tuple[str, dt.date, str]:
        return (self.code, self.day, self.team)


def fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _with_check_digit(five: str) -> str:
    return five + str(municipality_code.check_digit(five))


def _candidates(digits: str, prefecture_code: str) -> list[str]:
    """The six-digit codes a cell may mean. A workbook's number cell loses the leading zero
    of 北海道 (01) to 09's codes, so for those prefectures a shorter cell is padded too."""
    found: list[str] = []
    if len(digits) == 6:
        found.append(digits)
    elif len(digits) == 5:
        found.append(_with_check_digit(digits))
        if prefecture_code.startswith("0"):
            found.append("0" + digits)
    elif len(digits) == 4 and prefecture_code.startswith("0"):
        found.append(_with_check_digit("0" + digits))
    return found


def parse_code(raw: str, prefecture_code: str, known: Mapping[str, str]) -> str:
    """The six-digit code of a municipality of the prefecture, or ValueError in Japanese.

    ``known`` holds the prefecture's municipalities registered in chiiki (code → name)."""
    text = fold(raw)
    if not text:
        raise ValueError("市町村コードを入れてください（6桁の検査数字つき、または5桁）")
    if not _DIGITS.fullmatch(text) or not _candidates(text, prefecture_code):
        raise ValueError(
            "市町村コードは6桁（検査数字つき）か5桁（検査数字なし）の数字です"
            "（例: 熊本市 431001 または 43100）"
        )
    candidates = _candidates(text, prefecture_code)
    for code in candidates:
        if code in known:
            return code
    code = candidates[0]
    if len(text) == 6:
        try:
            municipality_code.validate(code)
        except municipality_code.MunicipalityCodeError as exc:
            raise ValueError(str(exc)) from exc
    home = codes.prefecture_name(prefecture_code) or f"都道府県コード{prefecture_code}"
    if code[:2] != prefecture_code:
        other = codes.prefecture_name(code[:2])
        where = f"{other}の" if other else f"都道府県コード「{code[:2]}」の"
        entry = codes.municipality(code)
        named = f"（{entry.name}）" if entry else ""
        raise ValueError(f"{where}市町村コード{named}です。{home}の市町村のコードを入れてください")
    entry = codes.municipality(code)
    if entry is None:
        raise ValueError(f"{code} は全国地方公共団体コードにない市町村コードです")
    raise ValueError(
        f"{entry.name}（{code}）はまだ登録されていません。先に市町村を登録してください"
    )


def parse_day(raw: str, today: dt.date) -> dt.date:
    """A visit's day: ISO or wareki, a day that exists, not after today."""
    text = raw.strip()
    if match := _MIDNIGHT.fullmatch(text):
        text = match.group(1)
    if not fold(text):
        raise ValueError("訪問日を入れてください（例: 2018-05-10、平成30年5月10日）")
    try:
        day = wareki.parse_date(text)
    except wareki.WarekiError as exc:
        raise ValueError(f"日付として読めないか、存在しない日です: {exc}") from exc
    DATE.check(day, "訪問日")
    if day > today:
        raise ValueError(
            f"未来の日付です（今日は {today.isoformat()}）。行った訪問だけを記録してください"
        )
    return day


def no_control(text: str, label: str) -> str:
    """``text`` without control characters (which no worksheet cell can hold), else
    ValueError: one stored would take every XLSX download of it down."""
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise ValueError(f"{label}に制御文字は使えません")
    return text


def parse_team(raw: str) -> str:
    team = unicodedata.normalize("NFKC", raw or "").strip() or DEFAULT_TEAM
    if len(team) > TEAM_LENGTH:
        raise ValueError(f"チーム名は{TEAM_LENGTH}文字以内です（{len(team)}文字）")
    return no_control(team, "チーム名")


def parse_purpose(raw: str) -> str:
    purpose = (raw or "").strip()
    if len(purpose) > PURPOSE_LENGTH:
        raise ValueError(f"目的は{PURPOSE_LENGTH}文字以内です（{len(purpose)}文字）")
    return no_control(purpose, "目的")


@dataclass
class _Reading(Faults):
    visits: list[Visit] = field(default_factory=list)


def header_map(headers: list[str]) -> tuple[dict[str, str], list[Fault]]:
    """The file's headers by the column each one is, and the faults of the header row."""
    return _header_map(headers, ALIASES, REQUIRED, OPTIONAL)


def _read_row(
    number: int,
    cells: Mapping[str, str],
    reading: _Reading,
    context: tuple[str, Mapping[str, str], dt.date],
) -> Visit | None:
    prefecture_code, known, today = context
    parsed: dict[str, object] = {}
    checks = (
        ("訪問日", lambda raw: parse_day(raw, today)),
        ("市町村コード", lambda raw: parse_code(raw, prefecture_code, known)),
        ("チーム", parse_team),
        ("目的", parse_purpose),
    )
    for column, check in checks:
        raw = cells.get(column, "")
        try:
            parsed[column] = check(raw)
        except ValueError as exc:
            reading.bad(number, column, raw, str(exc))
    if len(parsed) < len(checks):
        return None
    day, code, team, purpose = (parsed[c] for c, _ in checks)
    assert isinstance(day, dt.date) and isinstance(code, str)
    return Visit(number, day, code, str(team), str(purpose))


def read(
    table: Table, *, prefecture_code: str, known: Mapping[str, str], today: dt.date
) -> list[Visit]:
    """The checked visits of ``table``, or VisitFileError with every fault.

    ``prefecture_code`` is the prefecture's two digits; ``known`` its municipalities
    registered in chiiki (code → name); ``today`` the last day a visit may have."""
    mapping, header_faults = header_map(table.headers)
    if header_faults:
        raise VisitFileError(header_faults)
    reading = _Reading()
    first_row: dict[tuple[str, dt.date, str], int] = {}
    for row in table:
        cells = {mapping[h]: v for h, v in row.values.items() if h in mapping}
        if not any(fold(v) for v in cells.values()):
            continue  # a blank line
        visit = _read_row(row.number, cells, reading, (prefecture_code, known, today))
        if visit is None:
            continue
        if visit.key in first_row:
            reading.bad(
                row.number,
                "訪問日",
                cells.get("訪問日", ""),
                f"{first_row[visit.key]}行目と同じ訪問（同じ市町村・日・チーム）です。1訪問は1行",
            )
            continue
        first_row[visit.key] = row.number
        reading.visits.append(visit)
    if reading.count:
        raise VisitFileError(reading.faults, reading.count)
    if not reading.visits:
        raise VisitFileError([Fault(2, "訪問日", "", "データの行がありません")])
    return reading.visits
