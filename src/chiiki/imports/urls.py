from __future__ import annotations

from django.urls import path

from chiiki.imports import views

app_name = "imports"
urlpatterns = [
    path("<int:job_id>/", views.job_detail, name="job"),
    path("<int:job_id>/follow/", views.job_follow, name="job_follow"),
]
