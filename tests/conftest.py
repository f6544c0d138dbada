"""Shared fixtures: a small municipality and named personas, built through services.

Personas: ``admin`` (administrator), ``officer`` (municipal staff), ``nurse`` (support-center
staff scoped to life area 北部), ``coordinator`` (scoped to 南部), ``volunteer`` (linked to
their own person record), ``pref`` (prefecture viewer), ``advisor`` (an outside
professional invited to community care meetings) and ``outsider`` (support-center
staff of another municipality).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass

import pytest
from faker import Faker

from chiiki.accounts.models import Role, User
from chiiki.accounts.services import user_create
from chiiki.areas import services as area_services
from chiiki.areas.models import District, LifeArea, Municipality
from chiiki.people.models import Person
from chiiki.people.services import person_create

PASSWORD = "test-pass-123"
_serial = itertools.count(1)


@dataclass
class Town:
    municipality: Municipality
    north: LifeArea
    south: LifeArea
    n1: District
    n2: District
    s1: District
    s2: District


@pytest.fixture
def town(db) -> Town:
    m = area_services.municipality_create(
        code="352047", name="萩市", prefecture_code="35", prefecture_name="山口県"
    )
    north = area_services.life_area_create(municipality=m, code="N", name="北部", order=1)
    south = area_services.life_area_create(municipality=m, code="S", name="南部", order=2)
    return Town(
        municipality=m,
        north=north,
        south=south,
        n1=area_services.district_create(life_area=north, code="N1", name="須佐", order=1),
        n2=area_services.district_create(life_area=north, code="N2", name="田万川", order=2),
        s1=area_services.district_create(life_area=south, code="S1", name="旭", order=3),
        s2=area_services.district_create(life_area=south, code="S2", name="福栄", order=4),
    )


@pytest.fixture
def other_town(db) -> Municipality:
    m = area_services.municipality_create(
        code="442143", name="国東市", prefecture_code="44", prefecture_name="大分県"
    )
    la = area_services.life_area_create(municipality=m, code="1", name="安岐", order=1)
    area_services.district_create(life_area=la, code="1", name="朝来")
    return m


_fake = Faker("ja_JP")


def make_person(district: District, **fields) -> Person:
    """A synthetic person (Faker ja_JP, seeded per call order) created through the service."""
    n = next(_serial)
    _fake.seed_instance(n)
    rng = random.Random(n)
    sex = fields.pop("sex", rng.choice("MF"))
    family, family_kana, _ = _fake.last_name_pair()
    given, given_kana, _ = (
        _fake.first_name_male_pair() if sex == "M" else _fake.first_name_female_pair()
    )
    values = {
        "family_name": family,
        "given_name": given,
        "family_kana": family_kana,
        "given_kana": given_kana,
        "sex": sex,
        "birth_date": dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 9000)),
        "address": f"山口県萩市{district.name}{rng.randint(1, 999)}番地",
        "phone": "0838-22-0000",
    }
    values.update(fields)
    return person_create(user=None, district=district, **values)


def audited(person: Person, **filters):
    """The audit events that name a person: a record opened, a list they were on, a change."""
    from chiiki.accounts.models import AuditEvent

    return AuditEvent.objects.filter(subjects__person_id=person.pk, **filters).distinct()


@pytest.fixture
def personas(town: Town, other_town: Municipality) -> dict[str, User]:
    me = make_person(
        town.s1, family_name="奉仕", given_name="花子", family_kana="ホウシ", given_kana="ハナコ"
    )
    specs = {
        "admin": dict(role=Role.ADMINISTRATOR, municipality=town.municipality),
        "officer": dict(role=Role.MUNICIPAL, municipality=town.municipality),
        "nurse": dict(
            role=Role.SUPPORT_CENTER, municipality=town.municipality, life_areas=[town.north]
        ),
        "coordinator": dict(
            role=Role.COORDINATOR, municipality=town.municipality, life_areas=[town.south]
        ),
        "volunteer": dict(role=Role.VOLUNTEER, municipality=town.municipality, person=me),
        "pref": dict(role=Role.PREFECTURE, prefecture=town.municipality.prefecture),
        # A physiotherapist from a clinic, invited to community care meetings.
        "advisor": dict(role=Role.ADVISOR, municipality=town.municipality),
        "outsider": dict(
            role=Role.SUPPORT_CENTER,
            municipality=other_town,
            life_areas=list(other_town.life_areas.all()),
        ),
    }
    return {
        name: user_create(username=name, password=PASSWORD, **spec) for name, spec in specs.items()
    }


@pytest.fixture(autouse=True)
def _import_files_in_tmp(settings, tmp_path_factory):
    """Uploads waiting for their import go to a temporary folder, not the project's var/."""
    settings.CHIIKI_IMPORT_DIR = tmp_path_factory.mktemp("imports")


@pytest.fixture(autouse=True)
def _no_kept_figures():
    """Each test starts without the side by side's figures of an earlier test's database."""
    from chiiki.prefecture.selectors import compare

    compare.forget()


@pytest.fixture
def client_for(client):
    def login(user: User):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


def pytest_configure(config):
    """Flushes between transactional tests lift the audit trail's delete guard for the flush alone."""
    from django.core.management.commands import flush

    original = flush.Command.handle

    def handle(self, **options):
        from django.db import connections

        from chiiki.accounts.audit_guard import lifted_for_flush

        with lifted_for_flush(connections[options.get("database") or "default"]):
            return original(self, **options)

    flush.Command.handle = handle


@pytest.fixture
def command_keeps_connection(monkeypatch):
    """``run_from_argv`` closes every database connection when the command ends, as a process
    that exits would. Inside a test the next query needs the test's own connection (on
    PostgreSQL a closed one fails the test), so closing is left to the test run."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


# The database-free tests (the engines: wareki, the KCL and needs rules, recurrence, the
# tariff…) run in the SQLite pass; on PostgreSQL the suite runs what touches a database.
# The browser tests run in the SQLite pass too: what they add to the other tests is the page
# in Chromium (its scripts, HTMX swaps, CSP, print), which no database changes, while the
# routes under them run on PostgreSQL through the client tests, the grid and the fuzz run.
_DB_FIXTURES = {"db", "transactional_db", "live_server"}


def _on_postgresql() -> bool:
    from django.conf import settings

    return "postgresql" in settings.DATABASES["default"]["ENGINE"]


def pytest_report_header(config):
    if _on_postgresql():
        return (
            "PostgreSQL pass: tests that use no database, and the browser tests, are left out "
            "(the SQLite pass runs them)"
        )
    return None


def pytest_collection_modifyitems(config, items):
    if not _on_postgresql():
        return
    kept, free = [], []
    for item in items:
        uses_db = set(getattr(item, "fixturenames", ())) & _DB_FIXTURES
        in_browser = item.nodeid.startswith("tests/browser/")
        wanted = (uses_db or item.get_closest_marker("django_db")) and not in_browser
        (kept if wanted else free).append(item)
    if free:
        config.hook.pytest_deselected(items=free)
        items[:] = kept
