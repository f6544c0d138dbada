from __future__ import annotations

from chiiki.casemeetings.views import prints

app_name = "casemeetings"
urlpatterns = [*prints.urlpatterns]
