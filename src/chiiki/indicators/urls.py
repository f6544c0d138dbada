from __future__ import annotations

from chiiki.indicators.views import assign, home

app_name = "indicators"
urlpatterns = [
    *home.urlpatterns,
    *assign.urlpatterns,
]
