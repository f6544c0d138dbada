"""Review: the assignment page refuses with a 400 naming what is wrong, and a file of far
more districts than the engine takes is refused by the upload's row limit, before its
rows are read."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiiki.core import tabular
from chiiki.indicators import assignment as engine
from tests.indicators.test_assign_page import population  # noqa: F401  (a fixture)


@pytest.mark.parametrize("weight", ["-1", "1e309", "NaN", "inf"])
def test_a_bad_weight_is_a_400_naming_the_weight(client_for, personas, population, weight):  # noqa: F811
    upload = SimpleUploadedFile(
        "地区.csv", "地区,圏域,高齢者数,高リスク者数\n須佐,北部,1,1\n".encode()
    )
    response = client_for(personas["coordinator"]).post(
        reverse("indicators:assign"), {"file": upload, "staff": "1", "weight": weight}
    )
    assert response.status_code == 400
    assert "重み" in response.content.decode()


def test_a_bad_file_and_an_impossible_staff_count_are_400s(client_for, personas, population):  # noqa: F811
    client = client_for(personas["officer"])
    upload = SimpleUploadedFile("地区.csv", "地区,圏域,高齢者数\n須佐,北部,-1\n".encode())
    response = client.post(reverse("indicators:assign"), {"file": upload, "staff": "1"})
    assert response.status_code == 400
    assert client.post(reverse("indicators:assign"), {"staff": "1"}).status_code == 400
    response = client.get(reverse("indicators:assign"), {"staff": "5"})
    assert response.status_code == 400 and "地区が4か所しかなく" in response.content.decode()


def test_a_file_of_too_many_districts_is_refused_before_its_rows_are_read(
    client_for,
    personas,
    population,  # noqa: F811
    monkeypatch,
):
    seen = []
    real = tabular.read_table

    def spy(data, name, limits=None, *args, **kwargs):
        seen.append(limits)
        return real(data, name, limits, *args, **kwargs)

    monkeypatch.setattr("chiiki.indicators.views.assign.read_table", spy)
    rows = "".join(f"地区{i},北部,1\n" for i in range(engine.MAX_DISTRICTS + 1))
    upload = SimpleUploadedFile("地区.csv", f"地区,圏域,高齢者数\n{rows}".encode())
    response = client_for(personas["nurse"]).post(
        reverse("indicators:assign"), {"file": upload, "staff": "1"}
    )
    assert response.status_code == 400
    assert seen[0].max_rows == engine.MAX_DISTRICTS
    assert "行数が上限を超えています" in response.content.decode()
