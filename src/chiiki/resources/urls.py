from __future__ import annotations

from django.urls import path

from chiiki.resources import views

app_name = "resources"
urlpatterns = [
    path("", views.index, name="index"),
    path("services/<id:service_id>/", views.service_detail, name="service_detail"),
    path(
        "services/<id:service_id>/calendar/<year:year>/<month:month>/",
        views.service_calendar,
        name="service_calendar",
    ),
    path("services/<id:service_id>/calendar.ics", views.service_ics, name="service_ics"),
    path(
        "districts/<id:district_id>/calendar/<year:year>/<month:month>/",
        views.district_calendar,
        name="district_calendar",
    ),
    path("districts/<id:district_id>/calendar.ics", views.district_ics, name="district_ics"),
    path("districts/<id:district_id>/sheet/", views.district_sheet, name="district_sheet"),
    path(
        "districts/<id:district_id>/sheet.pdf", views.district_sheet_pdf, name="district_sheet_pdf"
    ),
    path("coverage/", views.coverage, name="coverage"),
    path("near/<id:person_id>/", views.near_person, name="near_person"),
]
