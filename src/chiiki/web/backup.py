"""Backup and restore of the whole database, whatever its engine.

A backup is gzip-compressed JSON lines: a header line (the format, the app version, the
time, the database engine, the applied migrations and each model's row count), then every
row of every model in Django's serialised form (the ``jsonl`` serializer), parents before
children. A restore goes into a migrated database with the same migrations only, empty
unless ``force``, in one transaction: the tables are flushed (the audit trail's delete
guard lifted for the flush alone, as ``chiiki demo --reset`` does), the rows inserted as
they were (primary keys and timestamps kept; inserts pass the append-only triggers), the
sequences reset, and every model's count checked against the header.
"""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json
import os
import zlib
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from chiiki.accounts.audit_guard import lifted_for_flush
from chiiki.web.health import unapplied_migrations

FORMAT = "chiiki-backup"
FORMAT_VERSION = 1
BATCH = 500
# Rows `migrate` itself makes (post_migrate): a database holding only these is empty.
MADE_BY_MIGRATE = ("contenttypes.contenttype", "auth.permission")

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the operator."""


def dumped_models() -> list[type[models.Model]]:
    """Every model with a table of its own, parents (of foreign keys) first."""
    found = [
        m
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]
    return serializers.sort_dependencies([(None, found)], allow_cycles=True)  # type: ignore[list-item]


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def applied_migrations() -> list[str]:
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


def app_version() -> str:
    try:
        return metadata.version("chiiki")
    except metadata.PackageNotFoundError:
        return "unknown"


def _rows(model: type[models.Model]) -> Iterator[models.Model]:
    # The base manager: a default manager that hides rows must not hide them from a backup.
    return model._base_manager.order_by("pk").iterator(chunk_size=2000)


def backup(path: Path, progress: Progress | None = None) -> dict[str, int]:
    """Writes the backup to ``path`` (mode 0600: it holds personal data); the row counts."""
    part = path.with_name(path.name + ".part")
    try:
        os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        os.chmod(part, 0o600)
    except OSError as exc:
        raise BackupError(f"「{path}」に書き出せません: {exc.strerror}") from exc
    try:
        counts = _write(part, progress)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return counts


def _write(part: Path, progress: Progress | None) -> dict[str, int]:
    snapshot = not connection.in_atomic_block
    with transaction.atomic():
        if snapshot and connection.vendor == "postgresql":
            # One snapshot for every table: a backup taken while people work is consistent.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        order = dumped_models()
        counts = {label(m): m._base_manager.count() for m in order}
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": app_version(),
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": applied_migrations(),
            "counts": counts,
        }
        with gzip.open(part, "wt", encoding="utf-8") as out:
            out.write(json.dumps(header, ensure_ascii=False) + "\n")
            for model in order:
                if counts[label(model)]:
                    if progress:
                        progress(f"{label(model)}: {counts[label(model)]} 件")
                    _dump(model, out)
    return counts


class _Encoder(DjangoJSONEncoder):
    """Django's encoder keeps milliseconds only; a backup keeps every microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, (dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


def _dump(model: type[models.Model], out: IO[str]) -> None:
    serializer = serializers.get_serializer("python")()
    chunk: list[models.Model] = []
    for row in itertools.chain(_rows(model), [None]):
        if row is not None:
            chunk.append(row)
        if chunk and (row is None or len(chunk) >= 2000):
            for item in serializer.serialize(chunk):
                out.write(json.dumps(item, cls=_Encoder, ensure_ascii=False) + "\n")
            chunk = []


def read_header(path: Path) -> dict[str, Any]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            return _header(stream.readline(), path)
    except FileNotFoundError:
        raise BackupError(f"バックアップファイル「{path}」がありません") from None
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:
        raise BackupError(f"「{path}」は chiiki のバックアップではありません（{exc}）") from None


def _header(line: str, path: Path) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"「{path}」は chiiki のバックアップではありません")
    if header.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"「{path}」の形式（版 {header.get('format_version')}）はこのバージョンでは読めません"
        )
    return header


