from __future__ import annotations

from django.urls import path

from chiiki.resources import views

app_name = "resources"
urlpatterns = [
    path("", views.index, name="index"),
    path("services/<id:service_id>/", views.service_detail, name="service_detail"),
    # The directory by hand
    path("services/new/", views.service_new, name="service_new"),
    path("services/<id:service_id>/edit/", views.service_edit, name="service_edit"),
    path("services/<id:service_id>/schedules/new/", views.schedule_new, name="schedule_new"),
    path(
        "services/<id:service_id>/schedules/<id:schedule_id>/",
        views.schedule_edit,
        name="schedule_edit",
    ),
    path(
        "services/<id:service_id>/schedules/<id:schedule_id>/delete/",
        views.schedule_delete,
        name="schedule_delete",
    ),
    path(
        "services/<id:service_id>/locations/",
        views.service_location_add,
        name="service_location_add",
    ),
    path(
        "services/<id:service_id>/locations/<id:link_id>/remove/",
        views.service_location_remove,
        name="service_location_remove",
    ),
    path("organizations/new/", views.organization_new, name="organization_new"),
    path(
        "organizations/<id:organization_id>/edit/",
        views.organization_edit,
        name="organization_edit",
    ),
    path("locations/new/", views.location_new, name="location_new"),
    path("locations/<id:location_id>/edit/", views.location_edit, name="location_edit"),
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
