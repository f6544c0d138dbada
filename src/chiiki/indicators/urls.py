from __future__ import annotations

from chiiki.indicators.views import home

app_name = "indicators"
urlpatterns = [
    *home.urlpatterns,
]
