from __future__ import annotations

from django.urls import path

from chiiki.web import views

app_name = "web"
urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("new/", views.staff_new, name="staff_new"),
    path("import/", views.staff_import, name="staff_import"),
    path("passwords/", views.staff_passwords, name="staff_passwords"),
    path("<id:user_id>/", views.staff_edit, name="staff_edit"),
]
