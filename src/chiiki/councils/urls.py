from __future__ import annotations

from chiiki.councils.views import bodies, coverage, issues, meetings, questionnaires, watch

app_name = "councils"
urlpatterns = [
    *bodies.urlpatterns,
    *meetings.urlpatterns,
    *questionnaires.urlpatterns,
    *watch.urlpatterns,
    *coverage.urlpatterns,
    *issues.urlpatterns,
]
