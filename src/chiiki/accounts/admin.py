from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from chiiki.accounts.models import ApiToken, AuditEvent, User


@admin.register(User)
class ChiikiUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "role", "municipality", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            "chiiki",
            {
                "fields": (
                    "display_name",
                    "role",
                    "municipality",
                    "prefecture",
                    "life_areas",
                    "person",
                )
            },
        ),
    )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Viewable, never editable."""

    list_display = ("at", "username", "action", "model", "object_id", "object_repr", "channel")
    list_filter = ("action", "channel")
    search_fields = ("username", "object_repr")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.register(ApiToken)
