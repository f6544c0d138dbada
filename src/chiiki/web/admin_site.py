"""Django's admin as the operator's tool, and no one else's.

The admin sees every municipality at once, so it is no place for a municipal administrator:
they manage their own users and settings on chiiki's pages, within their municipality. Only
an active superuser who belongs to no municipality or prefecture — the operator, made with
``chiiki createsuperuser`` — may enter; everyone else is sent to the admin's login page.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class OperatorAdminSite(admin.AdminSite):
    site_header = "chiiki 運用管理（運用担当者専用）"
    site_title = "chiiki 運用管理"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_superuser
            # A superuser tied to a tenant is a contradiction (migration web 0001 removes
            # it); refusing it here too keeps a later hand-edit from reopening the door.
            and getattr(user, "municipality_id", None) is None
            and getattr(user, "prefecture_id", None) is None
        )


class OperatorAdminConfig(AdminConfig):
    """django.contrib.admin, with the site that lets the operator alone in."""

    default_site = "chiiki.web.admin_site.OperatorAdminSite"
