"""The one widening of the Content-Security-Policy: pages that draw charts with Plotly.

``@charts_csp`` on a view adds ``settings.CHIIKI_CSP_CHARTS`` (inline style attributes, two
hashed <style> elements and data: images; never script) to that view's responses only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from csp.decorators import csp_update
from django.conf import settings

View = TypeVar("View", bound=Callable[..., Any])


def charts_csp(view: View) -> View:
    return cast(View, csp_update(settings.CHIIKI_CSP_CHARTS)(view))
