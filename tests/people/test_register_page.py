"""The register extract on the web and in the API: a preview first, then the commit.

Synthetic, fictional residents only (the rows of test_register_import).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chiiki.accounts.models import AuditEvent, Role
from chiiki.accounts.services import user_create
from chiiki.imports.models import ImportJob, ImportKind, ImportStatus
from chiiki.imports.services import import_job_path
from chiiki.people.models import Person, RegisterColumnMapping
from tests.people.test_register_import import HEADER, ROWS, csv_bytes, saza  # noqa: F401

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def officer(saza):  # noqa: F811
    return user_create(
        username="saza-officer", password=PASSWORD, role=Role.MUNICIPAL, municipality=saza
    )


def upload(client, data: bytes, name="住民.csv", **extra):
    return client.post(
        reverse("people:register_import"),
        {"file": SimpleUploadedFile(name, data), **extra},
        follow=True,
    )


def job() -> ImportJob:
    return ImportJob.objects.filter(kind=ImportKind.REGISTER).order_by("-pk").first()


def test_the_upload_previews_the_counts_and_stores_nothing(client_for, officer):
    page = upload(client_for(officer), csv_bytes(ROWS)).content.decode()
    assert "取り込むとこうなります" in page and "この内容で取り込む" in page
    j = job()
    assert j.status == ImportStatus.DONE and j.result["preview"] is True
    assert (j.result["created"], j.result["updated"], j.result["moved_out"]) == (4, 0, 0)
    assert Person.objects.count() == 0
    assert import_job_path(j).exists()  # kept for the commit


def test_commit_imports_the_previewed_file_once(client_for, officer):
    client = client_for(officer)
    upload(client, csv_bytes(ROWS))
    preview = job()
    page = client.post(
        reverse("imports:job_follow", args=[preview.pk]), {"commit": "1"}, follow=True
    )
    done = job()
    assert done.pk != preview.pk and done.status == ImportStatus.DONE
    assert done.result["preview"] is False and done.result["created"] == 4
    assert Person.objects.filter(register_number__isnull=False).count() == 4
    assert not import_job_path(preview).exists() and not import_job_path(done).exists()
    assert "人の一覧" in page.content.decode()
    # The import is one audit event, signed by the officer, with its counts.
    event = AuditEvent.objects.get(model="areas.municipality", username="saza-officer")
    assert event.changes["register_import"]["created"] == 4
    # A second commit of the same preview is refused, nothing more is written.
    again = client.post(
        reverse("imports:job_follow", args=[preview.pk]), {"commit": "1"}, follow=True
    )
    assert "続けられません" in again.content.decode()
    assert ImportJob.objects.filter(kind=ImportKind.REGISTER).count() == 2


def test_a_second_extract_previews_the_people_it_leaves_out(client_for, officer):
    client = client_for(officer)
    upload(client, csv_bytes(ROWS))
    client.post(reverse("imports:job_follow", args=[job().pk]), {"commit": "1"})
    changed = [list(r) for r in ROWS[:3]]
    changed[0][6] = "0956-99-9999"
    upload(client, csv_bytes(changed), on=timezone.localdate().isoformat())
    r = job().result
    assert (r["created"], r["updated"], r["unchanged"], r["moved_out"]) == (0, 1, 2, 1)
    assert Person.objects.filter(moved_out_on__isnull=False).count() == 0  # only a preview


def test_a_bad_file_names_the_cell_and_keeps_nothing(client_for, officer):
    rows = [list(r) for r in ROWS]
    rows[1][4] = "昭和64年2月1日"
    page = upload(client_for(officer), csv_bytes(rows)).content.decode()
    assert "3行目" in page and "生年月日" in page and "昭和64年" in page
    j = job()
    assert j.status == ImportStatus.FAILED and not import_job_path(j).exists()
    assert "この内容で取り込む" not in page


def test_an_unknown_header_is_mapped_on_the_page_and_remembered(client_for, officer):
    client = client_for(officer)
    header = ["個人宛名", *HEADER[1:]]
    page = upload(client, csv_bytes(ROWS, header)).content.decode()
    assert "足りない列" in page and 'name="map_register_number"' in page
    failed = job()
    assert failed.result["missing"] == ["register_number"]
    # A value that is not one of the file's headers is ignored, not trusted.
    client.post(
        reverse("imports:job_follow", args=[failed.pk]), {"map_register_number": "<script>"}
    )
    assert job().status == ImportStatus.FAILED
    retry = job()
    client.post(reverse("imports:job_follow", args=[retry.pk]), {"map_register_number": "個人宛名"})
    previewed = job()
    assert previewed.status == ImportStatus.DONE and previewed.result["created"] == 4
    client.post(reverse("imports:job_follow", args=[previewed.pk]), {"commit": "1"})
    assert Person.objects.count() == 4
    saved = RegisterColumnMapping.objects.get(municipality=officer.municipality)
    assert saved.mapping == {"register_number": "個人宛名"}
    # Next month's file with the same header maps itself.
    upload(client, csv_bytes(ROWS, header))
    assert job().status == ImportStatus.DONE and job().result["unchanged"] == 4


def test_an_expired_preview_is_refused_and_its_file_removed(client_for, officer, settings):
    client = client_for(officer)
    upload(client, csv_bytes(ROWS))
    preview = job()
    ImportJob.objects.filter(pk=preview.pk).update(
        finished_at=preview.finished_at
        - dt.timedelta(hours=settings.CHIIKI_IMPORT_PREVIEW_HOURS + 1)
    )
    page = client.post(
        reverse("imports:job_follow", args=[preview.pk]), {"commit": "1"}, follow=True
    )
    assert "もう一度アップロード" in page.content.decode()
    assert not import_job_path(preview).exists() and Person.objects.count() == 0


@pytest.mark.parametrize("role", [Role.SUPPORT_CENTER, Role.COORDINATOR])
def test_area_staff_may_not_import_nor_commit(client_for, officer, role):
    upload(client_for(officer), csv_bytes(ROWS))
    preview = job()
    other = user_create(
        username="saza-area",
        password=PASSWORD,
        role=role,
        municipality=officer.municipality,
        life_areas=list(officer.municipality.life_areas.all()),
    )
    client = client_for(other)
    assert client.get(reverse("people:register_import")).status_code == 403
    assert (
        client.post(reverse("imports:job_follow", args=[preview.pk]), {"commit": "1"}).status_code
        == 403
    )
    assert Person.objects.count() == 0


def test_another_municipalitys_administrator_cannot_commit(client_for, officer, town):
    upload(client_for(officer), csv_bytes(ROWS))
    preview = job()
    stranger = user_create(
        username="far-admin",
        password=PASSWORD,
        role=Role.ADMINISTRATOR,
        municipality=town.municipality,
    )
    r = client_for(stranger).post(reverse("imports:job_follow", args=[preview.pk]), {"commit": "1"})
    assert r.status_code == 403 and Person.objects.count() == 0


def test_the_api_previews_then_commits(client, officer):
    from chiiki.accounts.services import api_token_create

    _, token = api_token_create(user=officer, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    r = client.post(
        "/api/people/register-import",
        {"file": SimpleUploadedFile("住民.csv", csv_bytes(ROWS))},
        **auth,
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "done" and body["result"]["preview"] is True
    assert body["result"]["created"] == 4 and Person.objects.count() == 0
    c = client.post(f"/api/imports/{body['id']}/commit", **auth)
    assert c.status_code == 200 and c.json()["result"]["created"] == 4
    assert Person.objects.count() == 4
    assert client.post(f"/api/imports/{body['id']}/commit", **auth).status_code == 409
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    bad = client.post(
        f"/api/people/register-import?on={future}",
        {"file": SimpleUploadedFile("住民.csv", csv_bytes(ROWS))},
        **auth,
    )
    assert bad.status_code == 400


def test_a_moved_out_person_keeps_a_readable_record_with_the_mark(client_for, officer):
    client = client_for(officer)
    upload(client, csv_bytes(ROWS))
    client.post(reverse("imports:job_follow", args=[job().pk]), {"commit": "1"})
    upload(client, csv_bytes(ROWS[1:]))
    client.post(reverse("imports:job_follow", args=[job().pk]), {"commit": "1"})
    gone = Person.objects.get(register_number="1001")
    assert gone.moved_out_on == timezone.localdate()
    assert list(
        Person.objects.current()
        .values_list("register_number", flat=True)
        .order_by("register_number")
    ) == ["1002", "1003", "1004"]
    page = client.get(reverse("people:detail", args=[gone.pk])).content.decode()
    assert 'id="moved-out"' in page and "転出等" in page
