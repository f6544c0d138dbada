from __future__ import annotations

from chiiki.indicators.views import home, participation

app_name = "indicators"
urlpatterns = [
    *home.urlpatterns,
    *participation.urlpatterns,
]
