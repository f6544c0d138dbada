"""The boundary of the outside professional: every route of community care meetings (pages,
PDFs, spreadsheets and the API), opened as the advisor with the ids of the world's records,
never carries the resident's name, kana, address, phone or insured number. The same walk as
the nurse shows that the probes would see them if they were there."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from chiiki.accounts.services import api_token_create
from chiiki.casemeetings import services
from tests.casemeetings.world import build_cases

ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _routes() -> list[str]:
    found: list[str] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith(("casemeetings/", "api/casemeetings/")):
                    found.append(route)

    walk(get_resolver(), "")
    return found


def _text(response, tmp_path) -> str:
    """What a person would read in the answer: a PDF's text, a workbook's cells, the body."""
    content = response.content if not response.streaming else b"".join(response.streaming_content)
    kind = response.get("Content-Type", "")
    if content.startswith(b"%PDF"):
        if shutil.which("pdftotext") is None:
            pytest.fail("pdftotext (poppler-utils) is needed to read the PDFs back")
        path = tmp_path / "out.pdf"
        path.write_bytes(content)
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    assert "charset" in kind or not content, kind
    return content.decode("utf-8", "replace")


@pytest.fixture
def world(town, personas):
    w = build_cases(town, personas)
    services.task_add(
        user=None,
        review=w.review,
        kind="informal",
        text="サロンの見学",
        role="coordinator",
        owner="SC 山田",
        due_on=w.meeting.held_on,
        target="一度見学する",
    )
    return w


def _ids(w) -> dict[str, int]:
    return {
        "series_id": w.series.pk,
        "meeting_id": w.meeting.pk,
        "case_id": w.case.pk,
        "review_id": w.review.pk,
        "task_id": w.review.tasks.first().pk,
        "issue_id": 1,
    }


def _walk(client, w, tmp_path, headers=None) -> dict[str, str]:
    ids = _ids(w)
    seen: dict[str, str] = {}
    for route in _routes():
        url = "/" + ARG.sub(lambda m: str(ids.get(m.group(2), 1)), route)
        url = url.replace("{case_id}", str(w.case.pk))
        response = client.get(url, **(headers or {}))
        if response.status_code == 200:
            seen[url] = _text(response, tmp_path)
    return seen


def _secrets(person) -> list[str]:
    return [
        person.family_name + " " + person.given_name,
        person.family_name + person.given_name,
        person.family_kana,
        person.address,
        person.phone,
        person.insured_number,
    ]


def test_the_advisor_never_receives_who_the_person_is(client, world, personas, tmp_path):
    client.force_login(personas["advisor"], backend="django.contrib.auth.backends.ModelBackend")
    seen = _walk(client, world, tmp_path)
    token = api_token_create(user=personas["advisor"], name="tablet")[1]
    client.logout()
    seen |= {
        f"{url} (token)": text
        for url, text in _walk(
            client, world, tmp_path, {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        ).items()
    }
    # The advisor does reach the meeting, its case, its agenda, the exports and the API: the
    # walk is not empty.
    for reached in (
        f"/casemeetings/cases/{world.case.pk}/",
        f"/casemeetings/meetings/{world.meeting.pk}/agenda.pdf",
        "/casemeetings/cases.csv",
        "/casemeetings/cases.xlsx",
        f"/api/casemeetings/cases/{world.case.pk} (token)",
    ):
        assert reached in seen, reached
    assert any(world.case.number in t for t in seen.values())
    leaks = {
        url: [s for s in _secrets(world.person) if s and s in text] for url, text in seen.items()
    }
    assert {u: found for u, found in leaks.items() if found} == {}


def test_the_nurse_of_the_area_does_see_them(client, world, personas, tmp_path):
    client.force_login(personas["nurse"], backend="django.contrib.auth.backends.ModelBackend")
    seen = _walk(client, world, tmp_path)
    page = seen[f"/casemeetings/cases/{world.case.pk}/"]
    person = world.person
    for secret in (person.family_name + " " + person.given_name, person.address, person.phone):
        assert secret in page
    assert person.insured_number in page
    assert person.address in seen["/casemeetings/cases.csv"]
