"""Open data on the prefecture's pages: the tables of its package and the package as a ZIP;
and, for municipal staff, their own municipality's package."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from chiiki.accounts.http import AuthedRequest
from chiiki.prefecture import opendata as engine
from chiiki.prefecture.selectors.common import municipalities_of
from chiiki.prefecture.selectors.opendata import (
    municipality_package,
    municipality_tables_for_user,
    prefecture_package,
    prefecture_tables_for_user,
)


def _zip(package: dict[str, bytes], folder: str) -> HttpResponse:
    response = HttpResponse(engine.zip_bytes(package, folder), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{folder}.zip"'
    return response


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    prefecture, tables = prefecture_tables_for_user(request.user)
    return render(
        request,
        "prefecture/opendata.html",
        {
            "prefecture": prefecture,
            "tables": tables,
            "mark": engine.MARK,
            "municipalities": municipalities_of(request.user),
        },
    )


@login_required
def package_zip(request: AuthedRequest) -> HttpResponse:
    prefecture, tables = prefecture_tables_for_user(request.user)
    return _zip(prefecture_package(prefecture, tables=tables), f"opendata-{prefecture.code}")


@login_required
def municipality_zip(request: AuthedRequest) -> HttpResponse:
    municipality, tables = municipality_tables_for_user(request.user)
    return _zip(municipality_package(municipality, tables=tables), f"opendata-{municipality.code}")


urlpatterns = [
    path("opendata/", index, name="opendata"),
    path("opendata/package.zip", package_zip, name="opendata_zip"),
    path("opendata/municipality.zip", municipality_zip, name="opendata_municipality_zip"),
]
