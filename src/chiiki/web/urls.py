from __future__ import annotations

from django.urls import path

from chiiki.web import views

app_name = "web"
urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("new/", views.staff_new, name="staff_new"),
    path("<id:user_id>/", views.staff_edit, name="staff_edit"),
]
