"""``chiiki backup`` and ``chiiki restore``: a round trip keeps every row of every model.

Transactional tests: the restore runs its own transaction (flush, inserts, sequence reset),
as it does in production, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection

from chiiki.accounts.models import AuditEvent
from chiiki.mutualaid import services as aid_services
from chiiki.mutualaid.models import PointEntry
from chiiki.people.models import Person
from chiiki.resources import demo as resources_demo
from chiiki.web import backup
from tests.conftest import make_person
from tests.mutualaid.conftest import WEEK, build_aid, new_request

pytestmark = pytest.mark.django_db(transaction=True)


def row_counts() -> dict[str, int]:
    return {
        m._meta.label_lower: m._base_manager.count()
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    }


@pytest.fixture
def filled(town, personas, client_for):
    aid = build_aid(town, personas)
    req = new_request(aid, personas["officer"])
    aid_services.proposal_change(
        user=personas["officer"], request_id=req.pk, volunteer=aid.hanako, slot=0
    )
    aid_services.proposal_confirm(user=personas["officer"], request_id=req.pk)
    aid_services.request_done(
        user=personas["officer"], request_id=req.pk, actual_minutes=30, done_on=WEEK
    )
    resources_demo.build(town.municipality, 2018)
    for district in (town.n1, town.s1):
        make_person(district)
    client = client_for(personas["officer"])
    assert client.get("/people/").status_code == 200  # a list read in the audit trail
    assert AuditEvent.objects.exists() and PointEntry.objects.exists()
    return town


def _wipe() -> None:
    call_command("flush", interactive=False, verbosity=0)


def test_a_round_trip_keeps_every_models_rows(filled, tmp_path):
    before = row_counts()
    events = list(AuditEvent.objects.order_by("pk").values_list("pk", "at", "action"))
    file = tmp_path / "chiiki.jsonl.gz"
    call_command("backup", str(file), verbosity=0)
    assert (file.stat().st_mode & 0o777) == 0o600
    header = backup.read_header(file)
    assert header["app_version"] and header["created"] and header["database"] == connection.vendor
    assert "accounts.0004_audit_lists" in header["migrations"]

    _wipe()
    assert row_counts()["people.person"] == 0
    call_command("restore", str(file), verbosity=0)

    assert row_counts() == before
    assert list(AuditEvent.objects.order_by("pk").values_list("pk", "at", "action")) == events
    # Sequences follow the restored keys, and search finds the restored rows.
    newcomer = make_person(filled.n2)
    assert newcomer.pk > max(Person.objects.exclude(pk=newcomer.pk).values_list("pk", flat=True))
    some = Person.objects.exclude(pk=newcomer.pk).first()
    assert Person.objects.filter(search_text__contains=some.search_text[:2]).exists()


def test_the_audit_trail_stays_append_only_after_a_restore(filled, tmp_path):
    file = tmp_path / "b.jsonl.gz"
    call_command("backup", str(file), verbosity=0)
    call_command("restore", str(file), "--force", verbosity=0)
    with pytest.raises(IntegrityError):
        AuditEvent.objects.update(path="/changed")


def test_a_database_with_data_is_refused_unless_forced(filled, tmp_path):
    file = tmp_path / "b.jsonl.gz"
    call_command("backup", str(file), verbosity=0)
    before = row_counts()
    make_person(filled.n1)
    with pytest.raises(CommandError, match=r"データベースが空ではありません.*--force"):
        call_command("restore", str(file), verbosity=0)
    call_command("restore", str(file), "--force", verbosity=0)
    assert row_counts() == before


def _rewrite(source: Path, target: Path, change) -> None:
    with gzip.open(source, "rt", encoding="utf-8") as stream:
        lines = stream.read().splitlines()
    header = json.loads(lines[0])
    lines = change(header, lines[1:])
    with gzip.open(target, "wt", encoding="utf-8") as out:
        out.write("\n".join([json.dumps(header), *lines]) + "\n")


def test_a_backup_of_other_migrations_is_refused_with_what_differs(filled, tmp_path):
    file, other = tmp_path / "b.jsonl.gz", tmp_path / "other.jsonl.gz"
    call_command("backup", str(file), verbosity=0)

    def future(header, rows):
        header["migrations"].remove("people.0002_values_in_range")
        header["migrations"].append("people.0003_future")
        return rows

    _rewrite(file, other, future)
    _wipe()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(other), verbosity=0)
    message = str(refused.value)
    assert "マイグレーションと一致しません" in message
    assert "people.0003_future" in message and "people.0002_values_in_range" in message
    assert row_counts()["people.person"] == 0


def test_a_cut_backup_changes_nothing_even_when_forced(filled, tmp_path):
    file, cut = tmp_path / "b.jsonl.gz", tmp_path / "cut.jsonl.gz"
    call_command("backup", str(file), verbosity=0)
    _rewrite(file, cut, lambda header, rows: rows[: len(rows) // 2])
    make_person(filled.n1)
    before = row_counts()
    with pytest.raises(CommandError, match="何も変更していません"):
        call_command("restore", str(cut), "--force", verbosity=0)
    assert row_counts() == before


@pytest.mark.parametrize(
    "content",
    [b"not gzip at all", gzip.compress(b'{"format": "x"}\n', mtime=0)],
    ids=["not-gzip", "other-format"],
)
def test_a_file_that_is_no_backup_is_refused(db, tmp_path, content):
    file = tmp_path / "x.gz"
    file.write_bytes(content)
    with pytest.raises(CommandError, match="chiiki のバックアップではありません"):
        call_command("restore", str(file), verbosity=0)
    with pytest.raises(CommandError, match="ありません"):
        call_command("restore", str(tmp_path / "missing.gz"), verbosity=0)


@pytest.mark.django_db
def test_a_backup_into_a_folder_is_named_by_its_time(town, tmp_path):
    call_command("backup", str(tmp_path), verbosity=0)
    [file] = tmp_path.glob("chiiki-*.jsonl.gz")
    assert (file.stat().st_mode & 0o777) == 0o600
    assert backup.read_header(file)["counts"]["areas.municipality"] == 1
    assert not list(tmp_path.glob("*.part"))
