"""The administrator's staff pages: the file through an import job, initial passwords shown
once, deactivation, password resets, and nothing of another municipality."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiiki.accounts.models import AuditEvent, User
from chiiki.accounts.services import api_token_create
from chiiki.imports.models import ImportJob
from tests.conftest import PASSWORD

HEADER = "ログインID,氏名,役割,圏域,所属（地域包括支援センター）,メール,有効\n"
FILE = HEADER + "hoken1,保健 一子,地域包括支援センター職員,北部,萩市北部地域包括支援センター,,\n"


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("職員.csv", text.encode("cp932"))


def test_the_file_becomes_a_job_and_the_initial_passwords_are_shown_once(client_for, personas):
    c = client_for(personas["admin"])
    page = c.post(reverse("web:staff_import"), {"file": upload(FILE)}, follow=True).text
    assert "追加 1" in page and "初期パスワードを発行してください" in page
    job = ImportJob.objects.get(kind="staff")
    assert job.result["created"] == 1 and job.municipality_id == personas["admin"].municipality_id

    listing = c.get(reverse("web:staff_list")).text
    assert (
        "1人のログインに、まだパスワードがありません" in listing
        and "萩市北部地域包括支援センター" in listing
    )
    response = c.post(reverse("web:staff_passwords"))
    assert "no-store" in response["Cache-Control"]
    password = response.context["issued"][0][1]
    assert password in response.text
    nurse = User.objects.get(username="hoken1")
    assert nurse.check_password(password) and password not in nurse.password
    assert password not in str(ImportJob.objects.get(pk=job.pk).result)
    assert AuditEvent.objects.filter(
        model="accounts.user", object_id=nurse.pk, changes__password=["—", "初期パスワードを発行"]
    ).exists()

    again = c.post(reverse("web:staff_passwords"), follow=True)  # a reload issues nothing
    assert "初期パスワードを待っているログインはありません" in again.text
    assert User.objects.get(username="hoken1").check_password(password)


def test_a_file_with_a_bad_cell_names_it_on_the_job_page_and_stores_nothing(client_for, personas):
    bad = FILE + "hoken2,保健 二子,包括,西部,,,\n"
    page = client_for(personas["admin"]).post(
        reverse("web:staff_import"), {"file": upload(bad)}, follow=True
    )
    assert "3行目「圏域」列: 「西部」" in page.text
    assert not User.objects.filter(username__in=["hoken1", "hoken2"]).exists()


@pytest.mark.parametrize("who", ["officer", "nurse", "outsider"])
def test_only_the_administrator_reaches_the_import_and_the_passwords(client_for, personas, who):
    admin_job = client_for(personas["admin"]).post(
        reverse("web:staff_import"), {"file": upload(FILE)}
    )
    c = client_for(personas[who])
    assert c.get(reverse("web:staff_import")).status_code == 403
    assert c.post(reverse("web:staff_import"), {"file": upload(FILE)}).status_code == 403
    assert c.post(reverse("web:staff_passwords")).status_code == 403
    assert c.get(admin_job["Location"]).status_code == 403  # the job's page
    assert not User.objects.get(username="hoken1").has_usable_password()


def test_a_login_of_another_municipality_answers_as_a_missing_one(client_for, personas):
    c = client_for(personas["admin"])
    outsider = personas["outsider"]
    missing = User.objects.order_by("-pk").first().pk + 100
    for pk in (outsider.pk, missing):
        url = reverse("web:staff_edit", args=[pk])
        assert c.get(url).status_code == 404
        assert c.post(url, {"display_name": "乗っ取り", "role": "municipal"}).status_code == 404
        assert c.post(url, {"action": "reset_password"}).status_code == 404
    outsider.refresh_from_db()
    assert outsider.display_name == "" and outsider.check_password(PASSWORD)
    assert "outsider" not in c.get(reverse("web:staff_list")).text
    assert not AuditEvent.objects.filter(model="accounts.user", object_id=outsider.pk).exists()


def test_a_deactivated_login_can_neither_sign_in_nor_use_its_api_token(
    client, client_for, personas
):
    officer = personas["officer"]
    _, token = api_token_create(user=officer, name="集計")
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/areas/districts", headers=bearer).status_code == 200

    c = client_for(personas["admin"])
    response = c.post(
        reverse("web:staff_edit", args=[officer.pk]),
        {"display_name": "職員 一", "role": "municipal", "is_active": ""},
    )
    assert response.status_code == 302
    c.logout()
    assert User.objects.filter(pk=officer.pk, is_active=False).exists()  # kept, not deleted
    assert client.get("/api/areas/districts", headers=bearer).status_code == 401
    login = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert login.status_code == 200 and "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(model="accounts.user", object_id=officer.pk, action="update")
    assert event.changes["is_active"] == [True, False] and event.object_repr == "職員 一"


def test_a_session_opened_before_deactivation_ends_with_it(client, personas):
    client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert client.get(reverse("dashboard")).status_code == 200
    User.objects.filter(pk=personas["officer"].pk).update(is_active=False)
    assert client.get(reverse("dashboard")).status_code == 302  # back to the login page


def test_a_password_reset_is_generated_shown_once_and_audited(client, client_for, personas):
    nurse = personas["nurse"]
    response = client_for(personas["admin"]).post(
        reverse("web:staff_edit", args=[nurse.pk]), {"action": "reset_password"}
    )
    assert "no-store" in response["Cache-Control"]
    password = response.context["issued"][0][1]
    nurse.refresh_from_db()
    assert nurse.check_password(password) and not nurse.check_password(PASSWORD)
    assert AuditEvent.objects.filter(
        model="accounts.user", object_id=nurse.pk, changes__password=["—", "再発行"]
    ).exists()


def test_a_new_login_without_a_typed_password_gets_one_generated_and_shown_once(
    client_for, personas, town
):
    response = client_for(personas["admin"]).post(
        reverse("web:staff_new"),
        {
            "username": "sc.kita",
            "display_name": "北 三郎",
            "role": "coordinator",
            "life_areas": [str(town.north.pk)],
            "support_center": "萩市社会福祉協議会",
            "email": "sc.kita@example.lg.jp",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    ((user, password),) = response.context["issued"]
    assert user.check_password(password) and user.support_center == "萩市社会福祉協議会"
    created = AuditEvent.objects.get(model="accounts.user", object_id=user.pk, action="create")
    assert created.changes["email"] == [None, "sc.kita@example.lg.jp"]
