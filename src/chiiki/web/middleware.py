"""The shell's middleware: the audit context of each request, bad parameters as 400, and
a 503 page saying what to run while the static files have not been collected."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chiiki.accounts import audit
from chiiki.core.params import ParamError
from chiiki.web import staticfiles


def _needs_no_static(path: str) -> bool:
    """The health check and the JSON API answer even before `collectstatic`."""
    return path == "/healthz" or (path.startswith("/api/") and not path.startswith("/api/docs"))


class ShellMiddleware:
    """Binds the request's channel, path and address for the audit trail, and answers a
    parameter that does not parse with a 400 page saying what was expected."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _needs_no_static(request.path) and staticfiles.manifest_missing():
            staticfiles.log.error("%s: %s", staticfiles.MESSAGE, request.path)
            return staticfiles.unavailable()
        channel = audit.Channel.API if request.path.startswith("/api/") else audit.Channel.WEB
        token = audit.bind_request(request, channel=channel)
        try:
            return self.get_response(request)
        finally:
            audit.unbind(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ParamError):
            return bad_request(request, str(exception))
        if isinstance(exception, staticfiles.StaticFilesMissing):
            # A manifest older than the code (collected before an upgrade) lacks an entry.
            staticfiles.log.error("%s: %s", staticfiles.MESSAGE, exception)
            return staticfiles.unavailable()
        return None


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "400.html", {"message": message}, status=400)
