from __future__ import annotations

from django.urls import path

from chiiki.mutualaid import views

app_name = "mutualaid"
urlpatterns = [
    path("", views.index, name="index"),
]
