from __future__ import annotations

from chiiki.prefecture.views import (
    home,
    support,
)

app_name = "prefecture"
urlpatterns = [
    *home.urlpatterns,
    *support.urlpatterns,
]
