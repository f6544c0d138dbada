"""The request type of a logged-in page or API call: ``request.user`` is a chiiki user."""

from __future__ import annotations

from chiiki.accounts.models import User
from chiiki.core.http import HtmxHttpRequest


class AuthedRequest(HtmxHttpRequest):
    """A request behind ``login_required`` or the API's authentication."""

    user: User  # type: ignore[assignment]
