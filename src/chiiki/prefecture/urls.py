from __future__ import annotations

from chiiki.prefecture.views import (
    home,
    opendata,
    profile,
)

app_name = "prefecture"
urlpatterns = [
    *home.urlpatterns,
    *opendata.urlpatterns,
    *profile.urlpatterns,
]
