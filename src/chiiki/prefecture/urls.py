from __future__ import annotations

from chiiki.prefecture.views import (
    dispatch,
    home,
    opendata,
    profile,
    support,
)

app_name = "prefecture"
urlpatterns = [
    *home.urlpatterns,
    *dispatch.urlpatterns,
    *support.urlpatterns,
    *opendata.urlpatterns,
    *profile.urlpatterns,
]
