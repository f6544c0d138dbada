from __future__ import annotations

from chiiki.prefecture.views import (
    home,
)

app_name = "prefecture"
urlpatterns = [
    *home.urlpatterns,
]
