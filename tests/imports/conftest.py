from __future__ import annotations

import pytest
from django.core.management import call_command


def run_worker() -> None:
    """Run the real queue (django-tasks-db's worker) until it is empty, as `chiiki db_worker`."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


@pytest.fixture
def worker():
    return run_worker
