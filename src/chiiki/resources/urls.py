from __future__ import annotations

from django.urls import path

from chiiki.resources import views

app_name = "resources"
urlpatterns = [
    path("", views.index, name="index"),
]
