from __future__ import annotations

from chiiki.indicators.views import home, projection

app_name = "indicators"
urlpatterns = [
    *home.urlpatterns,
    *projection.urlpatterns,
]
