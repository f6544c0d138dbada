from __future__ import annotations

from chiiki.indicators.views import home, leverage, spread

app_name = "indicators"
urlpatterns = [
    *home.urlpatterns,
    *leverage.urlpatterns,
    *spread.urlpatterns,
]
