from __future__ import annotations

from django.urls import path

from chiiki.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_new, name="new"),
    path("import/", views.register_import, name="register_import"),
    path("care/import/", views.care_import, name="care_import"),
    path("<id:person_id>/", views.person_detail, name="detail"),
    path("<id:person_id>/edit/", views.person_edit, name="edit"),
]
