"""No prefecture role ever receives a person: every page, download and API route, once.

The world is the access matrix's test town (residents in 北部 and 南部, a survey, the
directory, mutual aid, councils, case meetings, the watch network) with the open data's
records on top (the participation world's residents, a year of attendance, dispatches, a
shared self-assessment) and one resident with an insured number and a phone of their own.
Logged in as ``pref``, every URL pattern of the project is requested with the ids of the
world's records of every kind, then every link of the pages that answered, then every GET
route of the OpenAPI document with a bearer token. No answer (HTML, JSON, CSV, XLSX, ZIP,
PDF) may hold a resident's name, kana, address, phone or insured number.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.apps import apps
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from chiiki.accounts.services import api_token_create
from chiiki.areas.models import Municipality
from chiiki.people.models import Person
from tests.accounts.test_matrix import world  # noqa: F401  (the matrix's world, a fixture)
from tests.conftest import make_person
from tests.prefecture import opendata_world

FIXED = {"fiscal_year": ["2024"], "year": ["2024"], "month": ["4"], "fmt": ["csv", "xlsx"]}
FIXED |= {"indicator_id": ["sc-groundwork"], "action": ["confirm"]}
PER_PARAM = 8  # ids tried per path argument (the world has fewer of most kinds)
SKIP = ("admin/", "logout/", "i18n/")  # the admin refuses non-staff; logging out ends the pass


@pytest.fixture
def full(world, town, personas, other_town, tmp_path):  # noqa: F811
    opendata_world.build(town, personas, other_town, tmp_path)
    opendata_world.share_grant(town, personas)
    make_person(
        town.n1,
        family_name="秘密",
        given_name="守",
        family_kana="ヒミツ",
        given_kana="マモル",
        address="山口県萩市須佐九九九番地の三",
        phone="08387-6-5432",
        insured_number="3520479876",
    )
    return world


def _needles() -> dict[str, str]:
    """What would identify each resident, mapped to what it is (for the failure message)."""
    found: dict[str, str] = {}
    for p in Person.objects.all():
        for sep in ("", " ", "　"):
            found[f"{p.family_name}{sep}{p.given_name}"] = f"name of person {p.pk}"
            found[f"{p.family_kana}{sep}{p.given_kana}"] = f"kana of person {p.pk}"
        found[p.address] = f"address of person {p.pk}"
        for value in (p.phone, p.insured_number):
            if value:
                found[value] = f"phone or insured number of person {p.pk}"
    return found


def _pdf_text(content: bytes) -> str:
    if shutil.which("pdftotext") is None:
        return content.decode("latin-1")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        done = subprocess.run(["pdftotext", f.name, "-"], capture_output=True, check=False)
    return done.stdout.decode("utf-8", "replace")


def _text(content: bytes, kind: str) -> str:
    """Everything a reader could get out of an answer, as text."""
    if content.startswith(b"%PDF"):
        return _pdf_text(content)
    if content.startswith(b"PK"):  # XLSX or a ZIP: every member, the sheets' XML included
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return "\n".join(_text(z.read(n), "") for n in z.namelist())
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = content.decode("latin-1")
    if "json" in kind:
        try:  # \\u escapes undone
            text += json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return text


def _leaks(response, needles: dict[str, str]) -> list[str]:
    content = getattr(response, "content", None)
    if content is None:
        content = b"".join(response.streaming_content)
    text = _text(content, response.get("Content-Type", ""))
    return [f"{what}: {needle}" for needle, what in needles.items() if needle in text]


def _ids() -> dict[str, list[str]]:
    """Every chiiki model's ids by its name, for the path arguments named after them."""
    out: dict[str, list[str]] = {}
    for model in apps.get_models():
        if model.__module__.startswith("chiiki."):
            pks = model._default_manager.order_by("pk").values_list("pk", flat=True)
            out.setdefault(model._meta.model_name, []).extend(str(pk) for pk in pks[:PER_PARAM])
    return out


