from __future__ import annotations

from django.urls import path

from chiiki.areas import views

app_name = "areas"
urlpatterns = [
    path("population/import/", views.population_import, name="population_import"),
    path("tree/import/", views.area_tree_import, name="area_tree_import"),
]
