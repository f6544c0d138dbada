from __future__ import annotations

from chiiki.casemeetings.views import cases, meetings, prints, rollup

app_name = "casemeetings"
urlpatterns = [
    *meetings.urlpatterns,
    *cases.urlpatterns,
    *rollup.urlpatterns,
    *prints.urlpatterns,
]
