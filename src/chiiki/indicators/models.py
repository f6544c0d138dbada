"""The indicators' own records. Most figures are computed from the other apps' records; what
is kept here is what comes from outside them."""

from __future__ import annotations
