"""A municipality's staff list from a file: one row per login.

Pure: no Django. :func:`parse_table` checks every row and returns the :class:`StaffRow`
records, or raises :class:`StaffFileError` with every fault at once (row, column, value,
what was expected, in Japanese). The import service checks them against the stored logins
(a login of another municipality, a volunteer's login) and writes them.

Columns: ログインID, 氏名, 役割 are required; 圏域, 所属（地域包括支援センター）, メール and
有効 are optional, and a column the file leaves out keeps what is stored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from chiiki.core.tabular import Table
from chiiki.core.text import normalize_display

MAX_ERRORS = 500  # bad cells kept to show; all of them are counted

COLUMNS: dict[str, tuple[str, ...]] = {
    "username": ("ログインID", "ユーザー名", "ログイン名", "ユーザーID"),
    "display_name": ("氏名", "表示名", "名前"),
    "role": ("役割", "権限", "ロール"),
    "life_areas": ("圏域", "担当圏域", "日常生活圏域"),
    "support_center": (
        "所属（地域包括支援センター）",
        "所属",
        "地域包括支援センター",
        "所属センター",
    ),
    "email": ("メール", "メールアドレス", "Eメール", "email"),
    "active": ("有効", "状態", "有効/無効"),
}
"""Our key -> (the header a file shows first, other headers taken for it)."""

OPTIONAL = frozenset({"life_areas", "support_center", "email", "active"})

# The roles a file may give, by code, by the label the pages show, and by the short names
# offices use. Volunteers are linked to their own person record on the staff page instead;
# prefecture viewers and outside professionals are not an administrator's to create.
ROLES: dict[str, str] = {
    "administrator": "administrator",
    "管理者": "administrator",
    "municipal": "municipal",
    "市町村職員": "municipal",
    "職員": "municipal",
    "support_center": "support_center",
    "地域包括支援センター職員": "support_center",
    "地域包括支援センター": "support_center",
    "包括": "support_center",
    "coordinator": "coordinator",
    "生活支援コーディネーター": "coordinator",
    "sc": "coordinator",
}
ROLES_EXPECTED = (
    "役割は「管理者」「市町村職員」「地域包括支援センター職員」「生活支援コーディネーター」"
    "（または administrator, municipal, support_center, coordinator）です"
)
VOLUNTEER = ("volunteer", "ボランティア")
VOLUNTEER_EXPECTED = (
    "ボランティアのログインはファイルでは作れません。職員の画面（職員のアカウント → 登録）で"
    "本人の記録と結びつけて登録してください"
)

_ACTIVE = {"有効": True, "1": True, "はい": True, "○": True, "true": True, "yes": True}
_INACTIVE = {
    "無効": False,
    "停止": False,
    "0": False,
    "いいえ": False,
    "×": False,
    "false": False,
    "no": False,
}
ACTIVE_EXPECTED = (
    "有効は「有効」か「無効」（または 1/0、○/×）です。空欄なら今の状態のまま（新しい人は有効）"
)

USERNAME = re.compile(r"[A-Za-z0-9._-]{3,40}")
USERNAME_EXPECTED = "ログインIDは半角英数字と . _ - で3〜40文字です"
# A separator between life areas: 、 or ; (full- or half-width), a comma, or a line break.
_AREA_SEPARATOR = re.compile(r"[、;,\n]")
MAX_LENGTH = {"display_name": 60, "support_center": 100, "email": 254}


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        shown = f"「{self.value}」" if self.value else "（空欄）"
        return f"{self.row}行目「{self.column}」列: {shown} — {self.expected}"


class StaffFileError(ValueError):
    """Every fault of a staff file; nothing of it is stored."""

    def __init__(self, errors: list[CellError], count: int | None = None) -> None:
        self.errors = sorted(errors, key=lambda e: e.row)[:MAX_ERRORS]
        self.count = count if count is not None else len(errors)
        text = "\n".join(str(e) for e in self.errors[:50])
        if self.count > 50:
            text += f"\nほか {self.count - 50:,} 件"
        super().__init__(text)


@dataclass(frozen=True, slots=True)
class StaffRow:
    """One row, checked. A field is None when the file has no such column (or, for
    ``active``, an empty cell): the stored value is then kept."""

    row: int
    username: str
    display_name: str
    role: str
    life_area_ids: tuple[int, ...] | None
    support_center: str | None
    email: str | None
    active: bool | None
    cells: Mapping[str, str]  # the row's cells as the file gives them, by our key


def key(text: str) -> str:
    """The form headers, roles and area names are matched in: NFKC, no spaces, lower case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def map_headers(headers: list[str]) -> dict[str, str]:
    """Our column keys -> the file's headers; raise naming every missing column."""
    folded = {key(h): h for h in headers}
    mapping: dict[str, str] = {}
    faults: list[CellError] = []
    for k, names in COLUMNS.items():
        found = next((folded[key(n)] for n in names if key(n) in folded), None)
        if found is not None:
            mapping[k] = found
        elif k not in OPTIONAL:
            others = f"（「{'」「'.join(names[1:])}」も可）"
            faults.append(CellError(1, names[0], "", f"見出し「{names[0]}」の列が必要です{others}"))
    if faults:
        raise StaffFileError(faults)
    return mapping


