"""Authentication for the JSON API: a bearer token, or the browser's session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.timezone import now as timezone_now
from ninja.security import HttpBearer, django_auth

from chiiki.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone_now())
        request.user = found.user
        return found.user


api_auth = [TokenAuth(), django_auth]
