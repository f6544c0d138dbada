from __future__ import annotations

from chiiki.prefecture.views import (
    dispatch,
    home,
)

app_name = "prefecture"
urlpatterns = [
    *home.urlpatterns,
    *dispatch.urlpatterns,
]
