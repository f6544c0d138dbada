"""The JSON API under /api/, documented at /api/openapi.json."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from chiiki.accounts.auth import api_auth
from chiiki.areas.api import router as areas_router
from chiiki.casemeetings.api import router as casemeetings_router
from chiiki.core.params import ParamError
from chiiki.councils.api import router as councils_router
from chiiki.imports.api import router as imports_router
from chiiki.mutualaid.api import router as mutualaid_router
from chiiki.people.api import router as people_router
from chiiki.resources.api import router as resources_router
from chiiki.surveys.api import router as surveys_router

api = NinjaAPI(
    title="chiiki API",
    version="1",
    description="地域づくり支援 chiiki の API。セッション（ブラウザ）または Bearer トークンで認証します。",
    auth=api_auth,
    urls_namespace="api",
)


@api.exception_handler(ParamError)
def bad_parameter(request: HttpRequest, exc: ParamError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "param": exc.name}, status=400)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "権限がありません"}, status=403)


api.add_router("/areas", areas_router)
api.add_router("/people", people_router)
api.add_router("/surveys", surveys_router)
api.add_router("/resources", resources_router)
api.add_router("/mutualaid", mutualaid_router)
api.add_router("/imports", imports_router)
api.add_router("/councils", councils_router)
api.add_router("/casemeetings", casemeetings_router)

from chiiki.resources.api import hsds_router  # noqa: E402

api.add_router("/hsds", hsds_router)
