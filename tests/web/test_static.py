"""Before `chiiki collectstatic` outside DEBUG: a warning and a 503 page, never a 500."""

from __future__ import annotations

import json
import logging

import pytest

from chiiki.web import staticfiles

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "chiiki.web.staticfiles.ManifestStaticStorage"},
}


@pytest.fixture
def uncollected(settings, tmp_path):
    settings.STORAGES = MANIFEST_STORAGE
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_USE_FINDERS = False
    return tmp_path


def test_the_deploy_check_warns_while_static_root_has_no_manifest(uncollected):
    [warning] = staticfiles.check_manifest()
    assert warning.id == "chiiki.W001"
    assert "chiiki collectstatic" in warning.msg
    (uncollected / "staticfiles.json").write_text(
        json.dumps({"paths": {"a.css": "a.123.css"}, "version": "1.1"})
    )
    assert staticfiles.check_manifest() == []


def test_the_check_is_silent_when_the_storage_keeps_no_manifest():
    assert staticfiles.check_manifest() == []


def test_the_check_runs_with_check_deploy(uncollected):
    from django.core import checks

    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.staticfiles])
    assert "chiiki.W001" in {m.id for m in found}
    assert "chiiki.W001" not in {m.id for m in checks.run_checks(tags=[checks.Tags.staticfiles])}


def test_pages_answer_a_japanese_503_without_a_manifest(client_for, personas, uncollected, caplog):
    client = client_for(personas["officer"])
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="chiiki.static"):
        for path in ("/login/", "/", "/people/", "/no-such-page/"):
            response = client.get(path)
            assert response.status_code == 503, path
            text = response.content.decode()
            assert "静的ファイルが用意されていません" in text and "chiiki collectstatic" in text
    assert "collectstatic" in caplog.text


def test_a_manifest_missing_an_entry_answers_503_not_500(client_for, personas, uncollected):
    (uncollected / "staticfiles.json").write_text(
        json.dumps({"paths": {"other.css": "other.123.css"}, "version": "1.1"})
    )
    client = client_for(personas["officer"])
    client.raise_request_exception = False
    response = client.get("/people/")
    assert response.status_code == 503
    assert "chiiki collectstatic" in response.content.decode()


def test_the_api_answers_without_static_files(client_for, personas, uncollected):
    client = client_for(personas["officer"])
    assert client.get("/api/openapi.json").status_code == 200
