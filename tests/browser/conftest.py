"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

Never a downloaded browser: the executable is /usr/bin/chromium, installed by the Makefile
(`make system-deps`) or `.ci/run`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

# A loaded CI machine can take more than Playwright's 5 s to render a page after a click.
expect.set_options(timeout=15_000)

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between page actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) is None:
        skip = pytest.mark.skip(
            reason=f"{CHROMIUM} is not installed: run `make system-deps` (Debian package chromium)"
        )
        for item in items:
            if "browser" in str(item.fspath):
                item.add_marker(skip)
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ja-JP", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def login(page, live_server):
    """Log in through the real form and land on the dashboard."""

    def do(username: str, password: str = "test-pass-123"):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("ユーザー名").fill(username)
        page.get_by_label("パスワード").fill(password)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_load_state("networkidle")
        return page

    return do


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under var/screenshots/ to look at."""

    def shot(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shot
