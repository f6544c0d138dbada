from __future__ import annotations

from chiiki.casemeetings.views import cases, meetings, rollup

app_name = "casemeetings"
urlpatterns = [
    *meetings.urlpatterns,
    *cases.urlpatterns,
    *rollup.urlpatterns,
]
