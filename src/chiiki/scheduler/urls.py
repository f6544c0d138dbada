from __future__ import annotations

from django.urls import path

from chiiki.scheduler import views

app_name = "scheduler"
urlpatterns = [
    path("", views.job_list, name="jobs"),
]