def parse_table(table: Table, life_areas: Mapping[str, int]) -> list[StaffRow]:
    """Check every row of a staff file; raise with every fault at once.

    ``life_areas`` maps each of the municipality's life areas, by name and by code (any
    width), to its id.
    """
    reader = _Reader(map_headers(table.headers), {key(k): v for k, v in life_areas.items()})
    for row in table:
        reader.read(row.number, {k: row.values[col].strip() for k, col in reader.mapping.items()})
    if not len(table):
        reader.bad(2, "username", "", "データの行がありません")
    if reader.errors:
        raise StaffFileError(reader.errors, reader.faults)
    return reader.rows


class _Reader:
    def __init__(self, mapping: dict[str, str], areas: dict[str, int]) -> None:
        self.mapping = mapping
        self.areas = areas
        self.errors: list[CellError] = []
        self.faults = 0
        self.logins: dict[str, int] = {}  # login id -> its first row
        self.rows: list[StaffRow] = []

    def bad(self, row: int, k: str, value: str, expected: str) -> None:
        self.faults += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(CellError(row, self.mapping.get(k, COLUMNS[k][0]), value, expected))

    def read(self, n: int, v: dict[str, str]) -> None:
        faults = self.faults
        username = self._username(n, v["username"])
        name = normalize_display(v["display_name"])
        if not name or len(name) > MAX_LENGTH["display_name"]:
            self.bad(
                n, "display_name", v["display_name"], "氏名は1〜60文字です（空欄にはできません）"
            )
        role = self._role(n, v["role"])
        areas = self._areas(n, v["life_areas"]) if "life_areas" in v else None
        center = self._text(n, v, "support_center", "所属")
        email = self._email(n, v["email"]) if "email" in v else None
        active = self._active(n, v["active"]) if "active" in v else None
        if self.faults == faults:
            assert username is not None and role is not None
            self.rows.append(StaffRow(n, username, name, role, areas, center, email, active, v))

    def _username(self, n: int, raw: str) -> str | None:
        username = unicodedata.normalize("NFKC", raw).strip()
        if not USERNAME.fullmatch(username):
            self.bad(n, "username", raw, USERNAME_EXPECTED)
            return None
        first = self.logins.setdefault(username, n)
        if first != n:
            self.bad(
                n,
                "username",
                raw,
                f"ログインID {username} は{first}行目と{n}行目の2回あります。1人1行です",
            )
            return None
        return username

    def _role(self, n: int, raw: str) -> str | None:
        folded = key(raw)
        if folded in VOLUNTEER:
            self.bad(n, "role", raw, VOLUNTEER_EXPECTED)
            return None
        role = ROLES.get(folded)
        if role is None:
            self.bad(n, "role", raw, ROLES_EXPECTED)
        return role

    def _areas(self, n: int, raw: str) -> tuple[int, ...] | None:
        names = [p.strip() for p in _AREA_SEPARATOR.split(unicodedata.normalize("NFKC", raw))]
        ids: set[int] = set()
        unknown = []
        for name in filter(None, names):
            found = self.areas.get(key(name))
            if found is None:
                unknown.append(name)
            else:
                ids.add(found)
        if unknown:
            self.bad(
                n,
                "life_areas",
                raw,
                f"圏域「{'」「'.join(unknown)}」はこの市町村にありません（登録済みの圏域の名前か"
                "コードを 、 か ; で区切って書きます）",
            )
            return None
        return tuple(sorted(ids))

    def _text(self, n: int, v: dict[str, str], k: str, label: str) -> str | None:
        if k not in v:
            return None
        text = normalize_display(v[k])
        if len(text) > MAX_LENGTH[k]:
            self.bad(n, k, v[k], f"{label}は{MAX_LENGTH[k]}文字までです")
        return text

    def _email(self, n: int, raw: str) -> str:
        # Its form is checked by the service, with the validator the login's field uses.
        email = unicodedata.normalize("NFKC", raw).strip()
        if len(email) > MAX_LENGTH["email"]:
            self.bad(n, "email", raw, f"メールアドレスは{MAX_LENGTH['email']}文字までです")
        return email

    def _active(self, n: int, raw: str) -> bool | None:
        folded = key(raw)
        if not folded:
            return None
        if folded in _ACTIVE:
            return True
        if folded in _INACTIVE:
            return False
        self.bad(n, "active", raw, ACTIVE_EXPECTED)
        return None
