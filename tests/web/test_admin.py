"""Django's admin is the operator's alone: no municipal or prefectural login enters it."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command

from chiiki.accounts.models import Role, User
from chiiki.accounts.services import user_create

ADMIN_PAGES = ("/admin/", "/admin/accounts/user/", "/admin/accounts/auditevent/")


@pytest.fixture
def operator(db, monkeypatch) -> User:
    """The operator, made the documented way: `chiiki createsuperuser`."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "operator-pass-123")
    call_command(
        "createsuperuser", interactive=False, username="operator", email="ops@example.invalid"
    )
    return User.objects.get(username="operator")


def _refused(response) -> bool:
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"].startswith("/admin/login/")
    )


def test_a_municipal_administrator_is_never_made_staff_or_superuser(town):
    admin = user_create(
        username="kanri",
        password="x-pass-12345",
        role=Role.ADMINISTRATOR,
        municipality=town.municipality,
    )
    assert (admin.is_staff, admin.is_superuser) == (False, False)


@pytest.mark.parametrize("name", ["admin", "officer", "nurse", "pref", "outsider"])
def test_every_persona_is_refused_the_admin(client_for, personas, name):
    client = client_for(personas[name])
    for path in ADMIN_PAGES:
        assert _refused(client.get(path)), (name, path)


def test_an_administrator_left_with_staff_and_superuser_rights_is_still_refused(
    client_for, personas
):
    """As the demo once made them: staff and superuser, but of a municipality."""
    admin = personas["admin"]
    User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    admin.refresh_from_db()
    client = client_for(admin)
    for path in ADMIN_PAGES:
        assert _refused(client.get(path)), path


def test_the_demo_users_are_plain_and_the_demo_admin_is_refused_the_admin(db, client):
    from chiiki.web import demo

    demo.build(seed=2018)
    assert not User.objects.filter(is_staff=True).exists()
    assert not User.objects.filter(is_superuser=True).exists()
    client.force_login(
        User.objects.get(username="admin"), backend="django.contrib.auth.backends.ModelBackend"
    )
    for path in ADMIN_PAGES:
        assert _refused(client.get(path)), path


def test_the_operator_made_with_createsuperuser_enters_the_admin(operator, client):
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 200, path


def test_an_inactive_operator_is_refused(operator, client):
    User.objects.filter(pk=operator.pk).update(is_active=False)
    operator.refresh_from_db()
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    assert _refused(client.get("/admin/"))


def test_the_migration_takes_staff_and_superuser_from_every_tenant_login(personas, operator, town):
    migration = import_module("chiiki.web.migrations.0001_admin_for_the_operator_only")
    User.objects.filter(username__in=["admin", "pref", "officer"]).update(
        is_staff=True, is_superuser=True
    )
    migration.clear_tenant_staff(apps, None)
    tenants = User.objects.exclude(pk=operator.pk)
    assert not tenants.filter(is_staff=True).exists()
    assert not tenants.filter(is_superuser=True).exists()
    operator.refresh_from_db()
    assert operator.is_superuser and operator.is_staff
