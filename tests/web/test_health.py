"""``GET /healthz``: no login, no personal data, 503 naming what failed."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_a_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert "Location" not in response


def test_healthz_shows_nothing_more_to_a_logged_in_user(client_for, personas):
    response = client_for(personas["admin"]).get("/healthz")
    assert set(response.json()) == {"status", "database", "migrations"}


def test_healthz_names_unapplied_migrations_with_503(client):
    # the newest migration of an app: an older one forgotten under a newer one counts as applied
    (_, newest) = MigrationLoader(None).graph.leaf_nodes("people")[0]
    MigrationRecorder.Migration.objects.filter(app="people", name=newest).delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["database"] == "ok"
    assert body["migrations"] == "unapplied"
    assert body["unapplied"] == [f"people.{newest}"]


def test_healthz_answers_503_when_the_database_is_unreachable(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "migrations": "unknown"}


def test_healthz_is_read_only(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_stays_on_http_when_ssl_redirect_is_on(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/login/").status_code == 301
