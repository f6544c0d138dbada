"""Serve plotly.min.js from the plotly wheel as a static file (no CDN on municipal networks).

Only that one file: the wheel's package_data also holds a 4.8 MB widget bundle and data sets
that no page needs and collectstatic would otherwise copy and compress.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

_DIR = Path(plotly.__file__).parent / "package_data"
_FILES = {"plotly/plotly.min.js": "plotly.min.js"}


class PlotlyFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(_DIR))
        self.storage.prefix = "plotly"  # type: ignore[attr-defined]

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        if path in _FILES:
            found = str(_DIR / _FILES[path])
            return [found] if find_all else found
        return [] if find_all else None

    def list(self, ignore_patterns: Any) -> Any:
        for name in _FILES.values():
            yield name, self.storage
