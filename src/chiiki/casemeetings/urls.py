from __future__ import annotations

app_name = "casemeetings"
urlpatterns: list = []
