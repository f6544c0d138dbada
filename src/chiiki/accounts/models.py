from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from chiiki.accounts.access_paths import Paths


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "管理者"
    MUNICIPAL = "municipal", "市町村職員"
    SUPPORT_CENTER = "support_center", "地域包括支援センター職員"
    COORDINATOR = "coordinator", "生活支援コーディネーター"
    VOLUNTEER = "volunteer", "ボランティア"
    PREFECTURE = "prefecture", "都道府県（閲覧）"
    ADVISOR = "advisor", "外部の専門職（会議の参加者）"


class User(AbstractUser):
    """A login. Its role says what it may do; its areas say where.

    Municipal roles belong to one municipality; an empty ``life_areas`` means the whole
    municipality for administrators and municipal staff, and nothing for the roles that
    must be scoped (support-center staff, coordinators). A prefecture viewer belongs to a
    prefecture and sees aggregates of its municipalities only.
    """

    access_paths = Paths(municipality="municipality", person="person")

    role = models.CharField("役割", max_length=20, choices=Role.choices, default=Role.MUNICIPAL)
    display_name = models.CharField("表示名", max_length=60, blank=True)
    # By name, not by import: accounts sits below areas, which asks it who may see what.
    municipality = models.ForeignKey(
        "areas.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="市町村",
    )
    prefecture = models.ForeignKey(
        "areas.Prefecture",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="都道府県",
    )
    life_areas = models.ManyToManyField(
        "areas.LifeArea", blank=True, related_name="users", verbose_name="担当圏域"
    )
    # Free text: the support center (or office) the login works for, as the staff list shows it.
    support_center = models.CharField("所属（地域包括支援センター）", max_length=100, blank=True)
    person = models.OneToOneField(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name="本人（ボランティア）",
    )

    class Meta:
        verbose_name = "ユーザー"
        verbose_name_plural = "ユーザー"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("用途", max_length=60)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "APIトークン"
        verbose_name_plural = "APIトークン"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "chk_" + secrets.token_urlsafe(32)


class AuditAction(models.TextChoices):
    READ = "read", "閲覧"
    CREATE = "create", "作成"
    UPDATE = "update", "変更"
    DELETE = "delete", "削除"
    EXPORT = "export", "出力"
    LIST = "list", "一覧の閲覧"


class AuditEvent(models.Model):
    """Who read or changed which person's record, when, and what changed.

    Append-only: a database trigger (migration 0002) refuses UPDATE and DELETE, so not even
    an administrator with database access through the application can rewrite history.
    ``person_id`` is a plain integer, not a foreign key, so the trail outlives the record.
    """

    access_paths = Paths(municipality="municipality_id")

    at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    username = models.CharField("ユーザー", max_length=150)
    action = models.CharField("操作", max_length=10, choices=AuditAction.choices)
    model = models.CharField("対象", max_length=40, default="people.person")
    # None for a list read: the ids it showed are in ``changes["ids"]``.
    object_id = models.BigIntegerField("対象ID", null=True, blank=True, db_index=True)
    object_repr = models.CharField("対象名", max_length=200, blank=True)
    # Whose record it is: an administrator sees the trail of their own municipality only.
    municipality_id = models.BigIntegerField("市町村ID", null=True, blank=True, db_index=True)
    changes = models.JSONField("変更内容", default=dict, blank=True)
    channel = models.CharField("経路", max_length=10, default="web")  # web, api, cli
    path = models.CharField("URL", max_length=300, blank=True)
    ip_address = models.GenericIPAddressField("IPアドレス", null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "監査ログ"
        verbose_name_plural = "監査ログ"
        indexes = [
            models.Index(fields=["model", "object_id", "at"]),
            # The audit page: one municipality's trail, newest first, read in index order.
            models.Index(fields=["municipality_id", "-at", "-id"], name="audit_trail_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_repr}"


class AuditSubject(models.Model):
    """A resident an audit event concerns: one row per person a read, list or change named.

    Append-only like the events (migration 0004). ``person_id`` is a plain integer, so the
    trail of a resident outlives their record.
    """

    event = models.ForeignKey(
        AuditEvent, on_delete=models.DO_NOTHING, related_name="subjects", db_constraint=False
    )
    person_id = models.BigIntegerField("人ID", db_index=True)

    class Meta:
        verbose_name = "監査ログの対象者"
        verbose_name_plural = "監査ログの対象者"

    def __str__(self) -> str:
        return f"{self.event_id}: {self.person_id}"
