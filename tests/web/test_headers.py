"""Security headers on every page: CSP without inline script, a Permissions-Policy that denies
what no page needs, HSTS and secure cookies outside DEBUG."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.urls import reverse


def _directives(header: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


@pytest.mark.parametrize("path", ["/login/", "/", "/people/"])
def test_every_page_has_a_csp_that_allows_no_inline_or_evaluated_script(client_for, personas, path):
    response = client_for(personas["nurse"]).get(path, follow=True)
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert "style-src-attr" not in policy


def test_only_the_chart_pages_allow_plotlys_styles_and_never_inline_script(client_for, personas):
    client = client_for(personas["officer"])
    policy = _directives(client.get(reverse("resources:coverage"))["Content-Security-Policy"])
    assert policy["style-src-attr"] == ["'unsafe-inline'"]
    assert "'unsafe-inline'" not in policy["style-src-elem"]
    assert policy["script-src"] == ["'self'"] and "data:" in policy["img-src"]
    plain = _directives(client.get(reverse("people:list"))["Content-Security-Policy"])
    assert "style-src-attr" not in plain and plain["img-src"] == ["'self'"]


def test_no_template_has_an_inline_script_or_event_handler():
    import re
    from pathlib import Path

    import chiiki

    templates = Path(chiiki.__file__).parent / "templates"
    found = []
    for path in templates.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=", text):
            found.append(path.name)
    assert found == []


def test_the_permissions_policy_denies_camera_microphone_position_payment_and_usb(client):
    header = client.get("/login/")["Permissions-Policy"]
    features = dict(item.split("=", 1) for item in header.split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature


def _settings_outside_debug(env: dict[str, str]) -> str:
    code = (
        "from chiiki import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    base = {"CHIIKI_SECRET_KEY": "k" * 50, "CHIIKI_TESTING": "false", "CHIIKI_DEBUG": "false"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", **_pythonpath(), **base, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def _pythonpath() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k in ("PYTHONPATH", "CHIIKI_HOME", "HOME")}


def test_outside_debug_hsts_is_on_for_a_year_and_cookies_are_secure(tmp_path):
    assert _settings_outside_debug({"CHIIKI_HOME": str(tmp_path)}) == "31536000 True True"


def test_hsts_is_configurable_and_off_in_debug(tmp_path):
    home = {"CHIIKI_HOME": str(tmp_path)}
    assert _settings_outside_debug({**home, "CHIIKI_HSTS_SECONDS": "600"}).split()[0] == "600"
    assert _settings_outside_debug({**home, "CHIIKI_DEBUG": "true"}).split() == [
        "0",
        "False",
        "False",
    ]


def test_a_response_outside_debug_carries_hsts_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get("/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"
