from __future__ import annotations

from chiiki.indicators.views import (
    assign,
    dashboard,
    figures,
    grant,
    home,
    leverage,
    participation,
    profile,
    projection,
    spread,
)

app_name = "indicators"
urlpatterns = [
    *home.urlpatterns,
    *dashboard.urlpatterns,
    *figures.urlpatterns,
    *profile.urlpatterns,
    *leverage.urlpatterns,
    *spread.urlpatterns,
    *projection.urlpatterns,
    *grant.urlpatterns,
    *participation.urlpatterns,
    *assign.urlpatterns,
]
