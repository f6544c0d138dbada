"""The JSON API under /api/, documented at /api/openapi.json."""

from __future__ import annotations

from chiiki.accounts.auth import api_auth
from chiiki.apicontract import ChiikiAPI, install_handlers
from chiiki.areas.api import router as areas_router
from chiiki.casemeetings.api import router as casemeetings_router
from chiiki.councils.api import router as councils_router
from chiiki.imports.api import router as imports_router
from chiiki.mutualaid.api import router as mutualaid_router
from chiiki.people.api import router as people_router
from chiiki.resources.api import router as resources_router
from chiiki.surveys.api import router as surveys_router

api = ChiikiAPI(
    title="chiiki API",
    version="1",
    description="地域づくり支援 chiiki の API。セッション（ブラウザ）または Bearer トークンで認証します。",
    auth=api_auth,
    urls_namespace="api",
)


install_handlers(api)

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