def _check_schema(header: dict[str, Any]) -> None:
    pending = unapplied_migrations()
    if pending:
        raise BackupError(
            "データベースのマイグレーションが済んでいません（未適用: "
            f"{', '.join(pending[:5])}{' ほか' if len(pending) > 5 else ''}）。"
            "先に `chiiki migrate` を実行してください"
        )
    theirs, ours = set(header.get("migrations", [])), set(applied_migrations())
    if theirs != ours:
        only_backup = sorted(theirs - ours)
        only_code = sorted(ours - theirs)
        parts = []
        if only_backup:
            parts.append(f"バックアップにだけあるもの: {', '.join(only_backup[:5])}")
        if only_code:
            parts.append(f"このコードにだけあるもの: {', '.join(only_code[:5])}")
        raise BackupError(
            f"バックアップのスキーマ（chiiki {header.get('app_version')}、"
            f"{header.get('created')}）がこのコードのマイグレーションと一致しません"
            f"（{'; '.join(parts)}）。バックアップを取ったときと同じバージョンの chiiki で"
            "復元してください"
        )


def occupied() -> dict[str, int]:
    """Models holding rows other than those `migrate` makes."""
    found = {}
    for model in dumped_models():
        if label(model) not in MADE_BY_MIGRATE:
            n = model._base_manager.count()
            if n:
                found[label(model)] = n
    return found


def restore(path: Path, *, force: bool = False, progress: Progress | None = None) -> dict[str, int]:
    """Replaces the database's rows with the backup's, all or nothing; the row counts."""
    header = read_header(path)
    _check_schema(header)
    try:
        with transaction.atomic():
            rows = occupied()
            if rows and not force:
                shown = ", ".join(f"{k} {v} 件" for k, v in list(rows.items())[:5])
                raise BackupError(
                    f"データベースが空ではありません（{shown}）。空のデータベースに "
                    "`chiiki migrate` を実行してから復元するか、既存のデータをすべて消して"
                    "よければ --force を付けてください"
                )
            with lifted_for_flush(connection):
                call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            loaded = _load(path, progress)
            expected = {k: v for k, v in header.get("counts", {}).items() if v}
            if {k: v for k, v in loaded.items() if v} != expected:
                raise BackupError(
                    f"「{path}」の行数が見出しと一致しません（途中で切れているおそれがあります）。"
                    "何も変更していません"
                )
    except IntegrityError as exc:
        raise BackupError(f"復元できません（整合性の誤り: {exc}）。何も変更していません") from exc
    except DatabaseError as exc:
        raise BackupError(
            f"復元できません（データベースの誤り: {exc}）。何も変更していません"
        ) from exc
    return loaded


def _load(path: Path, progress: Progress | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    touched: list[type[models.Model]] = []
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            stream.readline()  # the header, read already
            with connection.constraint_checks_disabled():
                for model, batch in _batches(serializers.deserialize("jsonl", stream)):
                    if model not in touched:
                        touched.append(model)
                        if progress:
                            progress(f"{label(model)} を復元しています")
                    _insert(model, batch)
                    counts[label(model)] = counts.get(label(model), 0) + len(batch)
    except (DeserializationError, OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:
        raise BackupError(
            f"バックアップファイル「{path}」が壊れています（{exc}）。何も変更していません"
        ) from exc
    tables = [m._meta.db_table for m in touched]
    connection.check_constraints(table_names=tables)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), touched):
            cursor.execute(sql)
    return counts


def _batches(
    objects: Iterable[DeserializedObject],
) -> Iterator[tuple[type[models.Model], list[DeserializedObject]]]:
    model: type[models.Model] | None = None
    batch: list[DeserializedObject] = []
    for obj in objects:
        if type(obj.object) is not model or len(batch) >= BATCH:
            if batch and model is not None:
                yield model, batch
            model, batch = type(obj.object), []
        batch.append(obj)
    if batch and model is not None:
        yield model, batch


def _insert(model: type[models.Model], batch: list[DeserializedObject]) -> None:
    """Inserts the rows as they were: raw, so no auto_now field is stamped again."""
    if model._meta.parents:  # multi-table inheritance: one row per table, as Django saves it
        for obj in batch:
            obj.save()
        return
    fields = model._meta.local_concrete_fields
    model._base_manager._insert(  # type: ignore[attr-defined]
        [obj.object for obj in batch], fields=fields, raw=True, using=connection.alias
    )
    for field in model._meta.many_to_many:
        through: Any = field.remote_field.through  # type: ignore[attr-defined]
        source, target = field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"  # type: ignore[attr-defined]
        links = [
            through(**{source: obj.object.pk, target: pk})
            for obj in batch
            for pk in (obj.m2m_data or {}).get(field.name, [])
        ]
        if links:
            through._base_manager.bulk_create(links, batch_size=BATCH)
