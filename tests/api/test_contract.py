"""The API keeps what ``/api/v1/openapi.json`` promises, checked by a client no one here
wrote: schemathesis generates requests from the document (writes included), sends them
to the WSGI application in process against the test database, and runs every check on
each answer (no server error, only documented statuses, bodies and content types as
described, what the schema allows served, what it forbids refused). Once for every role
that may use the API, with its bearer token, and once for an anonymous caller; a fixed
seed and a bounded number of examples per operation keep it the same on every run. The
exceptions the document cannot express are in ``schemathesis.toml`` at the root.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings

from chiiki.accounts.services import api_token_create
from tests.conftest import _on_postgresql

ROOT = Path(__file__).resolve().parents[2]
CONFIG = schemathesis.config.SchemathesisConfig.from_path(ROOT / "schemathesis.toml")
EXAMPLES = 3


# Every role that holds an API capability, and no credentials at all.
PERSONAS = ["admin", "officer", "nurse", "coordinator", "volunteer", "pref", "advisor", None]
# On SQLite the roles whose reach differs in kind: the whole municipality, one life area, a
# volunteer's own, a prefecture's statistics, none. The officer, coordinator and advisor
# hold subsets of the administrator's and nurse's capabilities, each checked against every
# capability on both databases in tests/accounts; here they would repeat the same answers.
# On the PostgreSQL pass, to keep CI within its time, the nurse (the API's main caller) and
# the anonymous one.
SQLITE = {"admin", "nurse", "volunteer", "pref", None}
FULL = {"nurse", None}
# The document needs no database: it is read once, as the tests are collected.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application(), config=CONFIG
)


@pytest.fixture(autouse=True)
def _the_test_transaction_stays_open():
    """As Django's test client does: the app called in process must not close the test's
    connection at the end of each request (on PostgreSQL that ends the test transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def headers(persona, personas, town):
    """The persona's bearer token, made once for all of an operation's examples."""
    if persona not in (FULL if _on_postgresql() else SQLITE):
        pytest.skip(
            "PostgreSQL pass: the nurse and the anonymous caller"
            if _on_postgresql()
            else "a subset of the administrator's and nurse's reach (see tests/accounts)"
        )
    if persona is None:
        return {}
    _, raw = api_token_create(user=personas[persona], name="contract")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p or "anonymous")
@schema.parametrize()
@settings(
    derandomize=True,
    deadline=None,
    max_examples=EXAMPLES,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case, persona, headers):
    case.call_and_validate(headers=headers)
