from __future__ import annotations

from django.urls import path

from chiiki.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:survey_id>/", views.results, name="results"),
    path("<int:survey_id>/export.<str:fmt>", views.export, name="export"),
    path("<int:survey_id>/import/", views.import_answers, name="import"),
    path("<int:survey_id>/mailing/", views.import_mailing, name="import_mailing"),
    path("<int:survey_id>/nonrespondents/", views.nonrespondents, name="nonrespondents"),
    path("<int:survey_id>/respondents/", views.respondents, name="respondents"),
    path(
        "<int:survey_id>/respondents/<int:respondent_id>/",
        views.respondent_detail,
        name="respondent_detail",
    ),
    path("<int:survey_id>/nonrespondents/visits.pdf", views.visit_list_pdf, name="visit_list_pdf"),
    path(
        "<int:survey_id>/nonrespondents/<int:entry_id>/visit/",
        views.visit_record,
        name="visit_record",
    ),
    path("<int:survey_id>/rescore/", views.rescore, name="rescore"),
    path("rulesets/", views.rulesets, name="rulesets"),
    path("owners/", views.owners, name="owners"),
    path("followup/", views.followup, name="followup"),
    path("kcl/", views.kcl_search, name="kcl_search"),
    path("kcl/<int:person_id>/", views.kcl_counter, name="kcl_counter"),
    path("kcl/<int:person_id>/register/", views.kcl_register, name="kcl_register"),
    path("screenings/<int:screening_id>/", views.screening_detail, name="screening_detail"),
]
