from __future__ import annotations

from django.urls import path

from chiiki.mutualaid import views

app_name = "mutualaid"
urlpatterns = [
    path("", views.index, name="index"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_new, name="request_new"),
    path("quote/", views.quote_partial, name="quote"),
    path("requests/<id:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<id:request_id>/receipt.pdf", views.receipt, name="receipt"),
    path("requests/<id:request_id>/<str:action>/", views.request_action, name="request_action"),
    path("matching/", views.matching, name="matching"),
    path("volunteers/", views.volunteer_list, name="volunteer_list"),
    path("volunteers/<id:volunteer_id>/", views.volunteer_detail, name="volunteer_detail"),
    path("volunteers/<id:volunteer_id>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path("report/", views.report, name="report"),
    path("my/", views.my, name="my"),
    path("my/<id:request_id>/done/", views.my_done, name="my_done"),
    path("my/availability/", views.my_availability, name="my_availability"),
    path("my/away/", views.my_away_add, name="my_away_add"),
    path("my/away/<id:away_id>/delete/", views.my_away_remove, name="my_away_remove"),
]
