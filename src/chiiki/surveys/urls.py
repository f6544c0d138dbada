from __future__ import annotations

from django.urls import path

from chiiki.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("<id:survey_id>/", views.results, name="results"),
    path("<id:survey_id>/export.<str:fmt>", views.export, name="export"),
    path("<id:survey_id>/import/", views.import_answers, name="import"),
    path("<id:survey_id>/mailing/", views.import_mailing, name="import_mailing"),
    path("<id:survey_id>/nonrespondents/", views.nonrespondents, name="nonrespondents"),
    path("<id:survey_id>/respondents/", views.respondents, name="respondents"),
    path(
        "<id:survey_id>/respondents/<id:respondent_id>/",
        views.respondent_detail,
        name="respondent_detail",
    ),
    path("<id:survey_id>/nonrespondents/visits.pdf", views.visit_list_pdf, name="visit_list_pdf"),
    path(
        "<id:survey_id>/nonrespondents/<id:entry_id>/visit/",
        views.visit_record,
        name="visit_record",
    ),
    path("<id:survey_id>/rescore/", views.rescore, name="rescore"),
    path("rulesets/", views.rulesets, name="rulesets"),
    path("owners/", views.owners, name="owners"),
    path("followup/", views.followup, name="followup"),
    path("kcl/", views.kcl_search, name="kcl_search"),
    path("kcl/<id:person_id>/", views.kcl_counter, name="kcl_counter"),
    path("kcl/<id:person_id>/register/", views.kcl_register, name="kcl_register"),
    path("screenings/<id:screening_id>/", views.screening_detail, name="screening_detail"),
]
