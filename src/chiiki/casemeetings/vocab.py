"""The professions a community care meeting calls, as versioned data (see the YAML)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from chiiki.councils.taxonomy import Vocabulary, load_vocabulary

HERE = Path(__file__).parent / "taxonomies"


@cache
def professions() -> Vocabulary:
    return load_vocabulary(HERE / "professions-v1.yaml", "professions")
