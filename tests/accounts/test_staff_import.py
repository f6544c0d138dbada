"""The staff file: its engine, its service and its command.

Each row is a login of the municipality; all or nothing; the same file twice changes
nothing; a login of another municipality is refused without naming it.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiiki.accounts import services, staff_file
from chiiki.accounts.models import AuditEvent, Role, User
from chiiki.core.tabular import Table, read_table

HEADER = "ログインID,氏名,役割,圏域,所属（地域包括支援センター）,メール,有効\n"
GOOD = HEADER + (
    "hoken1,保健 一子,地域包括支援センター職員,北部、南部,萩市北部地域包括支援センター,hoken1@example.lg.jp,\n"
    "sc-minami,支援 太郎,coordinator,S,,,有効\n"
    "ＫＡＮＲＩ2,管理 二郎,管理者,,,,\n"
)


def table(text: str, name: str = "staff.csv") -> Table:
    return read_table(text.encode("utf-8-sig"), name)


def areas(town) -> dict[str, int]:
    return {"北部": town.north.pk, "南部": town.south.pk, "N": town.north.pk, "S": town.south.pk}


def user_events() -> int:
    return AuditEvent.objects.filter(model="accounts.user").count()


# --- the engine: every cell checked, with no database ------------------------------------


def test_roles_come_by_label_or_code_and_life_areas_by_name_or_code():
    rows = staff_file.parse_table(table(GOOD), {"北部": 1, "南部": 2, "N": 1, "S": 2})
    assert [(r.username, r.role, r.life_area_ids, r.active) for r in rows] == [
        ("hoken1", "support_center", (1, 2), None),
        ("sc-minami", "coordinator", (2,), True),
        ("KANRI2", "administrator", (), None),  # full-width letters folded
    ]
    assert rows[0].support_center == "萩市北部地域包括支援センター"


def test_every_role_an_administrator_may_give_by_file_is_known_by_its_label():
    staff_roles = [r for r in services.ASSIGNABLE_ROLES if r != Role.VOLUNTEER]
    assert {staff_file.ROLES[staff_file.key(Role(r).label)] for r in staff_roles} == set(
        staff_roles
    )


def test_every_bad_cell_is_named_with_its_row_column_value_and_what_was_expected():
    bad = HEADER + (
        "ok.one,正しい 人,市町村職員,,,,\n"
        "x,短い ID,市町村職員,,,,\n"  # 3: login too short
        "tanaka,田中 花子,部長,,,,\n"  # 4: no such role
        "suzuki,鈴木 一,ボランティア,,,,\n"  # 5: volunteers are linked on the page
        "sato,佐藤 二,市町村職員,北部;東部,,,\n"  # 6: no such life area
        "ok.one,重複 三,市町村職員,,,,\n"  # 7: twice in one file
        "kato,,市町村職員,,,,たぶん\n"  # 8: no name, and an unknown state
    )
    with pytest.raises(staff_file.StaffFileError) as caught:
        staff_file.parse_table(table(bad), {"北部": 1})
    found = {(e.row, e.column, e.value) for e in caught.value.errors}
    assert found == {
        (3, "ログインID", "x"),
        (4, "役割", "部長"),
        (5, "役割", "ボランティア"),
        (6, "圏域", "北部;東部"),
        (7, "ログインID", "ok.one"),
        (8, "氏名", ""),
        (8, "有効", "たぶん"),
    }
    text = str(caught.value)
    assert "6行目「圏域」列: 「北部;東部」 — 圏域「東部」はこの市町村にありません" in text
    assert "ログインID ok.one は2行目と7行目の2回あります" in text
    assert "本人の記録と結びつけて" in text


def test_a_file_without_a_required_column_is_refused_naming_it():
    with pytest.raises(staff_file.StaffFileError, match="見出し「役割」の列が必要です"):
        staff_file.parse_table(table("ログインID,氏名\nabc,山田 一\n"), {})


# --- the service -------------------------------------------------------------------------


def test_the_file_creates_logins_without_a_password_and_twice_changes_nothing(town, personas):
    admin = personas["admin"]
    first = services.staff_import(municipality=town.municipality, table=table(GOOD), actor=admin)
    assert first.as_json() == {"created": 3, "updated": 0, "unchanged": 0, "deactivated": 0}
    nurse = User.objects.get(username="hoken1")
    assert (nurse.role, nurse.municipality_id, nurse.email) == (
        Role.SUPPORT_CENTER,
        town.municipality.pk,
        "hoken1@example.lg.jp",
    )
    assert {la.name for la in nurse.life_areas.all()} == {"北部", "南部"}
    assert not nurse.has_usable_password() and not nurse.is_staff
    created = AuditEvent.objects.filter(model="accounts.user", action="create")
    assert created.count() == 3 and {e.username for e in created} == {"admin"}

    events = user_events()
    again = services.staff_import(municipality=town.municipality, table=table(GOOD), actor=admin)
    assert again.as_json() == {"created": 0, "updated": 0, "unchanged": 3, "deactivated": 0}
    assert user_events() == events


def test_a_login_of_another_municipality_is_refused_without_naming_it(town, personas):
    text = HEADER + (
        "fresh,新人 一,市町村職員,,,,\n"
        "outsider,他市 二,市町村職員,,,,\n"  # the login of 国東市's nurse
        "pref,県 三,市町村職員,,,,\n"  # a prefecture viewer's
        "mail,郵便 四,市町村職員,,,not-an-address,\n"
    )
    with pytest.raises(staff_file.StaffFileError) as caught:
        services.staff_import(
            municipality=town.municipality, table=table(text), actor=personas["admin"]
        )
    assert {(e.row, e.column) for e in caught.value.errors} == {
        (3, "ログインID"),
        (4, "ログインID"),
        (5, "メール"),
    }
    assert "ログインID outsider は既に使われています" in str(caught.value)
    assert "国東" not in str(caught.value) and "大分" not in str(caught.value)
    assert not User.objects.filter(username__in=["fresh", "mail"]).exists()
    assert User.objects.get(username="outsider").display_name == ""


def test_a_file_deactivates_and_reactivates_and_never_deletes(town, personas):
    admin = personas["admin"]
    off = table(HEADER + "officer,職員 一,市町村職員,,,,無効\nnurse,看護 二,包括,北部,,,\n")
    result = services.staff_import(municipality=town.municipality, table=off, actor=admin)
    assert result.as_json() == {"created": 0, "updated": 1, "unchanged": 0, "deactivated": 1}
    assert not User.objects.get(username="officer").is_active
    on = table(HEADER + "officer,職員 一,市町村職員,,,,有効\n")
    result = services.staff_import(municipality=town.municipality, table=on, actor=admin)
    assert result.as_json() == {"created": 0, "updated": 1, "unchanged": 0, "deactivated": 0}
    assert User.objects.get(username="officer").is_active
    changes = AuditEvent.objects.filter(
        model="accounts.user", object_id=personas["officer"].pk
    ).values_list("changes", flat=True)
    assert [c["is_active"] for c in changes] == [[False, True], [True, False]]  # newest first
    assert all(set(c) <= {"is_active", "display_name"} for c in changes)


def test_an_administrator_cannot_stop_themselves_nor_import_into_another_municipality(
    town, personas, other_town
):
    admin = personas["admin"]
    self_stop = table(HEADER + "admin,管理 一,市町村職員,,,,×\n")
    with pytest.raises(staff_file.StaffFileError) as caught:
        services.staff_import(municipality=town.municipality, table=self_stop, actor=admin)
    assert {(e.column, e.value) for e in caught.value.errors} == {
        ("役割", "市町村職員"),
        ("有効", "×"),
    }
    with pytest.raises(services.access.PermissionDenied):
        services.staff_import(municipality=other_town, table=table(GOOD), actor=admin)
    with pytest.raises(services.access.PermissionDenied):
        services.staff_import(
            municipality=town.municipality, table=table(GOOD), actor=personas["officer"]
        )
    assert not User.objects.filter(username="hoken1").exists()


# --- the command -------------------------------------------------------------------------


def test_the_command_prints_the_initial_passwords_once_and_stores_only_their_hashes(
    town, personas, tmp_path, capsys
):
    path = tmp_path / "職員.csv"
    path.write_bytes(GOOD.encode("cp932"))
    call_command("staff", "import", str(path), "--municipality", "352047", "--format", "json")
    out = json.loads(capsys.readouterr().out)
    passwords = out.pop("initial_passwords")
    assert out == {"created": 3, "updated": 0, "unchanged": 0, "deactivated": 0}
    assert set(passwords) == {"hoken1", "sc-minami", "KANRI2"}
    for login, password in passwords.items():
        user = User.objects.get(username=login)
        assert user.check_password(password) and password not in user.password
    assert AuditEvent.objects.filter(model="accounts.user", channel="cli").count() == 3

    call_command("staff", "import", str(path), "--municipality", "352047")
    out_text = capsys.readouterr().out
    assert "変更なし 3" in out_text and "初期パスワード" not in out_text


def test_the_command_names_the_bad_cells_and_stores_nothing(town, personas, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "hoken1,保健 一子,看護師,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="2行目「役割」列: 「看護師」"):
        call_command("staff", "import", str(path), "--municipality", "352047")
    assert not User.objects.filter(username="hoken1").exists()


def test_the_command_writes_the_passwords_to_a_file_only_its_owner_reads(town, personas, tmp_path):
    source, out = tmp_path / "staff.csv", tmp_path / "passwords.txt"
    source.write_text(GOOD, encoding="utf-8")
    out.write_text("")
    out.chmod(0o644)
    call_command("staff", "import", str(source), "--municipality", "352047", "-o", str(out))
    assert out.stat().st_mode & 0o777 == 0o600
    login, password = out.read_text(encoding="utf-8").splitlines()[-1].split("\t")
    assert User.objects.get(username=login).check_password(password)
