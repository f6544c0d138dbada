"""Ids in the path beyond what a database integer holds: not found, never a 500."""

from __future__ import annotations

import pytest

from tests.prefecture.support_world import build_kochi

HUGE = "9" * 30


@pytest.fixture
def kochi(db):
    return build_kochi()


@pytest.mark.parametrize(
    "method,url",
    [
        ("post", f"/prefecture/dispatch/{HUGE}/delete"),
        ("post", f"/prefecture/teams/visits/{HUGE}/delete/"),
        ("get", f"/prefecture/seminars/{HUGE}/"),
        ("post", f"/prefecture/seminars/{HUGE}/"),
        ("post", f"/prefecture/seminars/{HUGE}/edit/"),
        ("post", f"/prefecture/seminars/{HUGE}/delete/"),
        ("get", "/prefecture/m/999999/"),
    ],
)
def test_an_id_too_big_for_the_database_is_not_found(kochi, client_for, method, url):
    response = getattr(client_for(kochi.viewer), method)(url)
    assert response.status_code == 404
