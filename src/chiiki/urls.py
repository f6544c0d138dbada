from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from chiiki.web import converters

converters.register()  # before the apps' URL patterns, which use <id:…>

from chiiki.api import api  # noqa: E402
from chiiki.areas import views as area_views  # noqa: E402
from chiiki.web import health  # noqa: E402

urlpatterns = [
    path("", area_views.dashboard, name="dashboard"),
    path("healthz", health.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("chiiki.accounts.urls")),
    path("staff/", include("chiiki.web.urls")),
    path("areas/", include("chiiki.areas.urls")),
    path("people/", include("chiiki.people.urls")),
    path("surveys/", include("chiiki.surveys.urls")),
    path("resources/", include("chiiki.resources.urls")),
    path("mutualaid/", include("chiiki.mutualaid.urls")),
    path("councils/", include("chiiki.councils.urls")),
    path("casemeetings/", include("chiiki.casemeetings.urls")),
    path("indicators/", include("chiiki.indicators.urls")),
    path("prefecture/", include("chiiki.prefecture.urls")),
    path("imports/", include("chiiki.imports.urls")),
    path("jobs/", include("chiiki.scheduler.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The API's current version, and /api/ as its alias: an integration written against
    # /api/v1/ keeps working when a later version is added beside it.
    path("api/v1/", api.urls),
    path("api/", include((api.urls[0], "ninja"), namespace="api-current")),
    path("admin/", admin.site.urls),
]
