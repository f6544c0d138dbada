from __future__ import annotations

import pytest

from chiiki.resources import demo


@pytest.fixture
def directory(town):
    """The demo directory built on the test town's four districts."""
    demo.build(town.municipality, 2018)
    return town
