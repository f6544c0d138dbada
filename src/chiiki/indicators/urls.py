from __future__ import annotations

from chiiki.indicators.views import grant, home

app_name = "indicators"
urlpatterns = [
    *home.urlpatterns,
    *grant.urlpatterns,
]
