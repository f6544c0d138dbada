from __future__ import annotations

from django.urls import path

from chiiki.accounts import views

app_name = "accounts"
urlpatterns = [
    path("audit/", views.audit_list, name="audit"),
]