def _values(param: str, ids: dict[str, list[str]]) -> list[str]:
    if FIXED.get(param):
        return FIXED[param]
    if param == "code":
        return list(Municipality.objects.values_list("code", flat=True))
    base = param.removesuffix("_id").replace("_", "")
    base = {"place": "service", "away": "availabilityexception", "link": "serviceatlocation"}.get(
        base, base
    )
    found = [pk for name, pks in ids.items() if name == base or name.endswith(base) for pk in pks]
    return sorted(set(found), key=int)[:PER_PARAM] or ["1", "2"]


def _patterns(resolver=None, prefix="", namespace=""):
    """(route, name, parameters) of every URL pattern, through the includes."""
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p, prefix + str(p.pattern), ns)
        elif isinstance(p.pattern, RoutePattern):
            yield prefix + str(p.pattern), namespace + (p.name or ""), list(p.pattern.converters)
        elif isinstance(p.pattern, RegexPattern):
            yield (
                prefix + str(p.pattern),
                namespace + (p.name or ""),
                list(p.pattern.regex.groupindex),
            )


def _urls() -> list[str]:
    ids, urls = _ids(), []
    for route, name, params in _patterns():
        if route.startswith(SKIP) or not name or name.endswith(":"):
            continue
        choices = [_values(param, ids) for param in params]
        for values in itertools.islice(itertools.product(*choices), PER_PARAM * 3):
            try:
                urls.append(reverse(name, kwargs=dict(zip(params, values, strict=True))))
            except NoReverseMatch:
                continue
    return list(dict.fromkeys(urls))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("href", "hx-get", "src", "data-url") and value:
                self.found.append(value)


def _links(base: str, response) -> list[str]:
    if "text/html" not in response.get("Content-Type", "") or response.status_code != 200:
        return []
    parser = _Links()
    parser.feed(response.content.decode())
    out = []
    for link in parser.found:
        url = urljoin(base, link).split("#", 1)[0]
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not url:
            continue
        if not url.startswith(("/static/", "/logout/", "/admin/", "/i18n/")):
            out.append(url)
    return out


def _shape(url: str) -> tuple[str, frozenset[str]]:
    """A link's page and the names of its query (with the format's value): one of each is
    followed, since a calendar's months or a list's pages and orders are the same page."""
    parts = urlsplit(url)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        route = parts.path
    query = parse_qsl(parts.query, keep_blank_values=True)
    return route, frozenset(f"{k}={v}" if k == "format" else k for k, v in query)


def _api_urls(schema: dict) -> list[str]:
    ids, out = _ids(), []
    for route, ops in schema["paths"].items():
        if "get" not in ops:
            continue
        params = re.findall(r"{(\w+)}", route)
        for values in itertools.islice(
            itertools.product(*[_values(p, ids) for p in params]), PER_PARAM
        ):
            url = route
            for param, value in zip(params, values, strict=True):
                url = url.replace("{" + param + "}", value)
            out.append(url)
    return out


def test_the_detector_finds_a_resident_where_one_is_shown(full, client_for, personas):
    person = Person.objects.get(family_name="秘密")
    client = client_for(personas["officer"])
    assert _leaks(client.get(f"/people/{person.pk}/"), _needles())
    assert _leaks(client.get(f"/api/people/{person.pk}"), _needles())


def test_no_prefecture_role_receives_a_person(full, client_for, personas):
    needles = _needles()
    client = client_for(personas["pref"])
    leaks: dict[str, list[str]] = {}
    answered: set[int] = set()
    queue, seen, shapes = [(url, False) for url in _urls()], set(), set()
    while queue:
        url, crawled = queue.pop(0)
        if url in seen or (crawled and _shape(url) in shapes):
            continue
        seen.add(url)
        shapes.add(_shape(url))
        response = client.get(url)
        answered.add(response.status_code)
        if found := _leaks(response, needles):
            leaks[url] = found
        queue += [(link, True) for link in _links(url, response)]
    token = api_token_create(user=personas["pref"], name="check")[1]
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    schema = bearer.get("/api/openapi.json").json()
    api = _api_urls(schema)
    assert any("/prefecture/" in u for u in seen) and len(api) > 20
    for url in api:
        if found := _leaks(bearer.get(url), needles):
            leaks[url] = found
    assert not leaks, leaks
    assert 200 in answered and 403 in answered
